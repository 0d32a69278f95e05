//! The blob store that `[storage]` describes (vocweek-storage's `StorageConfig`): files under a
//! directory (the embedded default) or an S3-compatible bucket.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use vocweek_storage::{BlobStore, FsStore, S3Store, StorageConfig};

/// Opens the configured store; an S3 bucket is checked to answer before anything else runs.
pub async fn open_store(
    storage: &StorageConfig,
    data_dir: &Path,
) -> anyhow::Result<Arc<dyn BlobStore>> {
    if storage.backend == "s3" {
        let store = S3Store::connect(storage.s3_settings(data_dir))
            .await
            .with_context(|| format!("cannot open the S3 bucket {:?}", storage.s3.bucket))?;
        return Ok(Arc::new(store));
    }
    let path = storage.blob_path(data_dir);
    let store = FsStore::open(&path)
        .with_context(|| format!("cannot open the blob store {}", path.display()))?;
    Ok(Arc::new(store))
}
