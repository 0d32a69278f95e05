//! Reading the layers with figment: built-in defaults (each section's `Default`, through
//! `#[serde(default)]`), then the settings file, then the environment; the result is checked
//! before anyone uses it.

use std::path::Path;

use anyhow::Context;
use figment::Figment;
use figment::providers::{Format, Toml};

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
        let layers = match file {
            Some(path) => settings_file(path)?,
            None if Path::new(DEFAULT_CONFIG_FILE).exists() => {
                settings_file(Path::new(DEFAULT_CONFIG_FILE))?
            }
            // No layer at all: every section's `#[serde(default)]` gives the built-in values.
            None => Figment::new(),
        };
        let layers = overlay(layers, env)?;
        let config: Config = layers
            .extract()
            .context("the configuration is invalid (vocweek.toml or VOCWEEK_… variables)")?;
        config.check()?;
        Ok(config)
    }
}

/// The settings file as the first layer. It is opened here so that a missing or unreadable
/// file stops the program with its name: figment's `Toml::file` would skip a missing file and
/// look for a relative one in every parent directory; `file_exact` reads exactly this one (a
/// syntax error is then reported by `extract`, naming the file).
fn settings_file(path: &Path) -> anyhow::Result<Figment> {
    std::fs::File::open(path)
        .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
    Ok(Figment::from(Toml::file_exact(path)))
}
