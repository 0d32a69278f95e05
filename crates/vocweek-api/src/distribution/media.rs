//! `/media/{asset}/{name}`: an approved item's files for partners — `original`, `thumb`,
//! `preview`, `poster`, `download` (MP4) and `hls/<playlist or segment>` — with an API key or
//! a signed URL, one byte range, ETag/304, the original's file name, and CORS for web players.
//! With an S3 store the answer can be a redirect to a presigned URL instead of the bytes.
//!
//! This is the answer only; `media_route` serves it through actix and `crate::media_listener`
//! through the sendfile listener.

use std::time::Duration;

use actix_web::http::StatusCode;
use bytes::Bytes;
use serde::Deserialize;
use vocweek_db::assets::AssetRecord;
use vocweek_db::feed::is_public;
use vocweek_storage::{PresignedHeaders, StorageError};

use super::media_answer::{MediaAnswer, MediaBody, MediaRequest};
use crate::auth::Caller;
use crate::disposition::content_disposition;
pub(super) use crate::distribution_state::MediaFile as File;
use crate::distribution_state::SignatureError;
use crate::ranged::{Outcome, outcome};
use crate::{ApiError, AppState};

#[derive(Debug, Deserialize)]
pub(super) struct SignedQuery {
    expires: Option<i64>,
    signature: Option<String>,
}

/// What a request may read.
pub(super) enum Access {
    /// A signed URL: the bytes may be cached publicly until the signature expires.
    Signed { expires: i64, query: String },
    /// A partner's or an admin's key.
    Key(Box<Caller>),
}

/// The answer to `request`, errors included, always with CORS headers.
pub async fn answer(state: &AppState, request: &MediaRequest<'_>) -> MediaAnswer {
    match file_answer(state, request).await {
        Ok(answer) => answer.with_cors(),
        Err(error) => MediaAnswer::error(&error),
    }
}

async fn file_answer(
    state: &AppState,
    request: &MediaRequest<'_>,
) -> Result<MediaAnswer, ApiError> {
    if let Some(live) = request.name.strip_prefix("live/") {
        return super::live_media::answer(state, request, live).await;
    }
    let (asset_id, name) = (request.asset, request.name);
    let signed = signed_query(request)?;
    let access = access(state, request, asset_id, signed).await?;
    let remembered = (asset_id.to_owned(), name.to_owned());
    let file = match state.distribution.media_files.get(&remembered) {
        Some(file) => file,
        None => {
            let record = state
                .db
                .asset(asset_id)
                .await?
                .filter(|r| is_public(r.asset.state))
                .ok_or_else(|| ApiError::not_found("asset"))?;
            let file = file(state, &record, name).await?;
            state
                .distribution
                .media_files
                .insert(remembered, file.clone());
            file
        }
    };
    send_file(state, request, file, &access).await
}

/// A signed URL's parts, when the query has them.
pub(super) fn signed_query(request: &MediaRequest<'_>) -> Result<SignedQuery, ApiError> {
    serde_urlencoded::from_str(request.query).map_err(|e| {
        ApiError::bad_request(
            "invalid-query",
            format!("the query string is not valid: {e}"),
        )
    })
}

/// How long a file may be kept: until a signed URL expires (by anyone), an hour (privately)
/// under a key.
fn cache_control(access: &Access) -> String {
    match access {
        Access::Signed { expires, .. } => {
            let left = (*expires - chrono::Utc::now().timestamp()).clamp(0, 86_400);
            format!("public, max-age={left}")
        }
        Access::Key(_) => "private, max-age=3600".to_owned(),
    }
}

