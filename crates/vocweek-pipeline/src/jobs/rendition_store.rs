//! Writing a rendition's bytes to the store under its key, for recording in the job's commit.

use vocweek_db::renditions::NewRendition;
use vocweek_storage::{StagingFile, rendition_key};

use super::{JobContext, JobError};

/// A rendition stored under its key, to be recorded in the job's transaction.
pub struct StoredRendition {
    pub name: &'static str,
    pub key: String,
    pub mime: &'static str,
    pub size: i64,
    /// Pixel size, for pictures.
    pub dimensions: Option<(u32, u32)>,
}

impl StoredRendition {
    pub fn as_new<'a>(&'a self, asset_id: &'a str) -> NewRendition<'a> {
        NewRendition {
            asset_id,
            name: self.name,
            storage_key: &self.key,
            mime: self.mime,
            size: self.size,
            width: self.dimensions.and_then(|(w, _)| i32::try_from(w).ok()),
            height: self.dimensions.and_then(|(_, h)| i32::try_from(h).ok()),
        }
    }
}

/// What to store: the rendition's name, its file name under the asset, its type and bytes.
pub struct RenditionBytes<'a> {
    pub name: &'static str,
    pub file: &'a str,
    pub mime: &'static str,
    pub bytes: &'a [u8],
    pub dimensions: Option<(u32, u32)>,
}

/// Stores the bytes at `renditions/<asset>/<file>` (a rerun overwrites the same key).
pub async fn store(
    ctx: &JobContext,
    asset_id: &str,
    rendition: RenditionBytes<'_>,
) -> Result<StoredRendition, JobError> {
    let key = rendition_key(asset_id, rendition.file)?;
    let staged = StagingFile::new_in(ctx.store.staging_dir());
    tokio::fs::write(staged.path(), rendition.bytes)
        .await
        .map_err(|e| {
            JobError::Transient(format!("writing the {} rendition: {e}", rendition.name))
        })?;
    ctx.store.put_file(&key, staged).await?;
    Ok(StoredRendition {
        name: rendition.name,
        key,
        mime: rendition.mime,
        size: i64::try_from(rendition.bytes.len()).unwrap_or(i64::MAX),
        dimensions: rendition.dimensions,
    })
}
