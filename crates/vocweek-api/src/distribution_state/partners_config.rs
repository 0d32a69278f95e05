//! `[partners]` of `vocweek.toml`: how media partners are served — request budgets, signed
//! URLs, the feed's long-poll, `/media`'s memories and its own port. (`[webhooks]`, how they
//! are notified, is the pipeline's.) Its keys are the file's; [`DistributionSettings`] and the
//! [`RateLimiter`] are built from them. The key that signs media URLs is no setting: every node
//! reads the same one from the database.

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use super::{Distribution, DistributionSettings, MediaSigner, RateLimiter};

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
    /// `listen` only. The binary binds it.
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

/// A `[partners]` setting that cannot work, named by its key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PartnersSettingError(String);

impl PartnersConfig {
    /// Every refusal of the section. A blank `media_url` counts as unset.
    pub fn check(&self) -> Result<(), PartnersSettingError> {
        if let Some(url) = self.given_media_url()
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(PartnersSettingError(format!(
                "partners.media_url must start with http:// or https:// (got {url})"
            )));
        }
        Ok(())
    }

    /// This node's distribution state: these settings, a request budget per partner, and
    /// `signer`, the installation's media URL key (from the database, not from the file).
    pub fn distribution(&self, signer: MediaSigner) -> Arc<Distribution> {
        Distribution::new(self.settings(), signer, self.rate_limiter())
    }

    /// The settings the handlers read, each held within its bounds: a signed URL lives an
    /// hour to a week, a long-poll and `/media`'s memories at most five minutes.
    pub fn settings(&self) -> DistributionSettings {
        DistributionSettings {
            signed_url_ttl: Duration::from_secs(self.signed_url_hours.clamp(1, 24 * 7) * 3600),
            redirect_to_store: self.redirect_to_store,
            max_wait: Duration::from_secs(self.feed_max_wait_seconds.min(300)),
            media_cache: Duration::from_secs(self.media_cache_seconds.min(300)),
            media_url: self.given_media_url().map(str::to_owned),
        }
    }

    /// Each partner's request budget on this node.
    pub fn rate_limiter(&self) -> RateLimiter {
        RateLimiter::new(self.rate_limit_per_minute, self.rate_limit_burst)
    }

    /// `media_url` as given, unless it is blank: blank counts as unset.
    fn given_media_url(&self) -> Option<&str> {
        self.media_url
            .as_deref()
            .filter(|url| !url.trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_media_url_needs_a_scheme_unless_blank() {
        let with = |url: &str| PartnersConfig {
            media_url: Some(url.to_owned()),
            ..PartnersConfig::default()
        };
        assert!(with("https://media.example").check().is_ok());
        assert!(with("  ").check().is_ok());
        assert_eq!(with("  ").settings().media_url, None);
        let refused = with("media.example").check().unwrap_err().to_string();
        assert!(refused.contains("partners.media_url"), "{refused}");
    }
}
