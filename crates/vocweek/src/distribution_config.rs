//! The `[partners]` and `[webhooks]` settings: how media partners are served and notified.

use std::time::Duration;

use serde::Deserialize;
use vocweek_api::DistributionSettings;
use vocweek_pipeline::webhooks::WebhookSettings;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PartnersConfig {
    /// Requests per minute per API key (feed and media), with bursts up to `rate_limit_burst`;
    /// 0 turns the limit off. Counted per node.
    pub rate_limit_per_minute: u32,
    pub rate_limit_burst: u32,
    /// Validity of the signed media URLs the feed hands out.
    pub signed_url_hours: u64,
    /// With S3: answer media requests with a redirect to a presigned URL of the bucket instead
    /// of passing the bytes through this server.
    pub redirect_to_store: bool,
    /// The longest long-poll (`wait=`) of the feed.
    pub feed_max_wait_seconds: u64,
    /// How long a node remembers a partner key's owner and an approved file's place for
    /// `/media` (saves 2–4 queries per request); a revoked key or a withdrawn item is still
    /// served for up to this long. 0 turns it off.
    pub media_cache_seconds: u64,
    /// A second address serving only `/media`, with sendfile(2) from the filesystem store
    /// (e.g. `0.0.0.0:8081`); the feed's links then point there. Unset: `/media` is served on
    /// `listen` only.
    pub media_listen: Option<String>,
    /// The base URL partners reach the media port at (a proxy or CDN in front of it), for the
    /// feed's links; unset: `http://<the host the client reached>:<media port>`.
    pub media_url: Option<String>,
}

impl Default for PartnersConfig {
    fn default() -> Self {
        PartnersConfig {
            rate_limit_per_minute: 600,
            rate_limit_burst: 120,
            signed_url_hours: 24,
            redirect_to_store: false,
            feed_max_wait_seconds: 60,
            media_cache_seconds: 5,
            media_listen: None,
            media_url: None,
        }
    }
}

impl PartnersConfig {
    pub fn settings(&self) -> DistributionSettings {
        DistributionSettings {
            signed_url_ttl: Duration::from_secs(self.signed_url_hours.clamp(1, 24 * 7) * 3600),
            redirect_to_store: self.redirect_to_store,
            max_wait: Duration::from_secs(self.feed_max_wait_seconds.min(300)),
            media_cache: Duration::from_secs(self.media_cache_seconds.min(300)),
            media_url: self.media_url.clone().filter(|url| !url.trim().is_empty()),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhooksConfig {
    /// Deliver to private and loopback addresses too (receivers inside your own network).
    pub allow_private_addresses: bool,
    pub timeout_seconds: u64,
}

impl Default for WebhooksConfig {
    fn default() -> Self {
        let defaults = WebhookSettings::default();
        WebhooksConfig {
            allow_private_addresses: defaults.allow_private_addresses,
            timeout_seconds: defaults.timeout.as_secs(),
        }
    }
}

impl WebhooksConfig {
    pub fn settings(&self) -> WebhookSettings {
        WebhookSettings {
            allow_private_addresses: self.allow_private_addresses,
            timeout: Duration::from_secs(self.timeout_seconds.clamp(1, 120)),
        }
    }
}
