/// A storage failure; `NotFound` is told apart because callers handle it differently.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("blob {0} not found")]
    NotFound(String),
    #[error("invalid storage key {0}")]
    InvalidKey(String),
    #[error("storage I/O failed on {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The object store answered with an error (after the client's own retries) or could not
    /// be reached; `detail` carries the whole error chain, which the SDK's Display hides.
    #[error("object store {operation} of {key} failed: {detail}")]
    Remote {
        operation: &'static str,
        key: String,
        detail: String,
    },
    #[error("invalid storage configuration: {0}")]
    Config(String),
}

impl StorageError {
    /// The disk (staging or the filesystem store) is full or over quota.
    pub fn is_full(&self) -> bool {
        matches!(self, StorageError::Io { source, .. } if is_full(source))
    }

    /// The object store could not be reached or failed after its retries.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StorageError::Remote { .. })
    }

    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        StorageError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

/// ENOSPC or EDQUOT.
pub fn is_full(err: &std::io::Error) -> bool {
    matches!(
        err.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    )
}
