//! Serving a stored blob the way download managers, video players and CDNs expect: one byte
//! range (`Range: bytes=…` → 206 with `Content-Range`, 416 when it lies past the end), an
//! `ETag` with `If-None-Match` → 304, `Accept-Ranges: bytes`. Several ranges in one request are
//! answered with the whole blob (RFC 9110 allows it; no player asks for multipart/byteranges).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use vocweek_storage::{BlobStore, StorageError};

use crate::ApiError;

/// Bytes read from the store per step of a response body. A file read is a hop to a blocking
/// thread: at the 4 KiB default a 1 MiB range costs 256 of them, at 256 KiB four (measured by
/// `scripts/bench-media.sh`).
pub const STREAM_CHUNK: usize = 256 * 1024;

/// A blob to serve: where it is, how big, and its validator.
pub struct Blob<'a> {
    pub key: &'a str,
    pub size: u64,
    /// Quoted, e.g. `"<blake3>"`.
    pub etag: String,
}

/// What a `Range` header asks of a blob of `size` bytes.
#[derive(Debug, PartialEq, Eq)]
pub enum Wanted {
    Whole,
    /// First and last byte, inclusive.
    Part(u64, u64),
    /// Starts at or past the end.
    Unsatisfiable,
}

pub fn wanted(range: Option<&str>, size: u64) -> Wanted {
    let Some(spec) = range.and_then(|r| r.trim().strip_prefix("bytes=")) else {
        return Wanted::Whole;
    };
    if spec.contains(',') {
        return Wanted::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Wanted::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    let parsed = match (first.parse::<u64>(), last.parse::<u64>()) {
        // bytes=-N: the last N bytes.
        (Err(_), Ok(suffix)) if first.is_empty() => {
            if suffix == 0 || size == 0 {
                return Wanted::Unsatisfiable;
            }
            (size.saturating_sub(suffix), size - 1)
        }
        // bytes=N-: from N to the end.
        (Ok(start), Err(_)) if last.is_empty() => (start, size.saturating_sub(1)),
        (Ok(start), Ok(end)) if end >= start => (start, end.min(size.saturating_sub(1))),
        _ => return Wanted::Whole,
    };
    if parsed.0 >= size {
        Wanted::Unsatisfiable
    } else {
        Wanted::Part(parsed.0, parsed.1)
    }
}

/// The request headers that decide how much of a blob to send.
#[derive(Debug, Default, Clone, Copy)]
pub struct Conditions<'a> {
    pub range: Option<&'a str>,
    pub if_none_match: Option<&'a str>,
    pub if_range: Option<&'a str>,
}

impl<'a> Conditions<'a> {
    pub fn of(req: &'a HttpRequest) -> Self {
        let header = move |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
        Conditions {
            range: header("Range"),
            if_none_match: header("If-None-Match"),
            if_range: header("If-Range"),
        }
    }
}

/// What to answer a request for a blob of `size` bytes whose validator is `etag`.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    NotModified,
    Unsatisfiable,
    Whole,
    /// First and last byte, inclusive.
    Part(u64, u64),
}

pub fn outcome(conditions: Conditions<'_>, size: u64, etag: &str) -> Outcome {
    let matches_etag = conditions.if_none_match.is_some_and(|tags| {
        tags.split(',')
            .any(|tag| tag.trim() == "*" || tag.trim().trim_start_matches("W/") == etag)
    });
    if matches_etag {
        return Outcome::NotModified;
    }
    // A range applies only to the version the client has (If-Range): otherwise, all of it.
    let range = match conditions.if_range {
        Some(validator) if validator.trim() != etag => None,
        _ => conditions.range,
    };
    match wanted(range, size) {
        Wanted::Whole => Outcome::Whole,
        Wanted::Unsatisfiable => Outcome::Unsatisfiable,
        Wanted::Part(first, last) => Outcome::Part(first, last),
    }
}

pub fn storage_error(err: StorageError) -> ApiError {
    match err {
        StorageError::NotFound(_) => ApiError::not_found("file"),
        other => ApiError::internal(&other),
    }
}

/// Answers `req` with `blob`; `headers` adds the type, disposition and caching of the caller.
pub async fn serve(
    req: &HttpRequest,
    store: &dyn BlobStore,
    blob: Blob<'_>,
    headers: impl FnOnce(&mut HttpResponseBuilder),
) -> Result<HttpResponse, ApiError> {
    let (mut response, reader, len) = match outcome(Conditions::of(req), blob.size, &blob.etag) {
        Outcome::NotModified => {
            return Ok(HttpResponse::NotModified()
                .insert_header(("ETag", blob.etag))
                .finish());
        }
        Outcome::Unsatisfiable => {
            return Ok(HttpResponse::build(StatusCode::RANGE_NOT_SATISFIABLE)
                .insert_header(("Content-Range", format!("bytes */{}", blob.size)))
                .insert_header(("Accept-Ranges", "bytes"))
                .finish());
        }
        Outcome::Whole => {
            let (reader, size) = store.open(blob.key).await.map_err(storage_error)?;
            (HttpResponse::Ok(), reader, size)
        }
        Outcome::Part(first, last) => {
            let len = last - first + 1;
            let reader = store
                .open_range(blob.key, first, len)
                .await
                .map_err(storage_error)?;
            let mut response = HttpResponse::PartialContent();
            response.insert_header((
                "Content-Range",
                format!("bytes {first}-{last}/{}", blob.size),
            ));
            (response, reader, len)
        }
    };
    headers(&mut response);
    response
        .insert_header(("ETag", blob.etag))
        .insert_header(("Accept-Ranges", "bytes"))
        .no_chunking(len);
    Ok(
        response.streaming(tokio_util::io::ReaderStream::with_capacity(
            reader,
            STREAM_CHUNK,
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        assert_eq!(wanted(None, 100), Wanted::Whole);
        assert_eq!(wanted(Some("bytes=0-9"), 100), Wanted::Part(0, 9));
        assert_eq!(wanted(Some("bytes=90-"), 100), Wanted::Part(90, 99));
        assert_eq!(wanted(Some("bytes=-10"), 100), Wanted::Part(90, 99));
        assert_eq!(wanted(Some("bytes=-500"), 100), Wanted::Part(0, 99));
        assert_eq!(wanted(Some("bytes=50-5000"), 100), Wanted::Part(50, 99));
        assert_eq!(wanted(Some("bytes=100-"), 100), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=-0"), 100), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=0-1,5-6"), 100), Wanted::Whole);
        assert_eq!(wanted(Some("bytes=9-3"), 100), Wanted::Whole);
        assert_eq!(wanted(Some("items=0-9"), 100), Wanted::Whole);
    }
}
