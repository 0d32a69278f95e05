//! PATCH: the next bytes of an upload, at exactly the offset the server has.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use vocweek_db::resumable_uploads::RECEIVING;

use super::checksum::ChunkDigest;
use super::lease::Lease;
use super::protocol::{header, http_date, is_offset_stream, require_version, size_header};
use super::receive::Append;
use super::status;
use super::write::{detached, write};
use vocweek_pipeline::{UPLOAD_HEAD_LEN, limit_from_head};

use crate::auth::Caller;
use crate::{ApiError, AppState};

/// tus PATCH: the next bytes at exactly the server's offset.
#[utoipa::path(patch, path = "/api/v1/uploads/{id}", tag = "resumable uploads",
    params(
        ("id" = String, Path, description = "The upload (from Location)"),
        ("Tus-Resumable" = String, Header, description = "1.0.0"),
        ("Upload-Offset" = u64, Header, description = "Where these bytes start"),
        ("Upload-Length" = Option<u64>, Header, description = "Once, for a deferred length"),
        ("Upload-Checksum" = Option<String>, Header, description = "`sha1 <base64>` or `sha256 <base64>` of this body"),
    ),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Stored: `Upload-Offset`, `Upload-Expires`; after the last byte `Vocweek-Asset-Id` and `Vocweek-Duplicate`"),
        (status = 400, description = "Missing or invalid `Upload-Offset`, `Upload-Length` or `Upload-Checksum`; a length already fixed; metadata or form refused (e.g. `missing-title`)", body = crate::json::ErrorEnvelope),
        (status = 404, description = "No such upload of this unit", body = crate::json::ErrorEnvelope),
        (status = 409, description = "Wrong offset (`details.offset`), or the upload is complete", body = crate::json::ErrorEnvelope),
        (status = 410, description = "Expired, or refused after its last byte", body = crate::json::ErrorEnvelope),
        (status = 412, description = "Not tus 1.0.0", body = crate::json::ErrorEnvelope),
        (status = 413, description = "Past the upload's length (`upload-length-exceeded`), or a deferred length over the largest accepted size, or over the size limit of the file's type", body = crate::json::ErrorEnvelope),
        (status = 415, description = "Not application/offset+octet-stream, or a file type refused at its first bytes", body = crate::json::ErrorEnvelope),
        (status = 422, description = "The upload's tags were refused when it became an asset", body = crate::json::ErrorEnvelope),
        (status = 423, description = "Another request is writing to this upload", body = crate::json::ErrorEnvelope),
        (status = 460, description = "Checksum mismatch: the chunk was discarded", body = crate::json::ErrorEnvelope)))]
pub async fn patch(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    require_version(&req)?;
    if !is_offset_stream(&req) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "wrong-content-type",
            "a PATCH body must be sent as Content-Type: application/offset+octet-stream",
        ));
    }
    let offset = size_header(&req, "Upload-Offset")?.ok_or_else(|| {
        ApiError::bad_request("missing-upload-offset", "a PATCH needs Upload-Offset")
    })?;
    let digest = header(&req, "Upload-Checksum")
        .map(ChunkDigest::parse)
        .transpose()?;
    let new_length = size_header(&req, "Upload-Length")?;
    let (uploader, upload) = super::owned(&state, &caller, &id).await?;
    if upload.state != RECEIVING {
        return Err(status::finished_conflict(&upload));
    }
    let lease = Lease::take(&state, &id).await;
    // Read again: the previous writer may have moved the offset, or finished the upload.
    let (_, mut upload) = super::owned(&state, &caller, &id).await?;
    if upload.state != RECEIVING {
        if let Ok(lease) = lease {
            lease.release().await;
        }
        return Err(status::finished_conflict(&upload));
    }
    let lease = lease?;
    // A refusal gives the lease back before it answers: the client's next request (the PATCH
    // at the right offset) must not find it still held.
    let limit = match prepare(&state, &lease, &mut upload, offset, new_length).await {
        Ok(limit) => limit,
        Err(refusal) => {
            lease.release().await;
            return Err(refusal);
        }
    };
    let append = Append {
        start: offset,
        limit,
        digest,
    };
    let expires_at = state.tus.expiry_from_now();
    let written = detached(async move {
        let written = write(&state, &lease, &upload, &uploader, append, body).await;
        lease.release().await;
        written
    })
    .await?;
    let mut response = HttpResponse::NoContent();
    response
        .insert_header(("Upload-Offset", written.offset.to_string()))
        .insert_header(("Upload-Expires", http_date(expires_at)));
    if let Some(finished) = &written.finished {
        status::asset_headers(&mut response, &finished.asset_id, finished.duplicate);
    }
    Ok(response.finish())
}

