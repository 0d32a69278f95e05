//! What `/media` is asked and what it answers, free of any HTTP server: the actix route and
//! the sendfile listener (`media_listener`) both turn their requests into a `MediaRequest`
//! and write the `MediaAnswer` their own way, so both give the same answers.

use actix_web::http::StatusCode;
use bytes::Bytes;

use crate::ApiError;
use crate::ranged::Conditions;

/// One request for a file of an approved item.
#[derive(Debug, Clone, Copy)]
pub struct MediaRequest<'a> {
    pub asset: &'a str,
    /// `original`, `thumb`, …, `hls/<file>`.
    pub name: &'a str,
    /// The raw query string: a signed URL's `expires` and `signature`.
    pub query: &'a str,
    /// A partner key (or, on the actix side, a signed-in admin's session).
    pub token: Option<&'a str>,
    /// The client's address (who watches a live channel is counted by it).
    pub client: Option<std::net::IpAddr>,
    pub conditions: Conditions<'a>,
}

/// The body of an answer.
#[derive(Debug, Clone)]
pub enum MediaBody {
    Empty,
    Bytes(Bytes),
    /// `len` bytes of a stored blob from `start`: streamed, or sent with sendfile(2) when the
    /// blob is a local file. `size` is the whole blob's size the answer was worked out from
    /// (`distribution::blob_source` checks it still holds).
    Blob {
        key: String,
        start: u64,
        len: u64,
        size: u64,
    },
}

impl MediaBody {
    pub fn len(&self) -> u64 {
        match self {
            MediaBody::Empty => 0,
            MediaBody::Bytes(bytes) => bytes.len() as u64,
            MediaBody::Blob { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Debug, Clone)]
pub struct MediaAnswer {
    pub status: StatusCode,
    pub headers: Vec<(&'static str, String)>,
    pub body: MediaBody,
}

impl MediaAnswer {
    pub fn new(status: StatusCode) -> Self {
        MediaAnswer {
            status,
            headers: Vec::new(),
            body: MediaBody::Empty,
        }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn body(mut self, body: MediaBody) -> Self {
        self.body = body;
        self
    }

    /// An error as the API answers it (JSON envelope), readable by web players (CORS).
    pub fn error(error: &ApiError) -> Self {
        let mut answer = MediaAnswer::new(error.status)
            .header("Content-Type", "application/json")
            .body(MediaBody::Bytes(Bytes::from(error.envelope().to_string())));
        answer.headers.extend(error.headers());
        answer.with_cors()
    }

    /// Lets web players on any origin read the answer and the headers they need.
    pub fn with_cors(self) -> Self {
        self.header("Access-Control-Allow-Origin", "*").header(
            "Access-Control-Expose-Headers",
            "Content-Length, Content-Range, Accept-Ranges, ETag, Content-Disposition",
        )
    }

    /// The answer to a web player's CORS preflight (it sends `Range` and `Authorization`).
    pub fn preflight() -> Self {
        MediaAnswer::new(StatusCode::NO_CONTENT)
            .header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
            .header(
                "Access-Control-Allow-Headers",
                "Authorization, Range, If-None-Match, If-Range",
            )
            .header("Access-Control-Max-Age", "86400")
            .with_cors()
    }
}
