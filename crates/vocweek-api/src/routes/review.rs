//! Editorial decisions, edits and the audit trail as JSON (the web queue uses the same service).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vocweek_app::{DecisionInput, EditInput, TagEdit};
use vocweek_db::assets::AssetRecord;
use vocweek_domain::TagChange;

use super::assets::visible_asset;
use crate::auth::Caller;
use crate::json::AssetJson;
use crate::{ApiError, AppState};

/// A decision: `approve`, `reject` (note required), `return` (note required), `recommend`,
/// `reopen`, naming the `version` the editor saw.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewRequest {
    pub action: String,
    pub note: Option<String>,
    pub version: i32,
    /// Recommend a photo or video whose unit declared no portrait consent all the same
    /// (without it: 409 `consent-unconfirmed`); the history records the confirmation.
    #[serde(default)]
    pub confirm_without_consent: bool,
}

/// An edit at `version`; absent fields stay as they are. `themes` replaces all.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EditRequest {
    pub version: i32,
    pub title: Option<String>,
    pub description: Option<String>,
    pub city: Option<String>,
    pub category: Option<String>,
    pub subcategory: Option<String>,
    pub themes: Option<Vec<String>>,
    /// 作者/摄影: one line, at most 100 characters; empty names nobody.
    pub credit: Option<String>,
    /// 肖像使用已授权.
    pub portrait_consent: Option<bool>,
}

/// One entry of an asset's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventJson {
    pub id: i32,
    pub at: chrono::DateTime<chrono::Utc>,
    /// `unit`, `user`, `partner` or `system`.
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

async fn answer(
    state: &AppState,
    caller: &Caller,
    record: AssetRecord,
) -> Result<HttpResponse, ApiError> {
    let renditions = state.db.renditions_of(&record.asset.id).await?;
    Ok(HttpResponse::Ok().json(AssetJson::from_record(
        record,
        renditions,
        caller.audience(),
        None,
    )))
}

/// Decides an asset (editors of its desk, admins).
#[utoipa::path(post, path = "/api/v1/assets/{id}/review", tag = "review", request_body = ReviewRequest,
    params(("id" = String, Path, description = "Asset id")), security(("bearer" = [])),
    responses((status = 200, body = AssetJson),
              (status = 400, description = "note-required", body = crate::json::ErrorEnvelope),
              (status = 403, body = crate::json::ErrorEnvelope),
              (status = 404, body = crate::json::ErrorEnvelope),
              (status = 409, description = "version-conflict; consent-unconfirmed (recommending a photo or video without portrait consent, not confirmed)", body = crate::json::ErrorEnvelope),
              (status = 422, description = "unknown action, or not allowed in the current state", body = crate::json::ErrorEnvelope)))]
pub async fn review_asset(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<ReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    let input = DecisionInput {
        action: &body.action,
        note: body.note.as_deref(),
        version: body.version,
        confirm_without_consent: body.confirm_without_consent,
    };
    let record = state.editorial.decide(&caller.actor(), &id, input).await?;
    answer(&state, &caller, record).await
}

/// The photo item made from a picture of an article.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChosenPicture {
    pub asset_id: String,
}

/// Chooses picture `number` (1-based, as listed in the article's `metadata.article.pictures`)
/// of an article into the review queue as a photo item of its own, processed like an upload.
/// Choosing the same picture again answers the same item.
#[utoipa::path(post, path = "/api/v1/assets/{id}/pictures/{number}/choose", tag = "review",
    params(("id" = String, Path, description = "The article's id"),
           ("number" = usize, Path, description = "The picture's number, from 1")),
    security(("bearer" = [])),
    responses((status = 200, body = ChosenPicture),
              (status = 403, body = crate::json::ErrorEnvelope),
              (status = 404, description = "no such article or picture", body = crate::json::ErrorEnvelope)))]
pub async fn choose_picture(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, usize)>,
) -> Result<HttpResponse, ApiError> {
    if caller.audience() != crate::json::Audience::Staff {
        return Err(ApiError::forbidden(
            "only editors and admins choose pictures",
        ));
    }
    let (id, number) = path.into_inner();
    let article = visible_asset(&caller, &state, &id).await?;
    let asset_id = state
        .choose_picture(&article, number, caller.actor().audit())
        .await?;
    Ok(HttpResponse::Ok().json(ChosenPicture { asset_id }))
}

/// Edits title, description, tags, credit and portrait consent. Editors and admins edit any
/// decided or pending item of their desk; a unit corrects its own *returned* item, which goes
/// back to review.
#[utoipa::path(patch, path = "/api/v1/assets/{id}", tag = "review", request_body = EditRequest,
    params(("id" = String, Path, description = "Asset id")), security(("bearer" = [])),
    responses((status = 200, body = AssetJson),
              (status = 400, description = "invalid-field (empty or over-long title, a control character); credit-too-long", body = crate::json::ErrorEnvelope),
              (status = 403, body = crate::json::ErrorEnvelope),
              (status = 404, body = crate::json::ErrorEnvelope),
              (status = 409, description = "version-conflict; not-returned for a unit; still-processing", body = crate::json::ErrorEnvelope),
              (status = 422, description = "unknown tag", body = crate::json::ErrorEnvelope)))]
pub async fn edit_asset(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<EditRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let input = EditInput {
        version: body.version,
        title: body.title,
        description: body.description,
        tags: TagEdit::Change(TagChange {
            city: body.city,
            category: body.category,
            subcategory: body.subcategory,
            themes: body.themes,
            add_themes: Vec::new(),
        }),
        credit: body.credit,
        portrait_consent: body.portrait_consent,
    };
    let campaign = state.ingestor.campaign();
    let record = state
        .editorial
        .edit(&caller.actor(), &id, input, &campaign.vocabulary)
        .await?;
    answer(&state, &caller, record).await
}

/// An asset's history, oldest first.
#[utoipa::path(get, path = "/api/v1/assets/{id}/audit", tag = "review",
    params(("id" = String, Path, description = "Asset id")), security(("bearer" = [])),
    responses((status = 200, body = [AuditEventJson]), (status = 404, body = crate::json::ErrorEnvelope)))]
pub async fn audit_trail(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    visible_asset(&caller, &state, &id).await?;
    let events: Vec<AuditEventJson> = state
        .db
        .audit_trail(&id)
        .await?
        .into_iter()
        .map(|e| AuditEventJson {
            id: e.id,
            at: e.created_at,
            actor_kind: e.actor_kind,
            actor_id: e.actor_id,
            action: e.action,
            from_state: e.from_state.map(|s| s.as_str().to_owned()),
            to_state: e.to_state.map(|s| s.as_str().to_owned()),
            details: e.details,
        })
        .collect();
    Ok(HttpResponse::Ok().json(events))
}
