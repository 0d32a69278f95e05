//! The tus 1.0.0 vocabulary: versions, extensions, header names, and the small helpers every
//! handler uses to read them.

use actix_web::HttpRequest;
use actix_web::http::StatusCode;
use chrono::{DateTime, Utc};

use crate::ApiError;

pub const VERSION: &str = "1.0.0";
pub const EXTENSIONS: &str =
    "creation,creation-with-upload,creation-defer-length,termination,expiration,checksum";
pub const OFFSET_CONTENT_TYPE: &str = "application/offset+octet-stream";
/// Set when the last byte made the upload an asset (also on HEAD afterwards): the asset's id,
/// and whether those bytes were already stored (`true`: the id is the existing asset's).
pub const ASSET_ID_HEADER: &str = "Vocweek-Asset-Id";
pub const DUPLICATE_HEADER: &str = "Vocweek-Duplicate";

/// Headers a browser client on another origin sends and must be able to read.
pub const CORS_ALLOW_HEADERS: &str = "Authorization, Content-Type, Tus-Resumable, Upload-Length, \
Upload-Metadata, Upload-Offset, Upload-Checksum, Upload-Defer-Length, X-Requested-With";
pub const CORS_EXPOSE_HEADERS: &str = "Location, Tus-Resumable, Tus-Version, Tus-Extension, \
Tus-Max-Size, Tus-Checksum-Algorithm, Upload-Offset, Upload-Length, Upload-Metadata, \
Upload-Expires, Upload-Defer-Length, Vocweek-Asset-Id, Vocweek-Duplicate";
pub const CORS_ALLOW_METHODS: &str = "POST, HEAD, PATCH, DELETE, OPTIONS";

/// The status a checksum mismatch answers with (the checksum extension's own code).
pub fn checksum_mismatch() -> ApiError {
    ApiError::new(
        StatusCode::from_u16(460).unwrap_or(StatusCode::BAD_REQUEST),
        "checksum-mismatch",
        "the chunk does not match its Upload-Checksum; it was discarded, send it again",
    )
}

/// 423: another request holds the upload's write lease.
pub fn locked() -> ApiError {
    ApiError::new(
        StatusCode::LOCKED,
        "upload-locked",
        "another request is writing to this upload; retry when it has finished",
    )
}

pub fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Every request but OPTIONS names the protocol version it speaks.
pub fn require_version(req: &HttpRequest) -> Result<(), ApiError> {
    match header(req, "Tus-Resumable") {
        Some(VERSION) => Ok(()),
        other => Err(ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            "unsupported-tus-version",
            format!(
                "this server speaks tus {VERSION}; the request says {}",
                other.unwrap_or("nothing (no Tus-Resumable header)")
            ),
        )),
    }
}

/// A non-negative integer header (`Upload-Offset`, `Upload-Length`).
pub fn size_header(req: &HttpRequest, name: &str) -> Result<Option<u64>, ApiError> {
    header(req, name)
        .map(|value| {
            value.trim().parse::<u64>().map_err(|_| {
                ApiError::bad_request(
                    "invalid-header",
                    format!("{name} must be a non-negative integer, not '{value}'"),
                )
            })
        })
        .transpose()
}

pub fn is_offset_stream(req: &HttpRequest) -> bool {
    header(req, "Content-Type")
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(OFFSET_CONTENT_TYPE))
}

/// `Upload-Expires` is an RFC 9110 HTTP-date.
pub fn http_date(epoch_millis: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(epoch_millis)
        .unwrap_or_default()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_an_http_date() {
        assert_eq!(
            http_date(1_622_592_000_000),
            "Wed, 02 Jun 2021 00:00:00 GMT"
        );
    }
}
