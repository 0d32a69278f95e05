//! The core API routes: assets (a returned item's file replaced too), 典型案例 (cases), review,
//! batches, the daily brief, sessions and passwords, units and their people, vocabularies, a
//! unit's notices, live channels and their HLS, health.
//! Resources come from `crate::route_table`; the tus, distribution, reporting and OpenAPI
//! routes are mounted beside these by `startup`.

mod asset_delete;
mod assets;
mod audit_export;
mod batches;
mod briefs;
mod cases;
mod channels;
mod clips;
mod health;
mod live_hls;
mod members;
mod metrics;
mod notices;
mod passwords;
pub use passwords::proven as password_proven;
mod replace_file;
mod review;
mod session;
mod upload;
mod vocabularies;

use actix_web::web;

use crate::route_table::resource;

pub use asset_delete::__path_delete_asset;
pub use assets::{
    __path_get_asset, __path_get_hls_file, __path_get_original, __path_get_rendition,
    __path_list_assets,
};
pub use audit_export::__path_export_audit;
pub use batches::{
    __path_create_batch, __path_export_batch, __path_get_batch, __path_list_batches,
    __path_send_batch, __path_set_items, AlreadySentJson, BatchItemsRequest, BatchJson,
    ChangeAfterSendJson, NewBatchRequest, SendBatchRequest,
};
pub use briefs::__path_daily_brief;
pub use cases::{__path_create_case, CaseRequest};
pub use channels::{
    __path_create_channel, __path_get_channel, __path_list_channels, __path_new_channel_key,
    __path_revoke_channel_key, ChannelJson, ChannelListJson, ChannelRequest, LiveEventJson,
};
pub use clips::{__path_create_clip, ClipQueuedJson, ClipRequestJson};
pub use health::{__path_healthz, __path_readyz};
pub use live_hls::{__path_live_file, __path_live_master};
pub use members::{
    __path_disable_member, __path_disable_my_member, __path_invite_member, __path_invite_my_member,
    __path_list_members, __path_list_my_members, __path_unit_me, InviteRequest, InvitedJson,
    SignedInPersonJson, UnitMeJson, UnitMemberJson,
};
pub use metrics::__path_metrics;
pub use notices::{__path_list_notices, __path_mark_notice_read, NoticeJson, NoticeListJson};
pub use passwords::{
    __path_change_own_password, __path_reset_password, PasswordChangeRequest, PasswordResetJson,
};
pub use replace_file::{
    __path_asset_versions, __path_replace_file, AssetVersionJson, ReplaceFileSchema,
};
pub use review::{
    __path_audit_trail, __path_choose_picture, __path_edit_asset, __path_review_asset,
    AuditEventJson, ChosenPicture, EditRequest, ReviewRequest,
};
pub use session::__path_sign_in;
pub use upload::__path_upload_asset;
pub use vocabularies::__path_vocabularies;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/healthz").route(web::get().to(health::healthz)))
        .service(resource("/readyz").route(web::get().to(health::readyz)))
        .service(resource("/metrics").route(web::get().to(metrics::metrics)))
        .service(resource("/api/v1/vocabularies").route(web::get().to(vocabularies::vocabularies)))
        .service(resource("/api/v1/session").route(web::post().to(session::sign_in)))
        .service(
            resource("/api/v1/session/password")
                .route(web::post().to(passwords::change_own_password)),
        )
        .service(
            resource("/api/v1/users/{username}/password")
                .route(web::post().to(passwords::reset_password)),
        )
        // `me` before `{id}`: the first resource that matches a path answers it.
        .service(resource("/api/v1/units/me").route(web::get().to(members::unit_me)))
        .service(
            resource("/api/v1/units/me/members")
                .route(web::get().to(members::list_my_members))
                .route(web::post().to(members::invite_my_member)),
        )
        .service(
            resource("/api/v1/units/me/members/{username}")
                .route(web::delete().to(members::disable_my_member)),
        )
        .service(
            resource("/api/v1/units/{id}/members")
                .route(web::get().to(members::list_members))
                .route(web::post().to(members::invite_member)),
        )
        .service(
            resource("/api/v1/units/{id}/members/{username}")
                .route(web::delete().to(members::disable_member)),
        )
        .service(
            resource("/api/v1/assets")
                .route(web::post().to(upload::upload_asset))
                .route(web::get().to(assets::list_assets)),
        )
        .service(
            resource("/api/v1/cases")
                .app_data(cases::case_json_config())
                .route(web::post().to(cases::create_case)),
        )
        .service(resource("/api/v1/briefs/{day}.docx").route(web::get().to(briefs::daily_brief)))
        .service(
            resource("/api/v1/assets/{id}")
                .route(web::get().to(assets::get_asset))
                .route(web::patch().to(review::edit_asset))
                .route(web::delete().to(asset_delete::delete_asset)),
        )
        .service(resource("/api/v1/assets/{id}/review").route(web::post().to(review::review_asset)))
        .service(resource("/api/v1/assets/{id}/clips").route(web::post().to(clips::create_clip)))
        .service(
            resource("/api/v1/assets/{id}/pictures/{number}/choose")
                .route(web::post().to(review::choose_picture)),
        )
        .service(resource("/api/v1/assets/{id}/audit").route(web::get().to(review::audit_trail)))
        .service(
            resource("/api/v1/assets/{id}/file").route(web::put().to(replace_file::replace_file)),
        )
        .service(
            resource("/api/v1/assets/{id}/versions")
                .route(web::get().to(replace_file::asset_versions)),
        )
        .service(resource("/api/v1/audit/export").route(web::get().to(audit_export::export_audit)))
        .service(
            resource("/api/v1/channels")
                .route(web::post().to(channels::create_channel))
                .route(web::get().to(channels::list_channels)),
        )
        .service(resource("/api/v1/channels/{id}").route(web::get().to(channels::get_channel)))
        .service(
            resource("/api/v1/channels/{id}/key")
                .route(web::post().to(channels::new_channel_key))
                .route(web::delete().to(channels::revoke_channel_key)),
        )
        .service(
            resource("/api/v1/channels/{id}/live/{master}")
                .route(web::get().to(live_hls::live_master)),
        )
        .service(
            resource("/api/v1/channels/{id}/live/{event}/{file}")
                .route(web::get().to(live_hls::live_file)),
        )
        .service(resource("/api/v1/notices").route(web::get().to(notices::list_notices)))
        .service(
            resource("/api/v1/notices/{id}/read").route(web::post().to(notices::mark_notice_read)),
        )
        .service(
            resource("/api/v1/batches")
                .route(web::post().to(batches::create_batch))
                .route(web::get().to(batches::list_batches)),
        )
        .service(resource("/api/v1/batches/{id}").route(web::get().to(batches::get_batch)))
        .service(resource("/api/v1/batches/{id}/items").route(web::put().to(batches::set_items)))
        .service(resource("/api/v1/batches/{id}/send").route(web::post().to(batches::send_batch)))
        .service(
            resource("/api/v1/batches/{id}/export").route(web::get().to(batches::export_batch)),
        )
        .service(
            resource("/api/v1/assets/{id}/original").route(web::get().to(assets::get_original)),
        )
        .service(
            resource("/api/v1/assets/{id}/renditions/{name}")
                .route(web::get().to(assets::get_rendition)),
        )
        .service(
            resource("/api/v1/assets/{id}/hls/{file}").route(web::get().to(assets::get_hls_file)),
        );
}
