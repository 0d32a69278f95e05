//! A file a media child made that becomes an item's original (a replay's MP4 download, a
//! clip): hashed off the runtime's threads (hours of stream are gigabytes), then put in the
//! store under its BLAKE3 — linked when the scratch file must stay for the renditions, moved
//! otherwise.

use std::path::Path;

use vocweek_storage::{StagingFile, original_key};

use super::{JobContext, JobError};

/// Whether the scratch file stays where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Hard-linked into the store: the file is also stored as something else afterwards.
    Linked,
    /// Moved into the store.
    Moved,
}

/// Stores `file` as an original; answers its BLAKE3 and size.
pub async fn store_original(
    ctx: &JobContext,
    file: &Path,
    keep: Keep,
) -> Result<(String, u64), JobError> {
    let failed = |what: &'static str| {
        let name = file.display().to_string();
        move |e: std::io::Error| JobError::Transient(format!("{what} {name}: {e}"))
    };
    let hashing = file.to_path_buf();
    let blake3 = tokio::task::spawn_blocking(move || crate::staged_file::hash_file(&hashing))
        .await
        .map_err(|e| JobError::Transient(format!("hashing {}: {e}", file.display())))?
        .map_err(failed("hashing"))?;
    let size = std::fs::metadata(file)
        .map(|m| m.len())
        .map_err(failed("reading"))?;
    let staged = StagingFile::new_in(ctx.store.staging_dir());
    match keep {
        Keep::Linked => std::fs::hard_link(file, staged.path()).map_err(failed("linking"))?,
        Keep::Moved => std::fs::rename(file, staged.path()).map_err(failed("moving"))?,
    }
    ctx.store.put_file(&original_key(&blake3)?, staged).await?;
    Ok((blake3, size))
}
