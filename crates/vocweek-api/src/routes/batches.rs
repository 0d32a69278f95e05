//! Recommendation batches for the Ministry: compose, order, send, export (zip + Excel). Who
//! may see and change which batch is `vocweek_app::Batches`'s; these handlers parse and answer.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vocweek_app::NewBatch;
use vocweek_db::batches::BatchRecord;

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
        desk: batch.desk.as_str().to_owned(),
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

#[utoipa::path(post, path = "/api/v1/batches", tag = "batches", request_body = NewBatchRequest,
    security(("bearer" = [])), responses((status = 201, body = BatchJson), (status = 400, description = "`invalid-field`: no title, or an admin named no desk", body = crate::json::ErrorEnvelope), (status = 403, body = crate::json::ErrorEnvelope),
              (status = 422, description = "`unknown-value`: not a desk", body = crate::json::ErrorEnvelope)))]
pub async fn create_batch(
    caller: Caller,
    state: web::Data<AppState>,
    body: web::Json<NewBatchRequest>,
) -> Result<HttpResponse, ApiError> {
    let new = NewBatch {
        title: &body.title,
        note: &body.note,
        desk: body.desk.as_deref(),
    };
    let record = state.batches.create(&caller.actor(), new).await?;
    Ok(HttpResponse::Created().json(to_json(record)))
}

#[utoipa::path(get, path = "/api/v1/batches", tag = "batches", security(("bearer" = [])),
    responses((status = 200, body = [BatchJson])))]
pub async fn list_batches(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let batches: Vec<BatchJson> = state
        .batches
        .list(&caller.actor())
        .await?
        .into_iter()
        .map(to_json)
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
    let record = state.batches.batch(&caller.actor(), *id).await?;
    Ok(HttpResponse::Ok().json(to_json(record)))
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
    let record = state
        .batches
        .set_items(&caller.actor(), *id, &body.asset_ids)
        .await?;
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
    let record = state.batches.send(&caller.actor(), *id).await?;
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
    let export = state.batches.export(&caller.actor(), *id).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"batch-{}.zip\"", export.batch_id),
        ))
        .streaming(export.zip))
}
