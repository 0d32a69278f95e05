//! The `VOCWEEK_…` environment layer: which variable sets which setting, and how its text
//! becomes a value laid over the file's.

use anyhow::Context;
use figment::providers::Serialized;
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};

/// Environment variables and the setting each overrides.
pub const ENVIRONMENT: [(&str, &str, ValueType); 51] = [
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
    ("VOCWEEK_MAIL_ENABLED", "mail.enabled", ValueType::Boolean),
    ("VOCWEEK_MAIL_SMTP_HOST", "mail.smtp_host", ValueType::Text),
    (
        "VOCWEEK_MAIL_SMTP_PORT",
        "mail.smtp_port",
        ValueType::Integer,
    ),
    ("VOCWEEK_MAIL_SECURITY", "mail.security", ValueType::Text),
    ("VOCWEEK_MAIL_USERNAME", "mail.username", ValueType::Text),
    ("VOCWEEK_MAIL_PASSWORD", "mail.password", ValueType::Text),
    ("VOCWEEK_MAIL_FROM", "mail.from", ValueType::Text),
    (
        "VOCWEEK_LIVE_RTMP_LISTEN",
        "live.rtmp_listen",
        ValueType::Text,
    ),
    ("VOCWEEK_LIVE_RTMP_URL", "live.rtmp_url", ValueType::Text),
    (
        "VOCWEEK_LIVE_MAX_CHANNELS",
        "live.max_channels",
        ValueType::Integer,
    ),
    (
        "VOCWEEK_LIVE_RECONNECT_GRACE_SECONDS",
        "live.reconnect_grace_seconds",
        ValueType::Integer,
    ),
    (
        "VOCWEEK_LIVE_WINDOW_SEGMENTS",
        "live.live_window_segments",
        ValueType::Integer,
    ),
    (
        "VOCWEEK_LIVE_DVR_WINDOW_SECONDS",
        "live.dvr_window_seconds",
        ValueType::Integer,
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

/// Lays every variable `env` has over `layers`, each at its setting's dotted key. The table,
/// not figment's `Env` provider, maps names to keys: `VOCWEEK_STORAGE_S3_ACCESS_KEY_ID` cannot
/// be split at its underscores (`storage.s3.access_key_id`, not `storage.s3.access.key.id`).
pub(super) fn overlay(
    mut layers: Figment,
    env: impl Fn(&str) -> Option<String>,
) -> anyhow::Result<Figment> {
    for (variable, key, kind) in ENVIRONMENT {
        if let Some(raw) = env(variable) {
            let value = match kind {
                ValueType::Text => Value::from(raw),
                ValueType::Integer => Value::from(
                    raw.trim()
                        .parse::<i64>()
                        .with_context(|| format!("{variable}={raw} is not a whole number"))?,
                ),
                ValueType::Boolean => Value::from(
                    parse_bool(&raw)
                        .with_context(|| format!("{variable}={raw} is not true/false"))?,
                ),
                ValueType::List => Value::from(
                    raw.split(',')
                        .map(str::trim)
                        .filter(|item| !item.is_empty())
                        .map(str::to_owned)
                        .collect::<Vec<String>>(),
                ),
            };
            layers = layers.merge(Variable {
                name: variable,
                key,
                value,
            });
        }
    }
    Ok(layers)
}

/// One variable's value at its setting's key. A provider of its own so that an error about
/// the value names the variable it came from ("… in environment variable VOCWEEK_…").
struct Variable {
    name: &'static str,
    key: &'static str,
    value: Value,
}

impl Provider for Variable {
    fn metadata(&self) -> Metadata {
        Metadata::named(format!("environment variable {}", self.name))
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Serialized::default(self.key, &self.value).data()
    }
}

fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}
