use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::{Value, json};
use vocweek_db::DbError;
use vocweek_domain::DomainError;
use vocweek_messages::{Arg, Lang};
use vocweek_pipeline::IngestError;

/// Every error the API answers with: `{"error":{"code","message","details"}}`.
/// `code` is stable and kebab-case; `message` is for people; `details` for programs.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Value,
    /// Close the connection after this answer instead of reading the rest of the request's
    /// body (a refused upload's remaining gigabytes).
    pub close_connection: bool,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            details: Value::Null,
            close_connection: false,
        }
    }

    /// The same error, answered on a connection that then closes.
    pub fn closing_connection(mut self) -> Self {
        self.close_connection = true;
        self
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }

    /// The same error told in `lang` from the message catalog (code, status and details
    /// unchanged). English keeps the API's own, more specific message.
    pub fn told_in(&self, lang: Lang) -> ApiError {
        if lang == Lang::En {
            return self.clone();
        }
        let mut told = self.clone();
        told.message = self.sentence(lang);
        told
    }

    /// The catalog's sentence for this error: its code's (with the details' figures), or for a
    /// refused file the reason's, or a general one that names the code.
    pub fn sentence(&self, lang: Lang) -> String {
        let details = &self.details;
        let mut args: Vec<(&str, Arg)> = Vec::new();
        if let Some(limit) = details["limit_bytes"].as_u64() {
            args.push(("limit_mib", Arg::from(limit.div_ceil(1 << 20))));
        }
        if let Some(seconds) = details["retry_after_seconds"].as_u64() {
            args.push(("retry_after_seconds", Arg::from(seconds)));
        }
        let reason = details["reason"]
            .as_str()
            .filter(|_| self.code == "unsupported-media-type");
        vocweek_messages::error(lang, self.code, &args)
            .or_else(|| reason.map(|reason| vocweek_messages::failure(lang, reason)))
            .or_else(|| vocweek_messages::error(lang, "other", &[("code", Arg::from(self.code))]))
            .unwrap_or_else(|| self.message.clone())
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(what: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("{what} not found"),
        )
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// A failure on our side: logged in full, answered without internals.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "an internal error occurred; it has been logged",
        )
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        for header in self.headers() {
            response.insert_header(header);
        }
        if self.close_connection {
            response.force_close();
        }
        response.json(self.envelope())
    }
}

impl ApiError {
    /// The body every error is answered with.
    pub fn envelope(&self) -> Value {
        json!({
            "error": { "code": self.code, "message": self.message, "details": self.details }
        })
    }

    /// Headers that go with the status: how to authenticate, when to come back.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let mut headers = Vec::new();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.push(("WWW-Authenticate", "Bearer".to_owned()));
        }
        // Throttled answers say when to come back, in the header clients and proxies read.
        if matches!(
            self.status,
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
        ) && let Some(seconds) = self.details["retry_after_seconds"].as_u64()
        {
            headers.push(("Retry-After", seconds.to_string()));
        }
        headers
    }
}

impl From<DomainError> for ApiError {
    fn from(err: DomainError) -> Self {
        let code = match err {
            DomainError::UnknownValue { .. } => "unknown-value",
            DomainError::ForbiddenTransition { .. } => "forbidden-transition",
            _ => "invalid-value",
        };
        let details = err.details();
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, err.to_string()).with_details(details)
    }
}

impl From<DbError> for ApiError {
    fn from(err: DbError) -> Self {
        match err {
            DbError::NotFound(what) => ApiError::not_found(&what),
            DbError::AlreadyExists(_) => {
                ApiError::new(StatusCode::CONFLICT, "already-exists", err.to_string())
            }
            DbError::AlreadySent(_) => {
                ApiError::new(StatusCode::CONFLICT, "batch-sent", err.to_string())
            }
            DbError::Conflict(_) => {
                ApiError::new(StatusCode::CONFLICT, "version-conflict", err.to_string())
            }
            DbError::Domain(domain) => domain.into(),
            DbError::Invalid(message) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
            }
            other if other.is_invalid_text() => ApiError::bad_request(
                "invalid-text",
                "the text contains a character that cannot be stored (the NUL character U+0000)",
            ),
            other if other.is_unavailable() => {
                tracing::warn!(error = %other, "database unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database-unavailable",
                    "the database is unavailable for a moment; try again shortly",
                )
                .with_details(json!({ "retry_after_seconds": 5 }))
            }
            other => ApiError::internal(&other),
        }
    }
}

impl ApiError {
    /// A full disk: nothing was kept, the client may try again later.
    pub fn insufficient_storage() -> Self {
        tracing::warn!("a write failed: the disk is full");
        ApiError::new(
            StatusCode::INSUFFICIENT_STORAGE,
            "insufficient-storage",
            "the server's disk is full; nothing of this request was kept; try again later",
        )
    }

