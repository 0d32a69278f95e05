//! What media partners use: the feed of approved items and live events (JSON with a cursor,
//! and Atom for items), media delivery under `/media` — items' files and live channels' HLS
//! (API key or signed URL, ranges, CORS) — webhook registration and
//! the delivery log, with a request budget per partner.

mod atom;
pub mod blob_source;
mod caller;
mod feed;
mod feed_channel;
pub mod feed_item;
mod live_media;
mod media;
pub mod media_answer;
mod media_route;
mod webhooks;

use actix_web::web;

pub use atom::__path_get_atom;
pub use feed::{__path_get_feed, FeedJson};
pub use feed_channel::{LinkJson, PartnerChannelJson};
pub use feed_item::FeedItemJson;
pub use media::answer as media_answer_for;
pub use media_route::{__path_get_media, __path_preflight};
pub use webhooks::{
    __path_create_webhook, __path_delete_webhook, __path_list_deliveries, __path_list_webhooks,
    DeliveryJson, NewWebhookRequest, WebhookJson,
};

use crate::route_table::resource;

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
