//! What media partners use: the feed of approved items (JSON with a cursor, and Atom), media
//! delivery under `/media` (API key or signed URL, ranges, CORS), webhook registration and
//! the delivery log, with a request budget per partner.

mod atom;
pub mod blob_source;
mod caller;
mod feed;
pub mod feed_item;
mod lookup_cache;
mod media;
pub mod media_answer;
mod media_route;
mod rate_limit;
mod signing;
mod webhooks;

use std::sync::Arc;
use std::time::Duration;

use actix_web::web;

pub use atom::__path_get_atom;
pub use feed::{__path_get_feed, FeedJson};
pub use feed_item::FeedItemJson;
pub use media::answer as media_answer_for;
pub use media_route::{__path_get_media, __path_preflight};
pub use rate_limit::RateLimiter;
pub use signing::MediaSigner;
pub use webhooks::{
    __path_create_webhook, __path_delete_webhook, __path_list_deliveries, __path_list_webhooks,
    DeliveryJson, NewWebhookRequest, WebhookJson,
};

use crate::routes::resource;

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
    pub(crate) media_files: lookup_cache::LookupCache<(String, String), media::File>,
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

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/api/v1/feed").route(web::get().to(feed::get_feed)))
        .service(resource("/api/v1/feed.atom").route(web::get().to(atom::get_atom)))
        .service(
            resource("/api/v1/webhooks")
                .route(web::post().to(webhooks::create_webhook))
                .route(web::get().to(webhooks::list_webhooks)),
        )
        .service(
            resource("/api/v1/webhooks/{id}").route(web::delete().to(webhooks::delete_webhook)),
        )
        .service(
            resource("/api/v1/webhooks/{id}/deliveries")
                .route(web::get().to(webhooks::list_deliveries)),
        )
        .service(
            resource("/media/{asset}/{name:.+}")
                .route(web::get().to(media_route::get_media))
                .route(web::head().to(media_route::get_media))
                .route(web::method(actix_web::http::Method::OPTIONS).to(media_route::preflight)),
        );
}
