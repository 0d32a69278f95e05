use std::path::{Path, PathBuf};

use crate::keys::checked;
use crate::{BlobEntry, BlobReader, BlobStore, LocalBlob, StagingFile, StorageError};

/// Blobs as files under one root directory (the embedded default).
#[derive(Debug, Clone)]
pub struct FsStore {
    root: PathBuf,
    staging: PathBuf,
}

impl FsStore {
    /// Opens (and creates) a store at `root`, with its staging directory inside it so that
    /// storing an upload is an atomic rename on the same filesystem.
    pub fn open(root: &Path) -> Result<Self, StorageError> {
        let staging = root.join("staging");
        std::fs::create_dir_all(&staging).map_err(|e| StorageError::io(&staging, e))?;
        Ok(FsStore {
            root: root.to_path_buf(),
            staging,
        })
    }

    fn path_of(&self, key: &str) -> Result<PathBuf, StorageError> {
        Ok(self.root.join(checked(key)?))
    }
}

/// Every regular file under `dir`, as keys relative to `root`; the staging area is not part of
/// the store.
fn walk(root: &Path, dir: &Path, staging: &Path, out: &mut Vec<BlobEntry>) -> std::io::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            if path != staging {
                walk(root, &path, staging, out)?;
            }
        } else if kind.is_file()
            && let Ok(relative) = path.strip_prefix(root)
        {
            let key = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push(BlobEntry {
                key,
                size: entry.metadata()?.len(),
            });
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl BlobStore for FsStore {
    async fn put_file(&self, key: &str, staged: StagingFile) -> Result<(), StorageError> {
        let target = self.path_of(key)?;
        if let Some(parent) = target.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(|e| StorageError::io(parent, e))?;
        }
        let source = staged.disarm();
        // rename() replaces atomically: a concurrent upload of the same bytes writes the same
        // content to the same key, and readers never see a half-written file.
        if let Err(e) = tokio::fs::rename(&source, &target).await {
            let _ = tokio::fs::remove_file(&source).await;
            return Err(StorageError::io(&target, e));
        }
        Ok(())
    }

    async fn exists(&self, key: &str) -> Result<bool, StorageError> {
        let path = self.path_of(key)?;
        tokio::fs::try_exists(&path)
            .await
            .map_err(|e| StorageError::io(&path, e))
    }

    async fn size(&self, key: &str) -> Result<Option<u64>, StorageError> {
        let path = self.path_of(key)?;
        match tokio::fs::metadata(&path).await {
            Ok(meta) if meta.is_file() => Ok(Some(meta.len())),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StorageError::io(&path, e)),
        }
    }

    async fn list(&self, prefix: &str) -> Result<Vec<BlobEntry>, StorageError> {
        // Walk only the directory the prefix names (or its parent when it ends mid-name), then
        // keep the keys that really start with it.
        let directory = match prefix.rsplit_once('/') {
            Some((dir, _)) => self.path_of(dir)?,
            None => self.root.clone(),
        };
        let (root, staging) = (self.root.clone(), self.staging.clone());
        let mut entries = tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            walk(&root, &directory, &staging, &mut out).map(|()| out)
        })
        .await
        .map_err(|e| StorageError::io(&self.root, std::io::Error::other(e)))?
        .map_err(|e| StorageError::io(&self.root, e))?;
        entries.retain(|entry| entry.key.starts_with(prefix));
        Ok(entries)
    }

    async fn local_copy(&self, key: &str) -> Result<LocalBlob, StorageError> {
        let path = self.path_of(key)?;
        match tokio::fs::metadata(&path).await {
            Ok(_) => Ok(LocalBlob::Stored(path)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(StorageError::NotFound(key.to_owned()))
            }
            Err(e) => Err(StorageError::io(&path, e)),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), StorageError> {
        let path = self.path_of(key)?;
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StorageError::io(&path, e)),
        }
    }

    async fn delete_prefix(&self, prefix: &str) -> Result<(), StorageError> {
        let path = self.path_of(prefix.trim_end_matches('/'))?;
        match tokio::fs::remove_dir_all(&path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StorageError::io(&path, e)),
        }
    }

    async fn open(&self, key: &str) -> Result<(BlobReader, u64), StorageError> {
        let path = self.path_of(key)?;
        let file = match tokio::fs::File::open(&path).await {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StorageError::NotFound(key.to_owned()));
            }
            Err(e) => return Err(StorageError::io(&path, e)),
        };
        let size = file
            .metadata()
            .await
            .map_err(|e| StorageError::io(&path, e))?
            .len();
        Ok((Box::pin(file), size))
    }

    async fn open_range(
        &self,
        key: &str,
        start: u64,
        len: u64,
    ) -> Result<BlobReader, StorageError> {
        use tokio::io::{AsyncReadExt, AsyncSeekExt};
        let path = self.path_of(key)?;
        let mut file = match tokio::fs::File::open(&path).await {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StorageError::NotFound(key.to_owned()));
            }
            Err(e) => return Err(StorageError::io(&path, e)),
        };
        file.seek(std::io::SeekFrom::Start(start))
            .await
            .map_err(|e| StorageError::io(&path, e))?;
        Ok(Box::pin(file.take(len)))
    }

    async fn open_local(&self, key: &str) -> Result<Option<std::fs::File>, StorageError> {
        let path = self.path_of(key)?;
        match tokio::fs::File::open(&path).await {
            Ok(file) => Ok(Some(file.into_std().await)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(StorageError::NotFound(key.to_owned()))
            }
            Err(e) => Err(StorageError::io(&path, e)),
        }
    }

    fn describe(&self) -> String {
        format!("files at {}", self.root.display())
    }

    fn staging_dir(&self) -> &Path {
        &self.staging
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn put_is_a_rename_and_twice_leaves_one_blob() {
        let dir = std::env::temp_dir().join(format!("vocweek-fs-{}", uuid::Uuid::now_v7()));
        let store = FsStore::open(&dir).unwrap();
        for _ in 0..2 {
            let staged = StagingFile::new_in(store.staging_dir());
            std::fs::write(staged.path(), b"same bytes").unwrap();
            store.put_file("originals/aa/bb/x", staged).await.unwrap();
        }
        assert!(store.exists("originals/aa/bb/x").await.unwrap());
        assert_eq!(std::fs::read_dir(store.staging_dir()).unwrap().count(), 0);
        let local = store.local_copy("originals/aa/bb/x").await.unwrap();
        assert_eq!(std::fs::read(local.path()).unwrap(), b"same bytes");
        assert!(matches!(
            store.local_copy("originals/aa/bb/none").await,
            Err(StorageError::NotFound(_))
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_dropped_staging_file_is_removed() {
        let dir = std::env::temp_dir();
        let staged = StagingFile::new_in(&dir);
        std::fs::write(staged.path(), b"partial").unwrap();
        let path = staged.path().to_path_buf();
        drop(staged);
        assert!(!path.exists());
    }
}
