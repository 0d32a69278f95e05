//! Reading the layers: built-in defaults (each section's `Default`), then the settings file,
//! then the environment; the result is checked before anyone uses it.

use std::path::Path;

use anyhow::Context;

use super::Config;
use super::environment::overlay;

/// The configuration file read from the working directory when `--config` is not given.
pub const DEFAULT_CONFIG_FILE: &str = "vocweek.toml";

impl Config {
    /// Loads the layers. `file`: an explicit `--config` (must exist); otherwise `vocweek.toml`
    /// in the working directory when present. `env` is the process environment (a parameter so
    /// tests can pass their own).
    pub fn load(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Config> {
        let mut table = match file {
            Some(path) => read_table(path)?,
            None if Path::new(DEFAULT_CONFIG_FILE).exists() => {
                read_table(Path::new(DEFAULT_CONFIG_FILE))?
            }
            None => toml::Table::new(),
        };
        overlay(&mut table, env)?;
        let config: Config = table
            .try_into()
            .context("the configuration is invalid (vocweek.toml or VOCWEEK_… variables)")?;
        config.check()?;
        Ok(config)
    }
}

fn read_table(path: &Path) -> anyhow::Result<toml::Table> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
    text.parse::<toml::Table>()
        .with_context(|| format!("{} is not valid TOML", path.display()))
}
