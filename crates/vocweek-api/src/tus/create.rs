//! POST: a new upload (creation, creation-defer-length), optionally with its first bytes
//! (creation-with-upload). The metadata is checked here, so an unknown tag is refused before a
//! single byte of the file is sent.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use vocweek_db::resumable_uploads::NewResumable;

use super::lease::Lease;
use super::protocol::{header, http_date, is_offset_stream, require_version, size_header};
use super::receive::{Append, storage};
use super::write::{detached, write};
use super::{metadata, status};
use crate::auth::Caller;
use crate::{ApiError, AppState};

/// tus creation (with creation-with-upload and creation-defer-length). The metadata is checked
/// before any byte is sent.
#[utoipa::path(post, path = "/api/v1/uploads/", tag = "resumable uploads",
    params(
        ("Tus-Resumable" = String, Header, description = "1.0.0"),
        ("Upload-Length" = Option<u64>, Header, description = "Total size in bytes"),
        ("Upload-Defer-Length" = Option<u8>, Header, description = "1: the length comes with a later PATCH"),
        ("Upload-Metadata" = Option<String>, Header, description = "`key base64(value)` pairs: filename, title, description, kind, city, category, subcategory, themes, captured_at, activity_date"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created: `Location` is the upload's URL; with a body (creation-with-upload) also `Upload-Offset`, and when it was the whole file `Vocweek-Asset-Id` and `Vocweek-Duplicate`"),
        (status = 400, description = "Missing or invalid header or metadata", body = crate::json::ErrorEnvelope),
        (status = 412, description = "Not tus 1.0.0", body = crate::json::ErrorEnvelope),
        (status = 413, description = "Over the largest accepted size", body = crate::json::ErrorEnvelope),
        (status = 415, description = "creation-with-upload: the first bytes show a file type that is refused, or a kind contradicting the metadata", body = crate::json::ErrorEnvelope),
        (status = 422, description = "Unknown tag in the metadata", body = crate::json::ErrorEnvelope),
        (status = 423, description = "creation-with-upload: the request stalled so long that it lost the upload's lease", body = crate::json::ErrorEnvelope)))]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    require_version(&req)?;
    let uploader = caller.uploader()?;
    let length = declared_length(&req)?;
    let limits = state.ingestor.limits();
    let max = limits.largest();
    if length.is_some_and(|length| length > max) {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            format!("the upload is larger than the largest accepted file ({max} bytes)"),
        )
        .with_details(serde_json::json!({ "limit_bytes": max })));
    }
    let metadata_header = match req.headers().get("Upload-Metadata") {
        None => String::new(),
        Some(value) => value.to_str().map(str::to_owned).map_err(|_| {
            ApiError::bad_request(
                "invalid-upload-metadata",
                "Upload-Metadata holds ASCII keys and base64 values; encode Chinese text in base64",
            )
        })?,
    };
    let parsed = metadata::parse(&metadata_header)?;
    state
        .ingestor
        .check_form(&parsed.form, &uploader, parsed.kind_hint, &parsed.filename)?;
    if let (Some(kind), Some(length)) = (parsed.kind_hint, length)
        && length > limits.for_kind(kind)
    {
        return Err(vocweek_pipeline::IngestError::TooLarge {
            kind: kind.as_str(),
            limit: limits.for_kind(kind),
        }
        .into());
    }

    let id = uuid::Uuid::now_v7().to_string();
    // The row before the file: a process killed between the two leaves a row that HEAD answers
    // with offset 0 and the expiry sweep ends, never a file no node knows (another node may be
    // between these two steps, so the sweep can only guess such a file's fate by its age).
    let upload = state
        .db
        .create_resumable(NewResumable {
            id: id.clone(),
            unit_id: uploader.unit_id,
            length: length.map(|l| i64::try_from(l).unwrap_or(i64::MAX)),
            metadata: metadata_header,
            filename: parsed.filename,
            expires_at: state.tus.expiry_from_now(),
        })
        .await?;
    if let Err(err) = state.tus.partials.create(&id).await {
        // No client will ever learn this upload's address: take the row back now rather than
        // leave it to expire (best effort; the expiry sweep ends it otherwise).
        if let Err(db) = state
            .db
            .delete_resumable(&id, vocweek_db::now_millis())
            .await
        {
            tracing::warn!(upload = %id, error = %db, "an upload without a file stays until it expires");
        }
        return Err(storage(err));
    }
    // Never the client's Host or X-Forwarded-Host as such: the client would send its bytes
    // wherever this points (see `crate::origin`).
    let location = format!("{}/api/v1/uploads/{id}", state.origin.of(&req));
    tracing::info!(upload = %id, unit = uploader.unit_id, length = ?length, "resumable upload created");

    let mut response = HttpResponse::Created();
    response
        .insert_header(("Location", location))
        .insert_header(("Upload-Expires", http_date(upload.expires_at)));
    if !is_offset_stream(&req) {
        return Ok(response.finish());
    }
    // creation-with-upload: the body is the first chunk.
    let lease = Lease::take(&state, &id).await?;
    let append = Append {
        start: 0,
        limit: length.unwrap_or(max),
        digest: None,
    };
    let written = detached(async move {
        let written = write(&state, &lease, &upload, &uploader, append, body).await;
        lease.release().await;
        written
    })
    .await?;
    response.insert_header(("Upload-Offset", written.offset.to_string()));
    if let Some(finished) = &written.finished {
        status::asset_headers(&mut response, &finished.asset_id, finished.duplicate);
    }
    Ok(response.finish())
}

/// `Upload-Length`, or `Upload-Defer-Length: 1` for a length told later; exactly one of them.
fn declared_length(req: &HttpRequest) -> Result<Option<u64>, ApiError> {
    let length = size_header(req, "Upload-Length")?;
    let deferred = header(req, "Upload-Defer-Length");
    match (length, deferred) {
        (Some(0), None) => Err(ApiError::bad_request(
            "empty-file",
            "a zero-byte file is not a photo, a video or an article",
        )),
        (Some(length), None) => Ok(Some(length)),
        (None, Some("1")) => Ok(None),
        (None, Some(other)) => Err(ApiError::bad_request(
            "invalid-header",
            format!("Upload-Defer-Length can only be 1, not '{other}'"),
        )),
        (None, None) => Err(ApiError::bad_request(
            "missing-upload-length",
            "send Upload-Length, or Upload-Defer-Length: 1 to tell it later",
        )),
        (Some(_), Some(_)) => Err(ApiError::bad_request(
            "invalid-header",
            "send Upload-Length or Upload-Defer-Length, not both",
        )),
    }
}
