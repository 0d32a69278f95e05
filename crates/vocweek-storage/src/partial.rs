//! The bytes of resumable uploads in progress: one file per upload in a directory beside the
//! store's staging area, so the finished file becomes the stored original by a rename.
//!
//! A file may hold more than the upload's acknowledged offset (a writer that died before it
//! synced and recorded its last bytes): whoever writes next cuts it back to the offset first, so
//! the file is always the acknowledged prefix plus what this writer appends.

use std::path::{Path, PathBuf};

use tokio::io::AsyncSeekExt;

use crate::{StagingFile, StorageError};

#[derive(Debug, Clone)]
pub struct PartialUploads {
    dir: PathBuf,
}

impl PartialUploads {
    pub fn new(dir: &Path) -> Self {
        PartialUploads {
            dir: dir.to_path_buf(),
        }
    }

    /// Upload ids are UUIDs; anything else never reaches the filesystem.
    fn path_of(&self, id: &str) -> Result<PathBuf, StorageError> {
        let well_formed = !id.is_empty()
            && id.len() <= 64
            && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
        if !well_formed {
            return Err(StorageError::InvalidKey(id.to_owned()));
        }
        Ok(self.dir.join(format!("{id}.part")))
    }

    /// Creates the empty file of a new upload.
    pub async fn create(&self, id: &str) -> Result<(), StorageError> {
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| StorageError::io(&self.dir, e))?;
        let path = self.path_of(id)?;
        tokio::fs::File::create(&path)
            .await
            .map_err(|e| StorageError::io(&path, e))?;
        Ok(())
    }

    /// Opens the upload's file for appending at `offset`, cutting off anything past it.
    pub async fn append_at(&self, id: &str, offset: u64) -> Result<tokio::fs::File, StorageError> {
        let path = self.path_of(id)?;
        let io = |e| StorageError::io(&path, e);
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .await
            .map_err(io)?;
        let on_disk = file.metadata().await.map_err(io)?.len();
        if on_disk < offset {
            // The acknowledged bytes are gone (the directory was cleaned by hand): never pretend.
            return Err(StorageError::io(
                &path,
                std::io::Error::other(format!(
                    "the file holds {on_disk} bytes but {offset} were acknowledged"
                )),
            ));
        }
        if on_disk > offset {
            file.set_len(offset).await.map_err(io)?;
        }
        file.seek(std::io::SeekFrom::Start(offset))
            .await
            .map_err(io)?;
        Ok(file)
    }

    /// The bytes the file holds now.
    pub async fn len(&self, id: &str) -> Result<u64, StorageError> {
        let path = self.path_of(id)?;
        match tokio::fs::metadata(&path).await {
            Ok(meta) => Ok(meta.len()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(StorageError::io(&path, e)),
        }
    }

    /// Makes the file durable (before it becomes an original).
    pub async fn sync(&self, id: &str) -> Result<(), StorageError> {
        let path = self.path_of(id)?;
        let file = tokio::fs::File::open(&path)
            .await
            .map_err(|e| StorageError::io(&path, e))?;
        file.sync_all()
            .await
            .map_err(|e| StorageError::io(&path, e))
    }

    /// Cuts the file back to `len` bytes (a chunk whose checksum did not match).
    pub async fn truncate(&self, id: &str, len: u64) -> Result<(), StorageError> {
        let path = self.path_of(id)?;
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .await
            .map_err(|e| StorageError::io(&path, e))?;
        file.set_len(len)
            .await
            .map_err(|e| StorageError::io(&path, e))
    }

    /// Reads up to `len` bytes from the start (to learn the type early).
    pub async fn head(&self, id: &str, len: usize) -> Result<Vec<u8>, StorageError> {
        use tokio::io::AsyncReadExt;
        let path = self.path_of(id)?;
        let file = tokio::fs::File::open(&path)
            .await
            .map_err(|e| StorageError::io(&path, e))?;
        let mut head = Vec::with_capacity(len);
        file.take(len as u64)
            .read_to_end(&mut head)
            .await
            .map_err(|e| StorageError::io(&path, e))?;
        Ok(head)
    }

    /// A second name for the complete file in `staging_dir`, handed to ingest (which moves it
    /// into the store, or drops it for a duplicate). The upload's own file stays until the
    /// outcome is recorded, so a failure on the way loses nothing.
    pub async fn link_for_ingest(
        &self,
        id: &str,
        staging_dir: &Path,
    ) -> Result<StagingFile, StorageError> {
        let source = self.path_of(id)?;
        let staging = StagingFile::new_in(staging_dir);
        if tokio::fs::hard_link(&source, staging.path()).await.is_err() {
            // A filesystem without hard links: a copy does the same, slower.
            tokio::fs::copy(&source, staging.path())
                .await
                .map_err(|e| StorageError::io(&source, e))?;
        }
        Ok(staging)
    }

    /// The uploads that have a file here, with the time each was last written.
    pub async fn listed(&self) -> Result<Vec<(String, std::time::SystemTime)>, StorageError> {
        let mut entries = match tokio::fs::read_dir(&self.dir).await {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(StorageError::io(&self.dir, e)),
        };
        let mut listed = Vec::new();
        while let Some(entry) = entries
            .next_entry()
            .await
            .map_err(|e| StorageError::io(&self.dir, e))?
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(id) = name.strip_suffix(".part") else {
                continue;
            };
            let modified = entry
                .metadata()
                .await
                .and_then(|meta| meta.modified())
                .unwrap_or_else(|_| std::time::SystemTime::now());
            listed.push((id.to_owned(), modified));
        }
        Ok(listed)
    }

    /// Removes the file; one that is already gone is fine.
    pub async fn remove(&self, id: &str) -> Result<(), StorageError> {
        let path = self.path_of(id)?;
        match tokio::fs::remove_file(&path).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StorageError::io(&path, e)),
            _ => Ok(()),
        }
    }
}
