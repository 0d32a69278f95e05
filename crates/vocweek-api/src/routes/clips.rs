//! Clips of a video item: an editor's in- and out-points, a new item cut from them.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::{ApiError, AppState};

/// The stretch to cut, in seconds on the video's player (0 = its start).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ClipRequestJson {
    pub from_seconds: f64,
    pub to_seconds: f64,
}

/// The clip asked for: its item's id once cut (it then appears in processing, and in review
/// like any item). A stretch the video cannot give is said in the source's history
/// (`clip_failed`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ClipQueuedJson {
    pub clip_id: String,
}

/// Asks for a clip of a video item (editors of its desk, admins). Whole GOPs are copied, only
/// the partial ones at the edges are encoded again.
#[utoipa::path(post, path = "/api/v1/assets/{id}/clips", tag = "review", request_body = ClipRequestJson,
    params(("id" = String, Path, description = "The video item's id")), security(("bearer" = [])),
    responses((status = 202, body = ClipQueuedJson),
              (status = 400, description = "invalid-clip-range (before 0, under a second, past the end)", body = crate::json::ErrorEnvelope),
              (status = 403, body = crate::json::ErrorEnvelope),
              (status = 404, body = crate::json::ErrorEnvelope),
              (status = 409, description = "not-a-video; still-processing", body = crate::json::ErrorEnvelope)))]
pub async fn create_clip(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<ClipRequestJson>,
) -> Result<HttpResponse, ApiError> {
    let queued = state
        .editorial
        .request_clip(&caller.actor(), &id, body.from_seconds, body.to_seconds)
        .await?;
    Ok(HttpResponse::Accepted().json(ClipQueuedJson {
        clip_id: queued.clip_id,
    }))
}
