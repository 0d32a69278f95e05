//! Where blobs live. Only this crate touches originals and renditions, on disk or in an
//! S3-compatible object store.
//!
//! Originals are content-addressed (`originals/ab/cd/<blake3>`) and never change once stored;
//! renditions are keyed by asset id and rendition name, so a rerun of a job overwrites its own
//! keys and nothing else.

mod error;
mod fs_store;
mod keys;
mod partial;
mod s3_multipart;
mod s3_settings;
mod s3_store;
mod staging;
pub mod staging_owner;
mod storage_config;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use error::{StorageError, is_full};
pub use fs_store::FsStore;
pub use keys::{asset_prefix, original_key, rendition_key};
pub use partial::PartialUploads;
pub use s3_settings::S3Settings;
pub use s3_store::S3Store;
pub use staging::StagingFile;
pub use storage_config::{S3Config, StorageConfig};

/// A blob store backend.
#[async_trait::async_trait]
pub trait BlobStore: Send + Sync + std::fmt::Debug {
    /// Stores a finished staging file under `key`. Storing the same content-addressed key twice
    /// (two concurrent uploads of the same bytes) leaves exactly one blob.
    async fn put_file(&self, key: &str, staged: StagingFile) -> Result<(), StorageError>;

    async fn exists(&self, key: &str) -> Result<bool, StorageError>;

    /// The blob's size, or `None` when there is no such blob.
    async fn size(&self, key: &str) -> Result<Option<u64>, StorageError>;

    /// Every blob whose key starts with `prefix` (`""` for all), in no particular order.
    async fn list(&self, prefix: &str) -> Result<Vec<BlobEntry>, StorageError>;

    /// A local file holding the blob, for media code that needs a path. The filesystem store
    /// hands out the stored file itself; a remote store downloads to a temporary file.
    async fn local_copy(&self, key: &str) -> Result<LocalBlob, StorageError>;

    async fn delete(&self, key: &str) -> Result<(), StorageError>;

    /// Deletes every blob whose key starts with `prefix/` (an asset's renditions, HLS segments
    /// included). Nothing there is not an error.
    async fn delete_prefix(&self, prefix: &str) -> Result<(), StorageError>;

    /// Opens a blob for streaming out, with its size.
    async fn open(&self, key: &str) -> Result<(BlobReader, u64), StorageError>;

    /// Opens `len` bytes of a blob from `start` (an HTTP range; the caller knows the size).
    async fn open_range(&self, key: &str, start: u64, len: u64)
    -> Result<BlobReader, StorageError>;

    /// The blob as an open local file when the store keeps blobs on this machine's disk, so a
    /// server can hand it to the kernel (sendfile(2)) instead of copying it through memory;
    /// `None` from a remote store.
    async fn open_local(&self, _key: &str) -> Result<Option<std::fs::File>, StorageError> {
        Ok(None)
    }

    /// A URL that lets anyone holding it read the blob directly from the store until it
    /// expires (an S3 presigned GET), answering with the given headers; `None` when the store
    /// cannot hand out such URLs (the filesystem store).
    async fn presigned_get(
        &self,
        _key: &str,
        _expires_in: Duration,
        _headers: &PresignedHeaders,
    ) -> Result<Option<String>, StorageError> {
        Ok(None)
    }

    /// Multipart uploads begun and never completed nor aborted (S3; a killed process leaves
    /// them): `(key, upload id)`. Their parts take space until aborted.
    async fn incomplete_uploads(&self) -> Result<Vec<(String, String)>, StorageError> {
        Ok(Vec::new())
    }

    /// Aborts one of `incomplete_uploads`.
    async fn abort_upload(&self, _key: &str, _upload_id: &str) -> Result<(), StorageError> {
        Ok(())
    }

    /// Where the blobs are, for logs and command output (`files at …`, `s3://bucket/prefix`).
    fn describe(&self) -> String;

    /// The directory where uploads are staged: on the same filesystem as the store when it is
    /// local, so storing a staged file is a rename, not a copy.
    fn staging_dir(&self) -> &Path;
}

/// One blob of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobEntry {
    pub key: String,
    pub size: u64,
}

/// Response headers a presigned URL makes the store answer with.
#[derive(Debug, Clone, Default)]
pub struct PresignedHeaders {
    pub content_type: Option<String>,
    pub content_disposition: Option<String>,
}

/// A blob being read.
pub type BlobReader = std::pin::Pin<Box<dyn tokio::io::AsyncRead + Send>>;

/// A blob available as a local file for as long as this value lives.
#[derive(Debug)]
pub enum LocalBlob {
    /// The stored file itself (filesystem store): read it, never write it.
    Stored(PathBuf),
    /// A temporary download, removed on drop.
    Temporary(StagingFile),
}

impl LocalBlob {
    pub fn path(&self) -> &Path {
        match self {
            LocalBlob::Stored(path) => path,
            LocalBlob::Temporary(file) => file.path(),
        }
    }
}
