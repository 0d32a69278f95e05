use actix_web::{HttpResponse, web};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::distribution::{
    self, DeliveryJson, FeedItemJson, FeedJson, NewWebhookRequest, WebhookJson,
};
use crate::json::{
    AssetJson, AssetPageJson, ErrorEnvelope, ErrorJson, FailureJson, RenditionJson, SessionJson,
    SignInRequest, SimilarJson, UploadFormSchema,
};
use crate::openapi_answers::CommonAnswers;
use crate::reporting;
use crate::route_table::resource;
use crate::routes::*;
use crate::tus;

/// The OpenAPI document, generated from the handlers' annotations.
#[derive(OpenApi)]
#[openapi(
    info(title = "vocweek", description = "Media pipeline of the Vocational Education Activity Week"),
    paths(healthz, readyz, metrics, vocabularies, sign_in, change_own_password, reset_password, unit_me, list_my_members, invite_my_member, disable_my_member, list_members, invite_member, disable_member, upload_asset, create_case, daily_brief, list_assets, get_asset, get_original, get_rendition, get_hls_file, delete_asset, review_asset, create_clip, choose_picture, edit_asset, audit_trail, replace_file, asset_versions, export_audit, create_batch, list_batches, get_batch, set_items, send_batch, export_batch, openapi_json, tus::create, tus::options, tus::patch, tus::head, tus::terminate, distribution::get_feed, distribution::get_atom, distribution::get_media, distribution::preflight, distribution::create_webhook, distribution::list_webhooks, distribution::delete_webhook, distribution::list_deliveries, reporting::campaigns::list, reporting::campaigns::create, reporting::campaigns::get, reporting::campaigns::activate, reporting::unit_report::get_report, reporting::unit_report::put_registration, reporting::unit_report::put_statistics, reporting::unit_report::post_document, reporting::unit_report::get_document, reporting::unit_report::get_unit_statistics_xlsx, reporting::overview::get_readiness, reporting::overview::get_statistics_table, reporting::overview::get_statistics_xlsx, reporting::tracker::get_tracker, reporting::tracker::get_tracker_xlsx, reporting::reminders::post_reminders, list_notices, mark_notice_read, create_channel, list_channels, get_channel, new_channel_key, revoke_channel_key, live_master, live_file),
    components(schemas(
        AssetJson, AssetPageJson, ErrorEnvelope, ErrorJson, FailureJson, SessionJson, RenditionJson, SimilarJson,
        SignInRequest, PasswordChangeRequest, PasswordResetJson, UnitMeJson, SignedInPersonJson, UnitMemberJson, InviteRequest, InvitedJson, UploadFormSchema, CaseRequest, vocweek_domain::CaseContact, ReviewRequest, ChosenPicture, EditRequest, AuditEventJson, ReplaceFileSchema, AssetVersionJson, NewBatchRequest, BatchItemsRequest, SendBatchRequest, BatchJson, AlreadySentJson, ChangeAfterSendJson, vocweek_domain::Tags, vocweek_domain::Vocabulary,
        vocweek_domain::Term, vocweek_domain::Category, FeedJson, FeedItemJson, distribution::feed_item::PartnerAssetJson, distribution::feed_item::MediaFileJson, distribution::PartnerChannelJson, distribution::LinkJson, NewWebhookRequest, WebhookJson, DeliveryJson,
        reporting::view::UnitReportJson, reporting::view::CampaignJson, reporting::view::CampaignVocabularyJson, reporting::view::CampaignListJson, reporting::campaigns::NewCampaignRequest, reporting::unit_report::RegistrationRequest, reporting::unit_report::StatisticsRequest, reporting::unit_report::DocumentFormSchema, reporting::overview::StatisticsTableJson, reporting::tracker::TrackerDayJson, reporting::reminders::RemindedJson, NoticeJson, NoticeListJson, vocweek_domain::NoticeKind, ChannelRequest, ChannelJson, ChannelListJson, LiveEventJson, ClipRequestJson, ClipQueuedJson
    )),
    modifiers(&BearerAuth, &CommonAnswers)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// Mounts this document's route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/api/v1/openapi.json").route(web::get().to(openapi_json)));
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations",
    responses((status = 200, description = "OpenAPI 3.1 document")))]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
