//! Editorial decisions, edits and the audit trail as JSON (the web queue uses the same service).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vocweek_db::DbError;
use vocweek_db::assets::AssetRecord;
use vocweek_db::audit::Actor;
use vocweek_db::review::{AssetEdit, Decision};
use vocweek_db::tokens::Principal;
use vocweek_domain::{AssetState, ReviewAction, TagChange, Tags};

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
}

/// An edit of text and tags at `version`; absent fields stay as they are. `themes` replaces all.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EditRequest {
    pub version: i32,
    pub title: Option<String>,
    pub description: Option<String>,
    pub city: Option<String>,
    pub category: Option<String>,
    pub subcategory: Option<String>,
    pub themes: Option<Vec<String>>,
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

fn actor_of(caller: &Caller) -> Actor {
    match &caller.0 {
        Principal::Unit { id, .. } => Actor::Unit(*id),
        Principal::User { id, .. } => Actor::User(*id),
        Principal::Partner { id, .. } => Actor::Partner(*id),
    }
}

/// The 409 answer: what the asset looks like now, so the editor can decide again.
async fn conflict(state: &AppState, id: &str) -> ApiError {
    let current = state.db.asset(id).await.ok().flatten();
    ApiError::new(
        StatusCode::CONFLICT,
        "version-conflict",
        "someone changed this item since you loaded it; reload and decide again",
    )
    .with_details(serde_json::json!({
        "current_state": current.as_ref().map(|r| r.asset.state.clone()),
        "current_version": current.as_ref().map(|r| r.asset.version),
    }))
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
              (status = 409, description = "version-conflict", body = crate::json::ErrorEnvelope),
              (status = 422, description = "unknown action, or not allowed in the current state", body = crate::json::ErrorEnvelope)))]
pub async fn review_asset(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<ReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    if caller.audience() != crate::json::Audience::Staff {
        return Err(ApiError::forbidden("only editors and admins decide items"));
    }
    visible_asset(&caller, &state, &id).await?;
    let action = ReviewAction::parse(&body.action)?;
    let note = body
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if action.needs_note() && note.is_none() {
        return Err(ApiError::bad_request(
            "note-required",
            format!("'{}' needs a note telling the unit why", action.as_str()),
        ));
    }
    let decision = Decision {
        asset_id: &id,
        action,
        note,
        version: body.version,
        actor: actor_of(&caller),
    };
    match state.decide(decision).await {
        Ok(record) => answer(&state, &caller, record).await,
        Err(DbError::Conflict(_)) => Err(conflict(&state, &id).await),
        Err(other) => Err(other.into()),
    }
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
        .choose_picture(&article, number, actor_of(&caller))
        .await?;
    Ok(HttpResponse::Ok().json(ChosenPicture { asset_id }))
}

/// Edits title, description and tags. Editors and admins edit any decided or pending item of
/// their desk; a unit corrects its own *returned* item, which goes back to review.
#[utoipa::path(patch, path = "/api/v1/assets/{id}", tag = "review", request_body = EditRequest,
    params(("id" = String, Path, description = "Asset id")), security(("bearer" = [])),
    responses((status = 200, body = AssetJson),
              (status = 404, body = crate::json::ErrorEnvelope),
              (status = 409, description = "version-conflict; not-returned for a unit; still-processing", body = crate::json::ErrorEnvelope),
              (status = 422, description = "unknown tag", body = crate::json::ErrorEnvelope)))]
pub async fn edit_asset(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<EditRequest>,
) -> Result<HttpResponse, ApiError> {
    for (field, text) in [("title", &body.title), ("description", &body.description)] {
        if let Some(text) = text {
            crate::plain_text::refuse_control_characters(field, text)?;
        }
    }
    let record = visible_asset(&caller, &state, &id).await?;
    let current = AssetState::parse(&record.asset.state)?;
    let is_unit = caller.audience() != crate::json::Audience::Staff;
    // Only the unit that sent the item corrects it: a unit that later sent the same bytes is
    // recorded as a submitter and may see it, but the item and its review are not its own.
    if let Principal::Unit { id: unit, .. } = &caller.0
        && *unit != record.asset.unit_id
    {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "not-your-unit",
            "only the unit that sent the item may correct it",
        ));
    }
    if is_unit && current != AssetState::Returned {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not-returned",
            "a unit can correct an item only after the editors returned it",
        ));
    }
    if current == AssetState::Processing {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "still-processing",
            "the item is still being processed; edit it once it is in review",
        ));
    }
    let body = body.into_inner();
    let title = body.title.map(|t| t.trim().to_owned());
    if title
        .as_deref()
        .is_some_and(|t| t.is_empty() || t.chars().count() > 200)
    {
        return Err(ApiError::bad_request(
            "invalid-field",
            "the title must have 1 to 200 characters",
        ));
    }
    let change = TagChange {
        city: body.city,
        category: body.category,
        subcategory: body.subcategory,
        themes: body.themes,
        add_themes: Vec::new(),
    };
    let tags = if change.touches_tags() {
        let asset = &record.asset;
        let vocabulary = &state.ingestor.campaign().vocabulary;
        let input = change.over(&current_tags(&record));
        Some(vocabulary.validate(&input, &asset.city).map_err(|e| {
            let details = e.details();
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown-tag",
                e.to_string(),
            )
            .with_details(details)
        })?)
    } else {
        None
    };
    let edit = AssetEdit {
        title,
        description: body.description.map(|d| d.trim().to_owned()),
        tags,
    };
    match state
        .db
        .edit_asset(&id, body.version, edit, actor_of(&caller), is_unit)
        .await
    {
        Ok(record) => answer(&state, &caller, record).await,
        Err(DbError::Conflict(_)) => Err(conflict(&state, &id).await),
        Err(other) => Err(other.into()),
    }
}

/// An asset's tags as stored.
pub fn current_tags(record: &vocweek_db::assets::AssetRecord) -> Tags {
    Tags {
        city: record.asset.city.clone(),
        category: record.asset.category.clone(),
        subcategory: record.asset.subcategory.clone(),
        themes: record.themes.clone(),
    }
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
            from_state: e.from_state,
            to_state: e.to_state,
            details: e.details,
        })
        .collect();
    Ok(HttpResponse::Ok().json(events))
}
