//! Configuration: built-in defaults < `vocweek.toml` < `VOCWEEK_…` environment < command line.
//!
//! `load` lays the layers, `environment` maps the `VOCWEEK_…` variables onto settings, `check`
//! refuses a configuration that cannot work, `documented` is the README's settings table as
//! data. Each settings section has its own file; the sections a subsystem owns (`[storage]`,
//! `[media]` and `[articles]`, `[partners]` and `[webhooks]`) are defined beside that subsystem
//! and re-exported here.

mod check;
mod database;
mod documented;
mod environment;
mod limits;
mod load;
mod log;
mod photos;
mod resumable;
#[cfg(test)]
mod tests;
mod video;
mod workers;

use std::path::PathBuf;

use serde::Deserialize;
use vocweek_api::PublicOrigin;

pub use self::database::redact_url;
pub use self::documented::{DOCUMENTED, DocumentedSetting, markdown_table};
pub use self::environment::{ENVIRONMENT, ValueType};
pub use self::limits::LimitsConfig;
pub use self::load::DEFAULT_CONFIG_FILE;
pub use self::log::LogConfig;
pub use self::photos::PhotosConfig;
pub use self::resumable::ResumableConfig;
pub use self::video::VideoConfig;
pub use self::workers::WorkersConfig;
pub use crate::distribution_config::{PartnersConfig, WebhooksConfig};
pub use crate::media_config::{ArticlesConfig, MediaConfig};
pub use crate::storage::{S3Config, StorageConfig};

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Holds the SQLite database and the blob store of the embedded default.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; default: a SQLite file in the data directory.
    pub database_url: Option<String>,
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
    pub limits: LimitsConfig,
    pub workers: WorkersConfig,
    pub photos: PhotosConfig,
    pub video: VideoConfig,
    pub articles: ArticlesConfig,
    pub media: MediaConfig,
    pub resumable: ResumableConfig,
    pub partners: PartnersConfig,
    pub webhooks: WebhooksConfig,
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
            limits: LimitsConfig::default(),
            workers: WorkersConfig::default(),
            photos: PhotosConfig::default(),
            video: VideoConfig::default(),
            articles: ArticlesConfig::default(),
            media: MediaConfig::default(),
            resumable: ResumableConfig::default(),
            partners: PartnersConfig::default(),
            webhooks: WebhooksConfig::default(),
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
        self.storage
            .path
            .clone()
            .unwrap_or_else(|| self.data_dir.join("blobs"))
    }
}
