use std::path::{Path, PathBuf};

/// A temporary file that is removed when dropped, unless it was handed to a store.
///
/// Every upload streams into one of these, so a dropped connection, a refused type or a size
/// limit leaves nothing behind however the request ends.
#[derive(Debug)]
pub struct StagingFile {
    path: PathBuf,
    armed: bool,
}

impl StagingFile {
    /// A fresh, unique path in `dir` (the file itself is created by the writer).
    pub fn new_in(dir: &Path) -> Self {
        StagingFile {
            path: dir.join(crate::staging_owner::entry_name("upload", ".part")),
            armed: true,
        }
    }

    /// Takes ownership of an existing file (a finished resumable upload): removed on drop
    /// unless it is stored.
    pub fn adopt(path: PathBuf) -> Self {
        StagingFile { path, armed: true }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Gives up ownership of the file: it will not be removed on drop.
    pub(crate) fn disarm(mut self) -> PathBuf {
        self.armed = false;
        std::mem::take(&mut self.path)
    }
}

impl Drop for StagingFile {
    fn drop(&mut self) {
        if self.armed {
            // Removing a file that was never created is fine; nothing else can be done in drop.
            let _ = std::fs::remove_file(&self.path);
        }
    }
}
