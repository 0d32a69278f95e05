//! HEAD (where to resume, or what the upload became) and DELETE (termination).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, web};
use vocweek_db::resumable_uploads::{COMPLETE, FAILED, RECEIVING, ResumableUpload};

use super::complete::finish;
use super::lease::Lease;
use super::protocol::{ASSET_ID_HEADER, DUPLICATE_HEADER, http_date, locked, require_version};
use super::receive::storage;
use crate::auth::Caller;
use crate::{ApiError, AppState};

/// tus HEAD: the offset to resume from (also after a restart or on another node), and the asset
/// once the upload is complete.
#[utoipa::path(head, path = "/api/v1/uploads/{id}", tag = "resumable uploads",
    params(("id" = String, Path, description = "The upload"), ("Tus-Resumable" = String, Header, description = "1.0.0")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "`Upload-Offset`, `Upload-Length` or `Upload-Defer-Length`, `Upload-Metadata`, `Upload-Expires`, `Cache-Control: no-store`; when complete `Vocweek-Asset-Id`, `Vocweek-Duplicate`"),
        (status = 404, description = "No such upload of this unit"),
        (status = 410, description = "Expired, or refused"),
        (status = 412, description = "Not tus 1.0.0", body = crate::json::ErrorEnvelope),
        (status = 413, description = "Every byte had arrived but no asset was made yet: HEAD makes it, and the file is over its type's size limit", body = crate::json::ErrorEnvelope),
        (status = 415, description = "Every byte had arrived but no asset was made yet: HEAD makes it, and the file's type is refused or contradicts its kind", body = crate::json::ErrorEnvelope),
        (status = 422, description = "Every byte had arrived but no asset was made yet: HEAD makes it, and its tags are refused", body = crate::json::ErrorEnvelope)))]
pub async fn head(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    require_version(&req)?;
    let (uploader, mut upload) = super::owned(&state, &caller, &id).await?;
    // Every byte is there but no asset was made (the node died, or ingest failed on our side):
    // finish it now, so a client that resumes from HEAD gets its asset.
    if upload.state == RECEIVING
        && upload.length == Some(upload.received)
        && let Ok(lease) = Lease::take(&state, &id).await
    {
        let finished = finish(&state, &upload, &uploader).await;
        lease.release().await;
        finished?;
        upload = super::owned(&state, &caller, &id).await?.1;
    }
    if upload.state == FAILED {
        return Err(finished_conflict(&upload));
    }
    // After a machine crash the file may hold less than was recorded: report what it holds (the
    // next PATCH rewinds the record to it).
    let offset = match upload.state.as_str() {
        RECEIVING => {
            let on_disk = state.tus.partials.len(&id).await.map_err(storage)?;
            on_disk.min(upload.received.max(0) as u64)
        }
        _ => upload.received.max(0) as u64,
    };
    let mut response = HttpResponse::Ok();
    response
        .insert_header(("Upload-Offset", offset.to_string()))
        .insert_header(("Cache-Control", "no-store"));
    match upload.length {
        Some(length) => response.insert_header(("Upload-Length", length.to_string())),
        None => response.insert_header(("Upload-Defer-Length", "1")),
    };
    if !upload.metadata.is_empty() {
        response.insert_header(("Upload-Metadata", upload.metadata.clone()));
    }
    if upload.state == RECEIVING {
        response.insert_header(("Upload-Expires", http_date(upload.expires_at)));
    }
    if let (COMPLETE, Some(asset)) = (upload.state.as_str(), &upload.asset_id) {
        asset_headers(&mut response, asset, upload.duplicate);
    }
    Ok(response.finish())
}

/// tus termination: the upload and its bytes are removed (an asset it became stays).
#[utoipa::path(delete, path = "/api/v1/uploads/{id}", tag = "resumable uploads",
    params(("id" = String, Path, description = "The upload"), ("Tus-Resumable" = String, Header, description = "1.0.0")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such upload of this unit", body = crate::json::ErrorEnvelope),
        (status = 410, description = "`upload-expired`", body = crate::json::ErrorEnvelope),
        (status = 412, description = "Not tus 1.0.0", body = crate::json::ErrorEnvelope),
        (status = 423, description = "A request is writing to it", body = crate::json::ErrorEnvelope)))]
pub async fn terminate(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    require_version(&req)?;
    super::owned(&state, &caller, &id).await?;
    if !state
        .db
        .delete_resumable(&id, vocweek_db::now_millis())
        .await?
    {
        return Err(locked());
    }
    state.tus.partials.remove(&id).await.map_err(storage)?;
    tracing::info!(upload = %id.as_str(), "resumable upload terminated");
    Ok(HttpResponse::NoContent().finish())
}

pub fn asset_headers(response: &mut HttpResponseBuilder, asset_id: &str, duplicate: bool) {
    response
        .insert_header((ASSET_ID_HEADER, asset_id.to_owned()))
        .insert_header((DUPLICATE_HEADER, if duplicate { "true" } else { "false" }));
}

/// A request that would write to an upload that already ended.
pub fn finished_conflict(upload: &ResumableUpload) -> ApiError {
    match upload.state.as_str() {
        FAILED => ApiError::new(
            StatusCode::GONE,
            "upload-refused",
            format!(
                "this upload was refused: {}",
                upload.error_message.as_deref().unwrap_or("unknown reason")
            ),
        )
        .with_details(serde_json::json!({ "code": upload.error_code })),
        _ => ApiError::new(
            StatusCode::CONFLICT,
            "upload-complete",
            "this upload is complete",
        )
        .with_details(serde_json::json!({ "asset_id": upload.asset_id })),
    }
}
