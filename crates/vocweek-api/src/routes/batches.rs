//! Recommendation batches for the Ministry: compose, order, send, export (zip + Excel).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vocweek_db::batches::BatchRecord;
use vocweek_db::tokens::Principal;
use vocweek_domain::{Desk, Role};

use crate::auth::Caller;
use crate::json::{AssetJson, Audience};
use crate::{ApiError, AppState};

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewBatchRequest {
    pub title: String,
    #[serde(default)]
    pub note: String,
    /// Required for admins (who belong to no desk); editors use their own.
    pub desk: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BatchItemsRequest {
    /// Recommended asset ids, in the order the Ministry should see them.
    pub asset_ids: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchJson {
    pub id: i32,
    pub title: String,
    pub note: String,
    pub desk: String,
    /// `draft` or `sent`.
    pub state: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
    pub items: Vec<AssetJson>,
}

fn to_json(record: BatchRecord) -> BatchJson {
    let batch = record.batch;
    BatchJson {
        id: batch.id,
        title: batch.title,
        note: batch.note,
        desk: batch.desk,
        state: batch.state,
        created_at: batch.created_at,
        sent_at: batch.sent_at,
        items: record
            .items
            .into_iter()
            .map(|item| AssetJson::from_record(item, Vec::new(), Audience::Staff, None))
            .collect(),
    }
}

/// The staff member's id and desk (`None`: an admin, every desk).
fn staff(caller: &Caller) -> Result<(i32, Option<Desk>), ApiError> {
    match &caller.0 {
        Principal::User {
            id,
            role: Role::Admin,
            ..
        } => Ok((*id, None)),
        Principal::User { id, desk, .. } => Ok((*id, *desk)),
        _ => Err(ApiError::forbidden(
            "only editors and admins compose recommendation batches",
        )),
    }
}

/// A batch the caller's desk owns; others' answer 404.
async fn own_batch(state: &AppState, caller: &Caller, id: i32) -> Result<BatchRecord, ApiError> {
    let (_, desk) = staff(caller)?;
    state
        .db
        .batch(id)
        .await?
        .filter(|b| desk.is_none_or(|d| b.batch.desk == d.as_str()))
        .ok_or_else(|| ApiError::not_found("batch"))
}

#[utoipa::path(post, path = "/api/v1/batches", tag = "batches", request_body = NewBatchRequest,
    security(("bearer" = [])), responses((status = 201, body = BatchJson), (status = 400, description = "`invalid-field`: no title, or an admin named no desk", body = crate::json::ErrorEnvelope), (status = 403, body = crate::json::ErrorEnvelope),
              (status = 422, description = "`unknown-value`: not a desk", body = crate::json::ErrorEnvelope)))]
pub async fn create_batch(
    caller: Caller,
    state: web::Data<AppState>,
    body: web::Json<NewBatchRequest>,
) -> Result<HttpResponse, ApiError> {
    let (user_id, own_desk) = staff(&caller)?;
    let desk = match (own_desk, body.desk.as_deref()) {
        (Some(desk), _) => desk,
        (None, Some(desk)) => Desk::parse(desk)?,
        (None, None) => {
            return Err(ApiError::bad_request(
                "invalid-field",
                "an admin names the batch's desk",
            ));
        }
    };
    if body.title.trim().is_empty() {
        return Err(ApiError::bad_request(
            "invalid-field",
            "a batch needs a title",
        ));
    }
    let campaign = state.ingestor.campaign().campaign.id;
    let batch = state
        .db
        .create_batch(campaign, desk, &body.title, &body.note, user_id)
        .await?;
    let record = BatchRecord {
        batch,
        items: Vec::new(),
    };
    Ok(HttpResponse::Created().json(to_json(record)))
}

#[utoipa::path(get, path = "/api/v1/batches", tag = "batches", security(("bearer" = [])),
    responses((status = 200, body = [BatchJson])))]
pub async fn list_batches(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (_, desk) = staff(&caller)?;
    let batches: Vec<BatchJson> = state
        .db
        .batches(desk)
        .await?
        .into_iter()
        .map(|batch| {
            to_json(BatchRecord {
                batch,
                items: Vec::new(),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(batches))
}

#[utoipa::path(get, path = "/api/v1/batches/{id}", tag = "batches", params(("id" = i32, Path)),
    security(("bearer" = [])), responses((status = 200, body = BatchJson), (status = 404, body = crate::json::ErrorEnvelope)))]
pub async fn get_batch(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(to_json(own_batch(&state, &caller, *id).await?)))
}

/// Sets the batch's items (recommended items of its desk), in order. Only while it is a draft.
#[utoipa::path(put, path = "/api/v1/batches/{id}/items", tag = "batches", params(("id" = i32, Path)),
    request_body = BatchItemsRequest, security(("bearer" = [])),
    responses((status = 200, body = BatchJson), (status = 404, description = "No such batch of the caller's desk, or no such asset", body = crate::json::ErrorEnvelope),
              (status = 409, description = "batch-sent", body = crate::json::ErrorEnvelope),
              (status = 422, description = "an item that is not recommended", body = crate::json::ErrorEnvelope)))]
pub async fn set_items(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: web::Json<BatchItemsRequest>,
) -> Result<HttpResponse, ApiError> {
    own_batch(&state, &caller, *id).await?;
    let record = state.db.set_batch_items(*id, &body.asset_ids).await?;
    Ok(HttpResponse::Ok().json(to_json(record)))
}

/// Marks the batch sent (draft → sent); each item's history records it.
#[utoipa::path(post, path = "/api/v1/batches/{id}/send", tag = "batches", params(("id" = i32, Path)),
    security(("bearer" = [])), responses((status = 200, body = BatchJson), (status = 404, description = "No such batch of the caller's desk", body = crate::json::ErrorEnvelope),
              (status = 409, description = "batch-sent", body = crate::json::ErrorEnvelope),
              (status = 422, description = "`invalid`: an empty batch cannot be sent", body = crate::json::ErrorEnvelope)))]
pub async fn send_batch(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let (user_id, _) = staff(&caller)?;
    own_batch(&state, &caller, *id).await?;
    let record = state
        .db
        .send_batch(*id, vocweek_db::audit::Actor::User(user_id))
        .await?;
    Ok(HttpResponse::Ok().json(to_json(record)))
}

/// The batch as one zip, streamed: `清单.xlsx` (序号, 标题, 类型, 报送单位, 城市, 活动类别,
/// 主题, 活动日期, 文件名, BLAKE3, 说明), `manifest.json`, `originals/`, `previews/`.
#[utoipa::path(get, path = "/api/v1/batches/{id}/export", tag = "batches", params(("id" = i32, Path)),
    security(("bearer" = [])), responses((status = 200, description = "application/zip", content_type = "application/zip"),
              (status = 404, description = "No such batch of the caller's desk", body = crate::json::ErrorEnvelope)))]
pub async fn export_batch(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let record = own_batch(&state, &caller, *id).await?;
    let vocabulary = &state.ingestor.campaign().vocabulary;
    let stream = vocweek_pipeline::export_batch(&state.db, &state.store, vocabulary, &record)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"batch-{}.zip\"", record.batch.id),
        ))
        .streaming(stream))
}