/// Checks the PATCH against the upload under the lease (offset, a deferred length told now);
/// returns how far the upload may grow.
async fn prepare(
    state: &web::Data<AppState>,
    lease: &Lease,
    upload: &mut vocweek_db::resumable_uploads::ResumableUpload,
    offset: u64,
    new_length: Option<u64>,
) -> Result<u64, ApiError> {
    let received = rewind_to_file(state, lease, upload).await?;
    if offset != received {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "offset-mismatch",
            format!("the upload is at byte {received}, not {offset}; resume from HEAD's offset"),
        )
        .with_details(serde_json::json!({ "offset": received })));
    }
    if let Some(length) = new_length {
        upload.length = Some(declare_length(state, lease, upload.length, length, received).await?);
    }
    match upload.length {
        Some(length) => Ok(length.max(0) as u64),
        None => deferred_limit(state, upload, received).await,
    }
}

/// How far an upload of unknown length may grow: its type's limit once its first bytes told the
/// type (a "photo" of unknown length stops at the photo limit, not at the video one).
async fn deferred_limit(
    state: &web::Data<AppState>,
    upload: &vocweek_db::resumable_uploads::ResumableUpload,
    received: u64,
) -> Result<u64, ApiError> {
    let limits = state.ingestor.limits();
    if received < UPLOAD_HEAD_LEN as u64 {
        return Ok(limits.largest());
    }
    let head = state
        .tus
        .partials
        .head(&upload.id, UPLOAD_HEAD_LEN)
        .await
        .map_err(super::receive::storage)?;
    Ok(limit_from_head(&head, &upload.filename, limits))
}

/// creation-defer-length: the length told with a later PATCH, once, and not below what arrived.
async fn declare_length(
    state: &web::Data<AppState>,
    lease: &Lease,
    known: Option<i64>,
    length: u64,
    received: u64,
) -> Result<i64, ApiError> {
    let length_i64 = i64::try_from(length).unwrap_or(i64::MAX);
    if let Some(known) = known {
        return if known == length_i64 {
            Ok(known)
        } else {
            Err(ApiError::bad_request(
                "upload-length-fixed",
                format!("the upload's length is already {known} bytes"),
            ))
        };
    }
    let max = state.ingestor.limits().largest();
    if length > max {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            format!("the upload is larger than the largest accepted file ({max} bytes)"),
        ));
    }
    if length < received || length == 0 {
        return Err(ApiError::bad_request(
            "invalid-header",
            format!("Upload-Length {length} is below the {received} bytes already received"),
        ));
    }
    state
        .db
        .declare_resumable_length(lease.id(), lease.holder(), length_i64)
        .await?;
    Ok(length_i64)
}

/// The offset to write at: the recorded one, unless a machine crash lost the file's tail since
/// (the kernel had not written it out), in which case the upload goes back to what the file holds
/// and the client resends the rest.
async fn rewind_to_file(
    state: &web::Data<AppState>,
    lease: &Lease,
    upload: &vocweek_db::resumable_uploads::ResumableUpload,
) -> Result<u64, ApiError> {
    let recorded = upload.received.max(0) as u64;
    let on_disk = state
        .tus
        .partials
        .len(&upload.id)
        .await
        .map_err(super::receive::storage)?;
    if on_disk >= recorded {
        return Ok(recorded);
    }
    tracing::warn!(upload = %upload.id, recorded, on_disk, "upload file shorter than its offset; rewinding");
    state
        .db
        .record_resumable_progress(
            &upload.id,
            lease.holder(),
            state.tus.lease_ms(),
            i64::try_from(on_disk).unwrap_or(0),
            state.tus.expiry_from_now(),
        )
        .await?;
    Ok(on_disk)
}
