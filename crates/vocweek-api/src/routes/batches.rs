//! Recommendation batches for the Ministry: compose, order, send, export (zip + Excel). Who
//! may see and change which batch is `vocweek_app::Batches`'s; these handlers parse and answer.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vocweek_app::NewBatch;
use vocweek_app::batches::{BatchMarks, EarlierSending};
use vocweek_db::audit::AuditEvent;
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

/// Sending a batch. The body is optional: without one, nothing is confirmed.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SendBatchRequest {
    /// Send the batch even though some of its items were already sent to the Ministry in
    /// another batch (otherwise 409 `already-sent-item`).
    #[serde(default)]
    pub confirm_resend: bool,
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
    /// Items of this batch already sent to the Ministry in another batch (for a sent batch, in
    /// one sent before it), each with that batch, oldest first. Empty in the list of batches.
    pub already_sent: Vec<AlreadySentJson>,
    /// What was done to this sent batch's items after it was sent (edits, decisions), oldest
    /// first. Empty for a draft, and in the list of batches.
    pub changed_after_send: Vec<ChangeAfterSendJson>,
}

/// An item of the batch, and another batch that already sent it to the Ministry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlreadySentJson {
    pub asset_id: String,
    pub batch_id: i32,
    pub batch_title: String,
    pub sent_at: chrono::DateTime<chrono::Utc>,
}

impl From<EarlierSending> for AlreadySentJson {
    fn from(sending: EarlierSending) -> Self {
        AlreadySentJson {
            asset_id: sending.asset_id,
            batch_id: sending.batch_id,
            batch_title: sending.batch_title,
            sent_at: sending.sent_at,
        }
    }
}

/// Something done to an item of a sent batch after the batch was sent: an entry of the item's
/// history.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeAfterSendJson {
    pub asset_id: String,
    pub at: chrono::DateTime<chrono::Utc>,
    /// `edited`, `resubmitted`, `picture_chosen`, or a decision (`approve`, `reject`,
    /// `return`, `recommend`, `reopen`).
    pub action: String,
    /// `user`, `unit`, `partner` or `system`.
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    /// For `edited`: `changed`, each field edited with its old and new value
    /// (`{"title": ["old", "new"]}`); for a decision: its `note`.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

impl From<AuditEvent> for ChangeAfterSendJson {
    fn from(event: AuditEvent) -> Self {
        ChangeAfterSendJson {
            asset_id: event.asset_id.unwrap_or_default(),
            at: event.created_at,
            action: event.action,
            actor_kind: event.actor_kind,
            actor_id: event.actor_id,
            from_state: event.from_state.map(|state| state.as_str().to_owned()),
            to_state: event.to_state.map(|state| state.as_str().to_owned()),
            details: event.details,
        }
    }
}

fn to_json(record: BatchRecord, marks: BatchMarks) -> BatchJson {
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
        already_sent: marks.already_sent.into_iter().map(Into::into).collect(),
        changed_after_send: marks
            .changed_after_send
            .into_iter()
            .map(Into::into)
            .collect(),
    }
}

/// One batch as answered: with its marks (已报送过, what changed after it was sent).
async fn answer(
    state: &AppState,
    caller: &Caller,
    record: BatchRecord,
) -> Result<BatchJson, ApiError> {
    let marks = state.batches.marks(&caller.actor(), &record, &[]).await?;
    Ok(to_json(record, marks))
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
    // A new batch is empty: nothing to mark.
    Ok(HttpResponse::Created().json(to_json(record, BatchMarks::default())))
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
        .map(|record| to_json(record, BatchMarks::default()))
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
    Ok(HttpResponse::Ok().json(answer(&state, &caller, record).await?))
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
    Ok(HttpResponse::Ok().json(answer(&state, &caller, record).await?))
}

/// Marks the batch sent (draft → sent); each item's history records it. An item another batch
/// already sent to the Ministry is refused (409 `already-sent-item`, `details.items` naming
/// each item and that batch) unless the body says `{"confirm_resend": true}`.
#[utoipa::path(post, path = "/api/v1/batches/{id}/send", tag = "batches", params(("id" = i32, Path)),
    request_body = Option<SendBatchRequest>,
    security(("bearer" = [])), responses((status = 200, body = BatchJson), (status = 404, description = "No such batch of the caller's desk", body = crate::json::ErrorEnvelope),
              (status = 409, description = "`batch-sent`; `already-sent-item`: items already sent in another batch and no `confirm_resend` (`details.items`: `asset_id`, `batch_id`, `batch_title`, `sent_at` of each)", body = crate::json::ErrorEnvelope),
              (status = 422, description = "`invalid`: an empty batch cannot be sent", body = crate::json::ErrorEnvelope)))]
pub async fn send_batch(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    // Optional, so a bare POST still sends: a body that is absent or not JSON confirms nothing.
    body: Option<web::Json<SendBatchRequest>>,
) -> Result<HttpResponse, ApiError> {
    let confirm_resend = body.is_some_and(|body| body.confirm_resend);
    let record = state
        .batches
        .send(&caller.actor(), *id, confirm_resend)
        .await?;
    Ok(HttpResponse::Ok().json(answer(&state, &caller, record).await?))
}

/// The batch as one zip, streamed: `清单.xlsx` (序号, 标题, 类型, 报送单位, 城市, 活动类别,
/// 具体活动, 主题, 活动日期, 文件名, 说明, 作者/摄影, 肖像授权), `manifest.json` (the same
/// columns and each original's BLAKE3), `originals/`, `previews/`.
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
