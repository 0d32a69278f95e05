//! Opening the bytes a `MediaBody::Blob` answer promises, for both front ends. The answer's
//! ranges and `Content-Length` were worked out from a size looked up earlier (the database, or
//! `/media`'s few seconds of memory); a local file whose size no longer matches (a rendition
//! rewritten by a rerun) is answered 503 and forgotten, never sent short or long under a 200.

use actix_web::http::StatusCode;
use vocweek_storage::BlobReader;

use super::media::forget;
use crate::ranged::storage_error;
use crate::{ApiError, AppState};

/// Where the bytes come from.
pub enum BlobSource {
    /// A file of the filesystem store, whole: the range is read from it (or sent by sendfile).
    Local(std::fs::File),
    /// The range, streamed from a remote store (S3).
    Remote(BlobReader),
}

pub async fn open_blob(
    state: &AppState,
    key: &str,
    (start, len, size): (u64, u64, u64),
) -> Result<BlobSource, ApiError> {
    match state.store.open_local(key).await.map_err(storage_error)? {
        Some(file) => {
            let actual = file.metadata().map_err(|e| ApiError::internal(&e))?.len();
            if actual != size {
                forget(state, key);
                return Err(ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "file-changed",
                    "the file changed while it was being served; retry in a moment",
                )
                .with_details(serde_json::json!({ "retry_after_seconds": 1 })));
            }
            Ok(BlobSource::Local(file))
        }
        None => Ok(BlobSource::Remote(
            state
                .store
                .open_range(key, start, len)
                .await
                .map_err(storage_error)?,
        )),
    }
}