/// The answer with `file`: a playlist signed for the request, a redirect to the store, or the
/// bytes (one range, ETag and 304).
pub(super) async fn send_file(
    state: &AppState,
    request: &MediaRequest<'_>,
    file: File,
    access: &Access,
) -> Result<MediaAnswer, ApiError> {
    let cache = cache_control(access);
    if file.playlist {
        return playlist(state, &file, access, cache).await;
    }
    if state.distribution.settings.redirect_to_store
        && let Some(location) = presigned(state, &file, access).await?
    {
        return Ok(MediaAnswer::new(StatusCode::FOUND)
            .header("Location", location)
            .header("Cache-Control", "no-store"));
    }
    let (status, start, len) = match outcome(request.conditions, file.size, &file.etag) {
        Outcome::NotModified => {
            return Ok(MediaAnswer::new(StatusCode::NOT_MODIFIED).header("ETag", file.etag));
        }
        Outcome::Unsatisfiable => {
            return Ok(MediaAnswer::new(StatusCode::RANGE_NOT_SATISFIABLE)
                .header("Content-Range", format!("bytes */{}", file.size))
                .header("Accept-Ranges", "bytes"));
        }
        Outcome::Whole => (StatusCode::OK, 0, file.size),
        Outcome::Part(first, last) => (StatusCode::PARTIAL_CONTENT, first, last - first + 1),
    };
    let mut answer = MediaAnswer::new(status);
    if status == StatusCode::PARTIAL_CONTENT {
        answer = answer.header(
            "Content-Range",
            format!("bytes {start}-{}/{}", start + len - 1, file.size),
        );
    }
    answer = answer
        .header("Content-Type", file.mime.clone())
        .header("Cache-Control", cache)
        .header("X-Content-Type-Options", "nosniff")
        .header("Content-Security-Policy", "default-src 'none'; sandbox")
        .header("ETag", file.etag.clone())
        .header("Accept-Ranges", "bytes");
    if let Some(disposition) = &file.disposition {
        answer = answer.header("Content-Disposition", disposition.clone());
    }
    Ok(answer.body(MediaBody::Blob {
        key: file.key,
        start,
        len,
        size: file.size,
    }))
}

/// Forgets where the blob at `key` was thought to be and how big: it changed (a rendition
/// rewritten by a rerun), so the next request looks it up again.
pub(crate) fn forget(state: &AppState, key: &str) {
    state
        .distribution
        .media_files
        .retain(|file| file.key != key);
}

/// A signed URL for `subject` (what the signature was made over: an asset's id, or a
/// channel's), or else an API key (partner, within budget; or an admin).
pub(super) async fn access(
    state: &AppState,
    request: &MediaRequest<'_>,
    subject: &str,
    signed: SignedQuery,
) -> Result<Access, ApiError> {
    if let (Some(expires), Some(signature)) = (signed.expires, signed.signature) {
        let now = chrono::Utc::now().timestamp();
        return match state
            .distribution
            .signer
            .verify(subject, expires, &signature, now)
        {
            Ok(()) => Ok(Access::Signed {
                expires,
                query: format!("expires={expires}&signature={signature}"),
            }),
            Err(SignatureError::Expired) => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "url-expired",
                "this signed URL has expired; take a fresh one from the feed",
            )),
            Err(SignatureError::Invalid) => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "signature-invalid",
                "the URL's signature does not match it",
            )),
        };
    }
    // A key seen a moment ago is not looked up again (see `lookup_cache`); the request budget
    // is still counted on every request.
    let token = request.token.ok_or_else(crate::auth::missing_token)?;
    let hash = *blake3::hash(token.as_bytes()).as_bytes();
    let principal = match state.distribution.media_callers.get(&hash) {
        Some(principal) => principal,
        None => {
            let principal = crate::auth::principal(state, token).await?;
            state
                .distribution
                .media_callers
                .insert(hash, principal.clone());
            principal
        }
    };
    let caller = Caller(principal);
    super::caller::reader(&caller, state)?;
    Ok(Access::Key(Box::new(caller)))
}

