use tracing_subscriber::EnvFilter;

use crate::config::LogConfig;

/// Installs the tracing subscriber: human-readable text, or JSON lines for log collectors.
/// `RUST_LOG` wins over the configured level when set. Logs go to standard error, so standard
/// output stays for results (tokens, passwords) that scripts read.
pub fn init(config: &LogConfig) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("{},sqlx=warn,sea_orm=warn", config.level)));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if config.format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
