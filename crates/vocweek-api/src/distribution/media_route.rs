//! `/media` on the API's own port, through actix. Bodies are streamed from the store in
//! `STREAM_CHUNK` steps; the sendfile listener (`crate::media_listener`) serves the same
//! answers with fewer copies when an operator gives it a port.

use actix_web::{HttpRequest, HttpResponse, web};

use super::blob_source::{BlobSource, open_blob};
use super::media::answer;
use super::media_answer::{MediaAnswer, MediaBody, MediaRequest};
use crate::auth::bearer_token;
use crate::ranged::{Conditions, STREAM_CHUNK};
use crate::session_cookie;
use crate::{ApiError, AppState};

/// A file of an approved item, or a live channel's playlist or segment.
#[utoipa::path(get, path = "/media/{asset}/{name}", tag = "distribution",
    params(("asset" = String, Path, description = "Asset id"),
           ("name" = String, Path, description = "`original`, `thumb`, `preview`, `poster`, `download`, `hls/master.m3u8`, `hls/<file>`; for a live channel (its id in place of the asset's) `live/master.m3u8`, `live/dvr.m3u8`, `live/<event>/<file>`"),
           ("expires" = Option<i64>, Query, description = "Signed URL: expiry, Unix seconds"),
           ("signature" = Option<String>, Query, description = "Signed URL: signature")),
    security(("bearer" = []), ()),
    responses((status = 200, description = "The file"),
              (status = 206, description = "The requested range"),
              (status = 302, description = "Redirect to the object store (media.redirect_to_store)"),
              (status = 304, description = "Not modified"),
              (status = 400, description = "`invalid-query`: `expires` or `signature` does not parse", body = crate::json::ErrorEnvelope),
              (status = 401, description = "No signed URL and no valid key: `missing-token`, `invalid-token`, `token-revoked`, `token-expired`", body = crate::json::ErrorEnvelope),
              (status = 403, description = "`url-expired` or `signature-invalid` (signed URL); `forbidden` (a key that is neither a partner's nor an admin's); `password-change-required`", body = crate::json::ErrorEnvelope),
              (status = 404, body = crate::json::ErrorEnvelope),
              (status = 416, description = "Range past the end"),
              (status = 429, body = crate::json::ErrorEnvelope)))]
pub async fn get_media(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (asset, name) = path.into_inner();
    // An admin checking what partners see may be signed in to the web queue instead; a
    // header that is there but unreadable is not replaced by the cookie (it answers 401).
    let session = session_cookie::token(&req);
    let token = match req.headers().get(actix_web::http::header::AUTHORIZATION) {
        Some(value) => value.to_str().ok().and_then(bearer_token),
        None => session.as_deref(),
    };
    let request = MediaRequest {
        asset: &asset,
        name: &name,
        query: req.query_string(),
        token,
        client: req.peer_addr().map(|a| a.ip()),
        conditions: Conditions::of(&req),
    };
    respond(&state, answer(&state, &request).await).await
}

/// A web player's CORS preflight (no key needed).
#[utoipa::path(options, path = "/media/{asset}/{name}", tag = "distribution",
    params(("asset" = String, Path, description = "Asset id"),
           ("name" = String, Path, description = "`original`, `thumb`, `preview`, `poster`, `download`, `hls/master.m3u8`, `hls/<file>`")),
    responses((status = 204, description = "`Access-Control-Allow-Origin: *`, `Access-Control-Allow-Methods`, `Access-Control-Allow-Headers`, `Access-Control-Max-Age`")))]
pub async fn preflight() -> HttpResponse {
    respond_without_body(MediaAnswer::preflight())
}

async fn respond(state: &AppState, answer: MediaAnswer) -> HttpResponse {
    let MediaBody::Blob {
        key,
        start,
        len,
        size,
    } = &answer.body
    else {
        return respond_without_body(answer);
    };
    let reader = match open_blob(state, key, (*start, *len, *size)).await {
        Ok(BlobSource::Remote(reader)) => reader,
        Ok(BlobSource::Local(file)) => match range_of(file, *start, *len).await {
            Ok(reader) => reader,
            Err(error) => return respond_without_body(MediaAnswer::error(&error)),
        },
        Err(error) => return respond_without_body(MediaAnswer::error(&error)),
    };
    let mut response = HttpResponse::build(answer.status);
    for header in &answer.headers {
        response.insert_header(header.clone());
    }
    response
        .no_chunking(*len)
        .streaming(tokio_util::io::ReaderStream::with_capacity(
            reader,
            STREAM_CHUNK,
        ))
}

/// `len` bytes of an open local file from `start`, read on tokio's blocking threads.
async fn range_of(
    file: std::fs::File,
    start: u64,
    len: u64,
) -> Result<vocweek_storage::BlobReader, ApiError> {
    use tokio::io::{AsyncReadExt, AsyncSeekExt};
    let mut file = tokio::fs::File::from_std(file);
    file.seek(std::io::SeekFrom::Start(start))
        .await
        .map_err(|e| ApiError::internal(&e))?;
    Ok(Box::pin(file.take(len)))
}

/// An answer whose body, if any, is in memory.
fn respond_without_body(answer: MediaAnswer) -> HttpResponse {
    let mut response = HttpResponse::build(answer.status);
    for header in answer.headers {
        response.insert_header(header);
    }
    match answer.body {
        MediaBody::Bytes(bytes) => response.body(bytes),
        MediaBody::Empty | MediaBody::Blob { .. } => response.finish(),
    }
}
