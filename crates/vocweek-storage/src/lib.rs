//! Where blobs live. Only this crate touches originals and renditions on disk (and, later, S3).
//!
//! Originals are content-addressed (`originals/ab/cd/<blake3>`) and never change once stored;
//! renditions are keyed by asset id and rendition name, so a rerun of a job overwrites its own
//! keys and nothing else.

mod error;
mod fs_store;
mod keys;
mod partial;
mod staging;

use std::path::{Path, PathBuf};

pub use error::StorageError;
pub use fs_store::FsStore;
pub use keys::{original_key, rendition_key};
pub use partial::PartialUploads;
pub use staging::StagingFile;

/// A blob store backend.
#[async_trait::async_trait]
pub trait BlobStore: Send + Sync + std::fmt::Debug {
    /// Stores a finished staging file under `key`. Storing the same content-addressed key twice
    /// (two concurrent uploads of the same bytes) leaves exactly one blob.
    async fn put_file(&self, key: &str, staged: StagingFile) -> Result<(), StorageError>;

    async fn exists(&self, key: &str) -> Result<bool, StorageError>;

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

    /// The directory where uploads are staged: on the same filesystem as the store when it is
    /// local, so storing a staged file is a rename, not a copy.
    fn staging_dir(&self) -> &Path;
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
