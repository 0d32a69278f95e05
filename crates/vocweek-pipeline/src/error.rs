use vocweek_domain::{AssetKind, DomainError};
use vocweek_media::MediaError;

/// The failure codes the worker gives by itself (beside the media codes and the media
/// child's verdicts): a job that could not run, or ran out of attempts.
pub const WORKER_FAILURE_CODES: [&str; 5] = [
    "worker-lost",
    "job-kind-unknown",
    "processing-failed",
    "job-invalid",
    "asset-invalid",
];

/// Why an upload was refused. Each variant has a stable code; the API picks the status.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The request itself is wrong (missing title, malformed form, no file part…).
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("the {kind} is larger than the {limit}-byte limit for {kind}s")]
    TooLarge { kind: &'static str, limit: u64 },
    #[error("{0}")]
    Media(#[from] MediaError),
    #[error("the form says '{declared}' but the file is a {actual}")]
    KindMismatch {
        declared: AssetKind,
        actual: AssetKind,
    },
    #[error("{0}")]
    Tags(DomainError),
    /// A replacement file of another kind than the item (a video for a photo item).
    #[error("the asset is a {item}: replace its file with another {item}, not a {actual}")]
    DifferentKind { item: AssetKind, actual: AssetKind },
    /// A replacement file with the very bytes the item has now.
    #[error("the new file is the same as the asset's current file")]
    SameFile,
    /// A replacement file whose bytes are already stored as another asset: one file, one item.
    #[error("these bytes are already stored as asset {asset_id}")]
    DuplicateFile { asset_id: String },
    #[error("storage failed: {0}")]
    Storage(#[from] vocweek_storage::StorageError),
    #[error("database failed: {0}")]
    Database(#[from] vocweek_db::DbError),
    #[error("staging the upload failed: {0}")]
    Staging(#[from] std::io::Error),
}

impl IngestError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        IngestError::BadRequest {
            code,
            message: message.into(),
        }
    }

    /// The same refusal for a replacement of an item's file: the kind the writer was told is the
    /// item's, so a contradiction is a file of another kind than the item, not a wrong form.
    pub fn for_replacement(self) -> Self {
        match self {
            IngestError::KindMismatch { declared, actual } => IngestError::DifferentKind {
                item: declared,
                actual,
            },
            other => other,
        }
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            IngestError::BadRequest { code, .. } => code,
            IngestError::TooLarge { .. } => "payload-too-large",
            IngestError::Media(MediaError::Empty) => "empty-file",
            IngestError::Media(_) => "unsupported-media-type",
            IngestError::KindMismatch { .. } => "kind-mismatch",
            IngestError::Tags(DomainError::UnknownValue { .. }) => "unknown-tag",
            IngestError::Tags(_) => "invalid-tags",
            IngestError::DifferentKind { .. } => "different-kind",
            IngestError::SameFile => "same-file",
            IngestError::DuplicateFile { .. } => "duplicate-file",
            IngestError::Staging(err) if vocweek_storage::is_full(err) => "insufficient-storage",
            IngestError::Storage(err) if err.is_full() => "insufficient-storage",
            IngestError::Storage(err) if err.is_unavailable() => "storage-unavailable",
            IngestError::Database(err) if err.is_unavailable() => "database-unavailable",
            IngestError::Database(err) if err.is_invalid_text() => "invalid-text",
            IngestError::Storage(_) | IngestError::Database(_) | IngestError::Staging(_) => {
                "internal"
            }
        }
    }

    /// Structured details for the error body.
    pub fn details(&self) -> serde_json::Value {
        match self {
            IngestError::TooLarge { kind, limit } => {
                serde_json::json!({ "kind": kind, "limit_bytes": limit })
            }
            IngestError::Media(err) => serde_json::json!({ "reason": err.code() }),
            IngestError::KindMismatch { declared, actual } => {
                serde_json::json!({ "declared": declared, "actual": actual })
            }
            IngestError::Tags(err) => err.details(),
            IngestError::DifferentKind { item, actual } => {
                serde_json::json!({ "item": item, "actual": actual })
            }
            IngestError::DuplicateFile { asset_id } => serde_json::json!({ "asset_id": asset_id }),
            _ if self.retry_after_seconds().is_some() => {
                serde_json::json!({ "retry_after_seconds": self.retry_after_seconds() })
            }
            _ => serde_json::Value::Null,
        }
    }

    /// For an outage of the database or the object store: when to try again. Nothing of the
    /// upload was kept, so sending it again is safe.
    pub fn retry_after_seconds(&self) -> Option<u64> {
        match self.code() {
            "database-unavailable" => Some(5),
            "storage-unavailable" => Some(10),
            _ => None,
        }
    }

    /// Whether the failure is around the upload, not in it (the database, the disk, the
    /// store — down, full or broken): the bytes are fine and a later attempt may succeed.
    pub fn is_ours(&self) -> bool {
        match self {
            // Text the database cannot store is the request's fault, not an outage.
            IngestError::Database(err) => !err.is_invalid_text(),
            IngestError::Storage(_) | IngestError::Staging(_) => true,
            _ => false,
        }
    }

    /// Whether the failure is ours (logged as an error, answered 500 without internals).
    pub fn is_internal(&self) -> bool {
        self.code() == "internal"
    }
}
