//! A document written to a staging file (next to the store, so storing it is a rename) and
//! hashed, ready to be stored at its BLAKE3 address (a case's original) or sent (a brief).

use std::io::{Seek, SeekFrom};
use std::path::Path;

use vocweek_storage::StagingFile;

use super::{WordDocument, WordError};

/// A written `.docx` in staging: removed on drop unless stored.
#[derive(Debug)]
pub struct WrittenDocx {
    pub staging: StagingFile,
    pub blake3: String,
    pub size: u64,
}

/// Writes `document` into a new staging file in `dir` and hashes it, off the runtime.
pub async fn write_staged(document: WordDocument, dir: &Path) -> Result<WrittenDocx, WordError> {
    let staging = StagingFile::new_in(dir);
    // Created here, not on the blocking pool: if this future is dropped, `staging` removes the
    // path and the pool writes into an unlinked file instead of leaving an orphan behind.
    // Read back once written, to hash it: opened for both.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(staging.path())?;
    let (blake3, size) = tokio::task::spawn_blocking(move || -> Result<_, WordError> {
        let mut file = document.write(file)?;
        file.sync_all()?;
        let size = file.metadata()?.len();
        file.seek(SeekFrom::Start(0))?;
        let mut hasher = blake3::Hasher::new();
        std::io::copy(&mut file, &mut hasher)?;
        Ok((hasher.finalize().to_hex().to_string(), size))
    })
    .await
    .map_err(|err| WordError::Io(std::io::Error::other(err.to_string())))??;
    Ok(WrittenDocx {
        staging,
        blake3,
        size,
    })
}