async fn file(state: &AppState, record: &AssetRecord, name: &str) -> Result<File, ApiError> {
    let asset = &record.asset;
    if name == "original" {
        return Ok(File {
            key: vocweek_storage::original_key(&asset.blake3)
                .map_err(|e| ApiError::internal(&e))?,
            size: asset.size.max(0) as u64,
            mime: asset.mime.clone(),
            etag: format!("\"{}\"", asset.blake3),
            disposition: Some(content_disposition("attachment", &asset.original_filename)),
            playlist: false,
        });
    }
    if let Some(hls_file) = name.strip_prefix("hls/") {
        return hls(state, &asset.id, hls_file).await;
    }
    let rendition = state
        .db
        .rendition(&asset.id, name)
        .await?
        .filter(|r| r.name != "hls")
        .ok_or_else(|| ApiError::not_found("file"))?;
    let disposition = (name == "download").then(|| {
        let stem = asset
            .original_filename
            .rsplit_once('.')
            .map_or(asset.original_filename.as_str(), |(stem, _)| stem);
        content_disposition("attachment", &format!("{stem}.mp4"))
    });
    Ok(File {
        key: rendition.storage_key.clone(),
        size: rendition.size.max(0) as u64,
        mime: rendition.mime.clone(),
        etag: format!(
            "\"r{}-{}-{}\"",
            rendition.id,
            rendition.size,
            rendition.created_at.timestamp_millis()
        ),
        disposition,
        playlist: false,
    })
}

/// A playlist or segment, named as the transcode writes them.
async fn hls(state: &AppState, asset_id: &str, name: &str) -> Result<File, ApiError> {
    let (stem, extension) = name
        .rsplit_once('.')
        .ok_or_else(|| ApiError::not_found("file"))?;
    let well_formed =
        !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    let (mime, playlist) = match extension {
        "m3u8" if well_formed => ("application/vnd.apple.mpegurl", true),
        "ts" if well_formed => ("video/mp2t", false),
        _ => return Err(ApiError::not_found("file")),
    };
    let key = vocweek_storage::rendition_key(asset_id, &format!("hls/{name}"))
        .map_err(|_| ApiError::not_found("file"))?;
    let size = state
        .store
        .size(&key)
        .await
        .map_err(|e| ApiError::internal(&e))?
        .ok_or_else(|| ApiError::not_found("file"))?;
    Ok(File {
        etag: format!("\"{asset_id}-{name}-{size}\""),
        key,
        size,
        mime: mime.to_owned(),
        disposition: None,
        playlist,
    })
}

/// Playlists are small: read whole, and under a signed URL every link in them carries the
/// same signature, so the player's next requests are allowed too.
async fn playlist(
    state: &AppState,
    file: &File,
    access: &Access,
    cache: String,
) -> Result<MediaAnswer, ApiError> {
    use tokio::io::AsyncReadExt;
    let (mut reader, _) = state.store.open(&file.key).await.map_err(|e| match e {
        StorageError::NotFound(_) => ApiError::not_found("file"),
        other => ApiError::internal(&other),
    })?;
    let mut text = String::new();
    reader
        .read_to_string(&mut text)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let body = signed_links(text, access);
    Ok(MediaAnswer::new(StatusCode::OK)
        .header("Content-Type", file.mime.clone())
        .header("Cache-Control", cache)
        .header("X-Content-Type-Options", "nosniff")
        .body(MediaBody::Bytes(Bytes::from(body))))
}

/// A playlist as `access` may follow it: under a signed URL every link carries the same
/// signature, so the player's next requests are allowed too.
pub(super) fn signed_links(text: String, access: &Access) -> String {
    match access {
        Access::Signed { query, .. } => {
            text.lines()
                .map(|line| {
                    if line.is_empty() || line.starts_with('#') {
                        line.to_owned()
                    } else {
                        format!("{line}?{query}")
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
                + "\n"
        }
        Access::Key(_) => text,
    }
}

/// A presigned store URL valid as long as the request's own access (an hour for a key).
async fn presigned(
    state: &AppState,
    file: &File,
    access: &Access,
) -> Result<Option<String>, ApiError> {
    let valid_for = match access {
        Access::Signed { expires, .. } => Duration::from_secs(
            (*expires - chrono::Utc::now().timestamp()).clamp(60, 604_800) as u64,
        ),
        Access::Key(_) => Duration::from_secs(3600),
    };
    let headers = PresignedHeaders {
        content_type: Some(file.mime.clone()),
        content_disposition: file.disposition.clone(),
    };
    state
        .store
        .presigned_get(&file.key, valid_for, &headers)
        .await
        .map_err(|e| ApiError::internal(&e))
}
