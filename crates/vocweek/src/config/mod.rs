//! Configuration: built-in defaults < `vocweek.toml` < `VOCWEEK_…` environment < command line.
//!
//! `load` lays the layers (a figment), `environment` maps the `VOCWEEK_…` variables onto
//! settings, `check` refuses a configuration that cannot work, `documented` is the README's
//! settings table as data. A section a subsystem owns is defined, deserialized and checked in
//! that subsystem's crate and re-exported here: the pipeline's `[photos]`, `[video]`,
//! `[articles]`, `[media]`, `[workers]`, `[webhooks]`, `[mail]`, `[live]` and `[limits]`,
//! vocweek-storage's `[storage]`, vocweek-api's `[resumable]` and `[partners]`; the binary's own
//! (`[log]`, the top-level keys) are here.

mod check;
mod database;
mod documented;
mod environment;
mod load;
mod log;
#[cfg(test)]
mod tests;
mod workers;

use std::path::PathBuf;

use secrecy::SecretString;
use serde::Deserialize;
use vocweek_api::PublicOrigin;
use vocweek_pipeline::UploadLimits;

pub use self::database::redact_url;
pub use self::documented::{DOCUMENTED, DocumentedSetting, markdown_table};
pub use self::environment::{ENVIRONMENT, ValueType};
pub use self::load::DEFAULT_CONFIG_FILE;
pub use self::log::LogConfig;
pub use vocweek_api::{PartnersConfig, ResumableConfig};
pub use vocweek_pipeline::settings::{
    ArticlesConfig, LiveConfig, MailConfig, MediaConfig, PhotosConfig, VideoConfig, WebhooksConfig,
    WorkersConfig,
};
pub use vocweek_storage::{S3Config, StorageConfig};

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Holds the SQLite database and the blob store of the embedded default.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; default: a SQLite file in the data directory. Secret:
    /// a PostgreSQL URL carries its password, which must not reach a log through `{:?}`.
    pub database_url: Option<SecretString>,
    pub database_max_connections: u32,
    pub listen: String,
    /// HTTP worker threads; 0 means one per core.
    pub http_workers: usize,
    /// The address users and partners reach the service at (`https://host[:port]`): the
    /// origin of links it hands out (tus `Location`, the feed). Unset: the client's `Host`.
    pub public_url: Option<String>,
    /// Addresses or CIDR networks of the proxies in front of the service: only their
    /// `Forwarded` / `X-Forwarded-Proto` / `X-Forwarded-Host` are believed.
    pub trusted_proxies: Vec<String>,
    pub storage: StorageConfig,
    /// `[limits]`: the largest upload accepted of each kind.
    pub limits: UploadLimits,
    pub workers: WorkersConfig,
    pub photos: PhotosConfig,
    pub video: VideoConfig,
    pub articles: ArticlesConfig,
    pub media: MediaConfig,
    pub resumable: ResumableConfig,
    pub partners: PartnersConfig,
    pub webhooks: WebhooksConfig,
    /// `[mail]`: the SMTP server the units' notices go through (off by default).
    pub mail: MailConfig,
    /// `[live]`: live channels over RTMP (off by default: no `rtmp_listen`).
    pub live: LiveConfig,
    pub log: LogConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("./vocweek-data"),
            database_url: None,
            database_max_connections: 10,
            listen: "127.0.0.1:8080".to_owned(),
            http_workers: 0,
            public_url: None,
            trusted_proxies: Vec::new(),
            storage: StorageConfig::default(),
            limits: UploadLimits::default(),
            workers: WorkersConfig::default(),
            photos: PhotosConfig::default(),
            video: VideoConfig::default(),
            articles: ArticlesConfig::default(),
            media: MediaConfig::default(),
            resumable: ResumableConfig::default(),
            partners: PartnersConfig::default(),
            webhooks: WebhooksConfig::default(),
            mail: MailConfig::default(),
            live: LiveConfig::default(),
            log: LogConfig::default(),
        }
    }
}

impl Config {
    /// `public_url` and `trusted_proxies`, checked (a blank `public_url` is none).
    pub fn public_origin(&self) -> anyhow::Result<PublicOrigin> {
        Ok(PublicOrigin::new(
            self.public_url.as_deref(),
            &self.trusted_proxies,
        )?)
    }

    pub fn storage_path(&self) -> PathBuf {
        self.storage.blob_path(&self.data_dir)
    }
}