    /// A local write failed: full disk (507) or ours (500).
    pub fn from_io(err: &std::io::Error) -> Self {
        if vocweek_storage::is_full(err) {
            ApiError::insufficient_storage()
        } else {
            ApiError::internal(err)
        }
    }
}

impl From<vocweek_storage::StorageError> for ApiError {
    fn from(err: vocweek_storage::StorageError) -> Self {
        if err.is_full() {
            ApiError::insufficient_storage()
        } else if err.is_unavailable() {
            tracing::warn!(error = %err, "object store unavailable");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "storage-unavailable",
                "the file store is unavailable for a moment; try again shortly",
            )
            .with_details(json!({ "retry_after_seconds": 10 }))
        } else {
            ApiError::internal(&err)
        }
    }
}

impl From<IngestError> for ApiError {
    fn from(err: IngestError) -> Self {
        if err.is_internal() {
            return ApiError::internal(&err);
        }
        let status = match err.code() {
            "insufficient-storage" => StatusCode::INSUFFICIENT_STORAGE,
            "invalid-text" => StatusCode::BAD_REQUEST,
            "database-unavailable" | "storage-unavailable" => {
                tracing::warn!(error = %err, "upload refused during an outage");
                StatusCode::SERVICE_UNAVAILABLE
            }
            _ => match err {
                IngestError::BadRequest { .. } => StatusCode::BAD_REQUEST,
                IngestError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                IngestError::Media(_) | IngestError::KindMismatch { .. } => {
                    StatusCode::UNSUPPORTED_MEDIA_TYPE
                }
                // A replacement file: the same bytes again, or bytes another item has.
                IngestError::SameFile | IngestError::DuplicateFile { .. } => StatusCode::CONFLICT,
                // A well-formed file of another kind than the item it should replace.
                IngestError::DifferentKind { .. } => StatusCode::UNPROCESSABLE_ENTITY,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            },
        };
        ApiError::new(status, err.code(), err.to_string()).with_details(err.details())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_told_in_chinese_from_the_catalog() {
        let too_large = IngestError::TooLarge {
            kind: "photo",
            limit: 50 << 20,
        };
        let told = ApiError::from(too_large).told_in(Lang::ZhCn);
        assert_eq!(told.code, "payload-too-large");
        assert_eq!(told.message, "文件超过该类素材的大小上限（50 MiB）。");
        let doc = ApiError::from(IngestError::Media(vocweek_media::MediaError::LegacyOffice));
        assert!(doc.told_in(Lang::ZhCn).message.contains(".docx"), "{doc:?}");
        assert!(doc.told_in(Lang::En).message.contains("old Office"));
        let odd = ApiError::bad_request("head-too-large", "x");
        assert_eq!(
            odd.told_in(Lang::ZhCn).message,
            "请求未能完成（代码 head-too-large）。"
        );
    }

    #[test]
    fn a_refused_replacement_file_says_why() {
        let duplicate = ApiError::from(IngestError::DuplicateFile {
            asset_id: "other".to_owned(),
        });
        assert_eq!(
            (duplicate.status, duplicate.code),
            (StatusCode::CONFLICT, "duplicate-file")
        );
        assert_eq!(duplicate.details["asset_id"], "other");
        let same = ApiError::from(IngestError::SameFile);
        assert_eq!(
            (same.status, same.code),
            (StatusCode::CONFLICT, "same-file")
        );
        let video = IngestError::KindMismatch {
            declared: vocweek_domain::AssetKind::Photo,
            actual: vocweek_domain::AssetKind::Video,
        }
        .for_replacement();
        let answer = ApiError::from(video);
        assert_eq!(
            (answer.status, answer.code),
            (StatusCode::UNPROCESSABLE_ENTITY, "different-kind")
        );
        assert_eq!(answer.details["item"], "photo");
        assert!(answer.told_in(Lang::ZhCn).message.contains("同一类型"));
    }

    #[test]
    fn outages_are_503_with_retry_after_and_a_full_disk_is_507() {
        let full = IngestError::Staging(std::io::Error::from_raw_os_error(28));
        let answer = ApiError::from(full);
        assert_eq!(answer.status, StatusCode::INSUFFICIENT_STORAGE);
        assert_eq!(answer.code, "insufficient-storage");

        let store_down = IngestError::Storage(vocweek_storage::StorageError::Remote {
            operation: "put",
            key: "originals/x".to_owned(),
            detail: "connection refused".to_owned(),
        });
        let answer = ApiError::from(store_down);
        assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(answer.headers().contains(&("Retry-After", "10".to_owned())));

        let bug = DbError::Corrupt("a bad row".to_owned());
        assert_eq!(
            ApiError::from(bug).status,
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
