//! What a node keeps for partner distribution across requests: the signing key, the request
//! budgets, the long-poll wake-up and `/media`'s short memories. Held by `AppState`, so it sits
//! below the distribution handlers (`crate::distribution`) rather than inside them. The
//! `[partners]` section its settings and budgets come from is here too ([`PartnersConfig`]).

mod lookup_cache;
mod media_file;
mod partners_config;
mod rate_limit;
mod signing;

use std::sync::Arc;
use std::time::Duration;

pub(crate) use media_file::MediaFile;
pub use partners_config::{PartnersConfig, PartnersSettingError};
pub use rate_limit::RateLimiter;
pub use signing::MediaSigner;
pub(crate) use signing::SignatureError;

/// Operator settings of partner distribution.
#[derive(Debug, Clone)]
pub struct DistributionSettings {
    /// How long a signed media URL handed out in the feed stays valid.
    pub signed_url_ttl: Duration,
    /// Answer media requests with a redirect to a presigned store URL (S3) instead of
    /// proxying the bytes.
    pub redirect_to_store: bool,
    /// The longest `wait=` a feed request may ask for.
    pub max_wait: Duration,
    /// How long `/media` remembers a key's owner and a file's place (0: not at all).
    pub media_cache: Duration,
    /// The base URL of `/media` links in the feed (`partners.media_url`), when partners reach
    /// the media port through a proxy or CDN.
    pub media_url: Option<String>,
}

/// Shared by every worker thread of the HTTP server.
pub struct Distribution {
    pub settings: DistributionSettings,
    pub signer: MediaSigner,
    pub limiter: RateLimiter,
    /// Woken when this node appends to the feed, so long-polls answer at once; other nodes'
    /// events are found by polling once a second. Shared with the editorial service
    /// (`vocweek_app::Editorial`), whose decisions append.
    pub feed_changed: Arc<tokio::sync::Notify>,
    /// `/media`'s memory of who a key is (by the key's BLAKE3) …
    pub(crate) media_callers: lookup_cache::LookupCache<[u8; 32], vocweek_db::tokens::Principal>,
    /// … and where an approved item's file is (by asset and name).
    pub(crate) media_files: lookup_cache::LookupCache<(String, String), MediaFile>,
    /// This node's media port (`partners.media_listen`), once it listens: the feed links there.
    pub media_port: std::sync::OnceLock<u16>,
}

impl Distribution {
    pub fn new(
        settings: DistributionSettings,
        signer: MediaSigner,
        limiter: RateLimiter,
    ) -> Arc<Self> {
        Arc::new(Distribution {
            media_callers: lookup_cache::LookupCache::new(settings.media_cache),
            media_files: lookup_cache::LookupCache::new(settings.media_cache),
            settings,
            signer,
            limiter,
            feed_changed: Arc::new(tokio::sync::Notify::new()),
            media_port: std::sync::OnceLock::new(),
        })
    }
}
