//! Configuration: built-in defaults < `vocweek.toml` < `VOCWEEK_…` environment < command line.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use serde::Deserialize;
use vocweek_api::PublicOrigin;
use vocweek_media::photo::{PhotoSettings, Target};
use vocweek_media::video::VideoSettings;
use vocweek_pipeline::{UploadLimits, WorkerConfig, parse_byte_size};

pub use crate::distribution_config::{PartnersConfig, WebhooksConfig};
pub use crate::media_config::{ArticlesConfig, MediaConfig};
pub use crate::storage::{S3Config, StorageConfig};

/// The configuration file read from the working directory when `--config` is not given.
pub const DEFAULT_CONFIG_FILE: &str = "vocweek.toml";

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

/// Resumable (tus) uploads.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ResumableConfig {
    /// An upload nobody wrote to for this long is removed (a weekend away fits the default).
    pub expire_hours: u64,
    /// How long a stalled writer (a killed node) can hold an upload before another takes it.
    pub lease_seconds: u64,
    /// How often workers look for expired uploads.
    pub sweep_interval_seconds: u64,
}

impl Default for ResumableConfig {
    fn default() -> Self {
        ResumableConfig {
            expire_hours: 72,
            lease_seconds: 10,
            sweep_interval_seconds: 300,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VideoConfig {
    /// The HLS ladder as short sides in pixels; never above the source.
    pub rungs: Vec<u32>,
    /// Short side of the MP4 download (the source's when smaller).
    pub download_rung: u32,
    /// libx264 preset (`ultrafast` … `veryslow`) and constant rate factor.
    pub preset: String,
    pub crf: u8,
    pub segment_seconds: u32,
    pub audio_bitrate_kbps: u32,
    pub max_frame_rate: f64,
    /// Largest accepted picture, checked from the header before decoding.
    pub max_pixels: u64,
    pub max_side: u32,
    /// Videos transcoded at once in this process (each keeps every core busy).
    pub concurrency: usize,
    /// A transcode is stopped after this many times the video's duration…
    pub time_limit_factor: f64,
    /// …but never before this many seconds.
    pub time_limit_min_seconds: u64,
}

impl Default for VideoConfig {
    fn default() -> Self {
        let defaults = VideoSettings::default();
        VideoConfig {
            rungs: defaults.rungs,
            download_rung: defaults.download_rung,
            preset: defaults.preset,
            crf: defaults.crf,
            segment_seconds: defaults.segment_seconds,
            audio_bitrate_kbps: defaults.audio_bitrate / 1000,
            max_frame_rate: defaults.max_frame_rate,
            max_pixels: defaults.max_pixels,
            max_side: defaults.max_side,
            concurrency: 1,
            time_limit_factor: 4.0,
            time_limit_min_seconds: 600,
        }
    }
}

impl VideoConfig {
    /// The media settings; the poster and thumbnail follow the photo sizes.
    pub fn settings(&self, photos: &PhotosConfig) -> VideoSettings {
        VideoSettings {
            rungs: self.rungs.clone(),
            download_rung: self.download_rung,
            preset: self.preset.clone(),
            crf: self.crf,
            gop_seconds: 2.0,
            segment_seconds: self.segment_seconds,
            audio_bitrate: self.audio_bitrate_kbps.saturating_mul(1000),
            max_frame_rate: self.max_frame_rate,
            max_pixels: self.max_pixels,
            max_side: self.max_side,
            poster: Target {
                long_edge: photos.preview_size,
                quality: photos.preview_quality,
            },
            thumb: Target {
                long_edge: photos.thumb_size,
                quality: photos.thumb_quality,
            },
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PhotosConfig {
    /// Long edge of the `thumb` rendition (WebP), in pixels.
    pub thumb_size: u32,
    pub thumb_quality: u8,
    /// Long edge of the `preview` rendition (progressive JPEG), in pixels.
    pub preview_size: u32,
    pub preview_quality: u8,
    /// Largest photo accepted, checked from the header before decoding.
    pub max_pixels: u64,
    pub max_side: u32,
    /// Photos the `thumbnail` command processes at once (the service admits photo decodes by
    /// `decode_budget` instead).
    pub concurrency: usize,
    /// Bytes of decoded pictures held at once by one process's photo children.
    pub decode_budget: String,
    /// The most one photo's decode may hold (its pixels in their own format, then as RGB),
    /// read from the header before any pixel is decoded.
    pub max_decoded: String,
    /// Embedded ICC/EXIF/XMP/text beyond this is ignored (the photo is still processed).
    pub max_metadata: String,
    /// Hamming distance (0–7) within which a stored photo is listed as `similar_to`.
    pub similar_distance: u32,
}

impl Default for PhotosConfig {
    fn default() -> Self {
        let defaults = PhotoSettings::default();
        PhotosConfig {
            thumb_size: defaults.thumb.long_edge,
            thumb_quality: defaults.thumb.quality,
            preview_size: defaults.preview.long_edge,
            preview_quality: defaults.preview.quality,
            max_pixels: defaults.max_pixels,
            max_side: defaults.max_side,
            concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
            decode_budget: "2GiB".to_owned(),
            max_decoded: format!("{}MiB", defaults.max_decoded_bytes / (1024 * 1024)),
            max_metadata: format!("{}MiB", defaults.max_metadata_bytes / (1024 * 1024)),
            similar_distance: 6,
        }
    }
}

impl PhotosConfig {
    pub fn settings(&self) -> anyhow::Result<PhotoSettings> {
        let size = |key: &str, text: &str| {
            parse_byte_size(text).map_err(|e| anyhow::anyhow!("photos.{key}: {e}"))
        };
        Ok(PhotoSettings {
            thumb: Target {
                long_edge: self.thumb_size,
                quality: self.thumb_quality,
            },
            preview: Target {
                long_edge: self.preview_size,
                quality: self.preview_quality,
            },
            max_pixels: self.max_pixels,
            max_side: self.max_side,
            max_decoded_bytes: size("max_decoded", &self.max_decoded)?,
            max_metadata_bytes: size("max_metadata", &self.max_metadata)?,
        })
    }

    pub fn decode_budget_bytes(&self) -> anyhow::Result<u64> {
        let budget = parse_byte_size(&self.decode_budget)
            .map_err(|e| anyhow::anyhow!("photos.decode_budget: {e}"))?;
        let one = self.settings()?.max_decoded_bytes;
        if budget < one {
            bail!(
                "photos.decode_budget ({}) must hold at least one photo's photos.max_decoded ({})",
                self.decode_budget,
                self.max_decoded
            );
        }
        Ok(budget)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    pub photo: String,
    pub video: String,
    pub article: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkersConfig {
    /// Run workers inside `serve` (the embedded default).
    pub in_process: bool,
    pub concurrency: usize,
    pub lease_seconds: u64,
    pub poll_interval_ms: u64,
    pub max_attempts: i32,
    pub backoff_base_ms: u64,
    pub backoff_max_seconds: u64,
    pub media_timeout_seconds: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// A tracing filter: `info`, `vocweek=debug,info`…
    pub level: String,
    /// `text` or `json`.
    pub format: String,
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

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            photo: "50MB".to_owned(),
            video: "20GB".to_owned(),
            article: "50MB".to_owned(),
        }
    }
}

impl Default for WorkersConfig {
    fn default() -> Self {
        let defaults = WorkerConfig::default();
        WorkersConfig {
            in_process: true,
            concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
            lease_seconds: defaults.lease.as_secs(),
            poll_interval_ms: 500,
            max_attempts: 5,
            backoff_base_ms: 2000,
            backoff_max_seconds: 600,
            media_timeout_seconds: defaults.media_timeout.as_secs(),
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            level: "info".to_owned(),
            format: "text".to_owned(),
        }
    }
}

/// Environment variables and the setting each overrides.
pub const ENVIRONMENT: [(&str, &str, ValueType); 38] = [
    ("VOCWEEK_DATA_DIR", "data_dir", ValueType::Text),
    ("VOCWEEK_DATABASE_URL", "database_url", ValueType::Text),
    (
        "VOCWEEK_DATABASE_MAX_CONNECTIONS",
        "database_max_connections",
        ValueType::Integer,
    ),
    ("VOCWEEK_LISTEN", "listen", ValueType::Text),
    ("VOCWEEK_HTTP_WORKERS", "http_workers", ValueType::Integer),
    ("VOCWEEK_PUBLIC_URL", "public_url", ValueType::Text),
    (
        "VOCWEEK_TRUSTED_PROXIES",
        "trusted_proxies",
        ValueType::List,
    ),
    (
        "VOCWEEK_STORAGE_BACKEND",
        "storage.backend",
        ValueType::Text,
    ),
    ("VOCWEEK_STORAGE_PATH", "storage.path", ValueType::Text),
    (
        "VOCWEEK_STORAGE_STAGING_PATH",
        "storage.staging_path",
        ValueType::Text,
    ),
    (
        "VOCWEEK_STORAGE_S3_ENDPOINT",
        "storage.s3.endpoint",
        ValueType::Text,
    ),
    (
        "VOCWEEK_STORAGE_S3_REGION",
        "storage.s3.region",
        ValueType::Text,
    ),
    (
        "VOCWEEK_STORAGE_S3_BUCKET",
        "storage.s3.bucket",
        ValueType::Text,
    ),
    (
        "VOCWEEK_STORAGE_S3_PREFIX",
        "storage.s3.prefix",
        ValueType::Text,
    ),
    (
        "VOCWEEK_STORAGE_S3_ACCESS_KEY_ID",
        "storage.s3.access_key_id",
        ValueType::Text,
    ),
    (
        "VOCWEEK_STORAGE_S3_SECRET_ACCESS_KEY",
        "storage.s3.secret_access_key",
        ValueType::Text,
    ),
    (
        "VOCWEEK_STORAGE_S3_PATH_STYLE",
        "storage.s3.path_style",
        ValueType::Boolean,
    ),
    ("VOCWEEK_LIMITS_PHOTO", "limits.photo", ValueType::Text),
    ("VOCWEEK_LIMITS_VIDEO", "limits.video", ValueType::Text),
    ("VOCWEEK_LIMITS_ARTICLE", "limits.article", ValueType::Text),
    (
        "VOCWEEK_WORKERS_IN_PROCESS",
        "workers.in_process",
        ValueType::Boolean,
    ),
    (
        "VOCWEEK_WORKERS_CONCURRENCY",
        "workers.concurrency",
        ValueType::Integer,
    ),
    (
        "VOCWEEK_WORKERS_LEASE_SECONDS",
        "workers.lease_seconds",
        ValueType::Integer,
    ),
    (
        "VOCWEEK_WORKERS_POLL_INTERVAL_MS",
        "workers.poll_interval_ms",
        ValueType::Integer,
    ),
    (
        "VOCWEEK_WORKERS_MAX_ATTEMPTS",
        "workers.max_attempts",
        ValueType::Integer,
    ),
    (
        "VOCWEEK_WORKERS_BACKOFF_BASE_MS",
        "workers.backoff_base_ms",
        ValueType::Integer,
    ),
    (
        "VOCWEEK_WORKERS_MEDIA_TIMEOUT_SECONDS",
        "workers.media_timeout_seconds",
        ValueType::Integer,
    ),
    (
        "VOCWEEK_PHOTOS_CONCURRENCY",
        "photos.concurrency",
        ValueType::Integer,
    ),
    (
        "VOCWEEK_PHOTOS_SIMILAR_DISTANCE",
        "photos.similar_distance",
        ValueType::Integer,
    ),
    ("VOCWEEK_VIDEO_PRESET", "video.preset", ValueType::Text),
    ("VOCWEEK_VIDEO_CRF", "video.crf", ValueType::Integer),
    (
        "VOCWEEK_VIDEO_CONCURRENCY",
        "video.concurrency",
        ValueType::Integer,
    ),
    (
        "VOCWEEK_PARTNERS_MEDIA_LISTEN",
        "partners.media_listen",
        ValueType::Text,
    ),
    (
        "VOCWEEK_PARTNERS_MEDIA_URL",
        "partners.media_url",
        ValueType::Text,
    ),
    (
        "VOCWEEK_PARTNERS_REDIRECT_TO_STORE",
        "partners.redirect_to_store",
        ValueType::Boolean,
    ),
    (
        "VOCWEEK_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES",
        "webhooks.allow_private_addresses",
        ValueType::Boolean,
    ),
    ("VOCWEEK_LOG_LEVEL", "log.level", ValueType::Text),
    ("VOCWEEK_LOG_FORMAT", "log.format", ValueType::Text),
];

#[derive(Debug, Clone, Copy)]
pub enum ValueType {
    Text,
    Integer,
    Boolean,
    /// Comma-separated text, e.g. `10.0.0.0/8, 192.168.1.5`.
    List,
}

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
        for (variable, key, kind) in ENVIRONMENT {
            if let Some(raw) = env(variable) {
                let value = match kind {
                    ValueType::Text => toml::Value::String(raw),
                    ValueType::Integer => toml::Value::Integer(
                        raw.trim()
                            .parse()
                            .with_context(|| format!("{variable}={raw} is not a whole number"))?,
                    ),
                    ValueType::Boolean => toml::Value::Boolean(
                        parse_bool(&raw)
                            .with_context(|| format!("{variable}={raw} is not true/false"))?,
                    ),
                    ValueType::List => toml::Value::Array(
                        raw.split(',')
                            .map(str::trim)
                            .filter(|item| !item.is_empty())
                            .map(|item| toml::Value::String(item.to_owned()))
                            .collect(),
                    ),
                };
                set_path(&mut table, key, value);
            }
        }
        let config: Config = table
            .try_into()
            .context("the configuration is invalid (vocweek.toml or VOCWEEK_… variables)")?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> anyhow::Result<()> {
        self.upload_limits()?;
        self.public_origin()?;
        self.storage.check()?;
        if let Some(url) = &self.database_url
            && !(url.starts_with("sqlite:")
                || url.starts_with("postgres://")
                || url.starts_with("postgresql://"))
        {
            bail!(
                "database_url must start with sqlite:// or postgres:// (got {})",
                redact_url(url)
            );
        }
        if let Some(url) = &self.partners.media_url
            && !url.trim().is_empty()
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            bail!("partners.media_url must start with http:// or https:// (got {url})");
        }
        if !matches!(self.log.format.as_str(), "text" | "json") {
            bail!("log.format must be 'text' or 'json'");
        }
        if self.workers.max_attempts < 1 {
            bail!("workers.max_attempts must be at least 1");
        }
        let photos = &self.photos;
        if photos.similar_distance > vocweek_db::similar::MAX_GUARANTEED_DISTANCE {
            bail!(
                "photos.similar_distance must be at most {}",
                vocweek_db::similar::MAX_GUARANTEED_DISTANCE
            );
        }
        if photos.thumb_size == 0 || photos.preview_size == 0 {
            bail!("photos.thumb_size and photos.preview_size must be positive");
        }
        if !(1..=100).contains(&photos.thumb_quality)
            || !(1..=100).contains(&photos.preview_quality)
        {
            bail!("photo qualities must be between 1 and 100");
        }
        let video = &self.video;
        const PRESETS: [&str; 9] = [
            "ultrafast",
            "superfast",
            "veryfast",
            "faster",
            "fast",
            "medium",
            "slow",
            "slower",
            "veryslow",
        ];
        if !PRESETS.contains(&video.preset.as_str()) {
            bail!("video.preset must be one of {}", PRESETS.join(", "));
        }
        if video.crf > 51 {
            bail!("video.crf must be between 0 and 51");
        }
        if video.rungs.is_empty() || video.rungs.iter().any(|r| *r < 2) {
            bail!("video.rungs must list at least one size of 2 px or more");
        }
        if !(2..=20).contains(&video.segment_seconds) || !video.segment_seconds.is_multiple_of(2) {
            bail!(
                "video.segment_seconds must be an even number of seconds from 2 to 20 (the keyframe interval is 2 s)"
            );
        }
        if !(1.0..=240.0).contains(&video.max_frame_rate) {
            bail!("video.max_frame_rate must be between 1 and 240");
        }
        if video.time_limit_factor < 0.5 {
            bail!("video.time_limit_factor must be at least 0.5");
        }
        // The byte sizes of [photos], [articles] and [media] parse and fit together.
        let workers = self.worker_config()?;
        if workers.children.photo.memory_bytes <= workers.photo.max_decoded_bytes {
            bail!(
                "media.photo_memory ({}) must be larger than photos.max_decoded ({}): a photo \
                 child holds the decode and the libraries around it",
                self.media.photo_memory,
                self.photos.max_decoded
            );
        }
        Ok(())
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| vocweek_db::Db::sqlite_url(&self.data_dir.join("vocweek.db")))
    }

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

    pub fn upload_limits(&self) -> anyhow::Result<UploadLimits> {
        let parse = |name: &str, text: &str| {
            parse_byte_size(text).map_err(|e| anyhow::anyhow!("limits.{name}: {e}"))
        };
        Ok(UploadLimits {
            photo: parse("photo", &self.limits.photo)?,
            video: parse("video", &self.limits.video)?,
            article: parse("article", &self.limits.article)?,
        })
    }

    pub fn worker_config(&self) -> anyhow::Result<WorkerConfig> {
        let w = &self.workers;
        Ok(WorkerConfig {
            concurrency: w.concurrency.max(1),
            lease: Duration::from_secs(w.lease_seconds.max(1)),
            poll_interval: Duration::from_millis(w.poll_interval_ms.max(10)),
            backoff_base: Duration::from_millis(w.backoff_base_ms),
            backoff_max: Duration::from_secs(w.backoff_max_seconds),
            media_timeout: Duration::from_secs(w.media_timeout_seconds.max(1)),
            max_attempts: w.max_attempts,
            media_program: self.media.program.clone(),
            children: self.media.budgets()?,
            photo: self.photos.settings()?,
            decode_budget_bytes: self.photos.decode_budget_bytes()?,
            similar_distance: self.photos.similar_distance,
            article: self.articles.limits()?,
            embedded_pictures: self.articles.embedded_pictures()?,
            video: self.video.settings(&self.photos),
            video_concurrency: self.video.concurrency.max(1),
            video_time_limit: vocweek_pipeline::jobs::TimeLimit {
                factor: self.video.time_limit_factor,
                minimum: Duration::from_secs(self.video.time_limit_min_seconds),
            },
        })
    }
}

fn read_table(path: &Path) -> anyhow::Result<toml::Table> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
    text.parse::<toml::Table>()
        .with_context(|| format!("{} is not valid TOML", path.display()))
}

fn set_path(table: &mut toml::Table, dotted: &str, value: toml::Value) {
    match dotted.split_once('.') {
        None => {
            table.insert(dotted.to_owned(), value);
        }
        Some((head, rest)) => {
            let entry = table
                .entry(head.to_owned())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if !entry.is_table() {
                *entry = toml::Value::Table(toml::Table::new());
            }
            if let toml::Value::Table(inner) = entry {
                set_path(inner, rest, value);
            }
        }
    }
}

fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// A database URL safe to print: the password is replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split(':').next().unwrap_or_default();
            if credentials.contains(':') {
                format!("{scheme}://{user}:***@{host}")
            } else {
                format!("{scheme}://{user}@{host}")
            }
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_the_file_which_overrides_defaults() {
        let dir = std::env::temp_dir().join(format!("vocweek-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("vocweek.toml");
        std::fs::write(
            &file,
            "listen = \"0.0.0.0:9000\"\n[limits]\nphoto = \"10MB\"\n[workers]\nconcurrency = 3\n",
        )
        .unwrap();
        let env = |name: &str| match name {
            "VOCWEEK_LISTEN" => Some("127.0.0.1:7000".to_owned()),
            "VOCWEEK_WORKERS_IN_PROCESS" => Some("false".to_owned()),
            _ => None,
        };
        let config = Config::load(Some(&file), env).unwrap();
        assert_eq!(config.listen, "127.0.0.1:7000");
        assert_eq!(config.upload_limits().unwrap().photo, 10_000_000);
        assert_eq!(config.upload_limits().unwrap().video, 20_000_000_000);
        assert_eq!(config.workers.concurrency, 3);
        assert!(!config.workers.in_process);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn mistakes_are_reported() {
        let dir = std::env::temp_dir().join(format!("vocweek-config-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("vocweek.toml");
        std::fs::write(&file, "listne = \"x\"\n").unwrap();
        assert!(Config::load(Some(&file), |_| None).is_err());
        let env = |name: &str| (name == "VOCWEEK_WORKERS_CONCURRENCY").then(|| "many".to_owned());
        assert!(Config::load(None, env).is_err());
        let env = |name: &str| (name == "VOCWEEK_DATABASE_URL").then(|| "mysql://x".to_owned());
        assert!(Config::load(None, env).is_err());
        assert!(Config::load(Some(&dir.join("missing.toml")), |_| None).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn links_follow_public_url_and_trusted_proxies() {
        let env = |name: &str| match name {
            "VOCWEEK_PUBLIC_URL" => Some("https://vocweek.example.gov.cn/".to_owned()),
            "VOCWEEK_TRUSTED_PROXIES" => Some(" 10.0.0.0/8, ,::1 ".to_owned()),
            _ => None,
        };
        let config = Config::load(None, env).unwrap();
        assert_eq!(config.trusted_proxies, ["10.0.0.0/8", "::1"]);
        let origin = config.public_origin().unwrap();
        assert_eq!(
            origin.public_url().unwrap().to_string(),
            "https://vocweek.example.gov.cn"
        );
        // Docker passes unset settings as empty variables: no URL, no proxies.
        let empty = |name: &str| {
            matches!(name, "VOCWEEK_PUBLIC_URL" | "VOCWEEK_TRUSTED_PROXIES").then(String::new)
        };
        let config = Config::load(None, empty).unwrap();
        assert!(config.trusted_proxies.is_empty());
        assert!(config.public_origin().unwrap().public_url().is_none());
        let bad_url =
            |name: &str| (name == "VOCWEEK_PUBLIC_URL").then(|| "https://x.example/app".to_owned());
        assert!(Config::load(None, bad_url).is_err());
        let bad_proxy =
            |name: &str| (name == "VOCWEEK_TRUSTED_PROXIES").then(|| "proxy.example".to_owned());
        assert!(Config::load(None, bad_proxy).is_err());
    }

    #[test]
    fn passwords_never_reach_the_log() {
        assert_eq!(
            redact_url("postgres://vocweek:s3cret@db:5432/vocweek"),
            "postgres://vocweek:***@db:5432/vocweek"
        );
        assert_eq!(redact_url("sqlite://./x.db"), "sqlite://./x.db");
    }
}
