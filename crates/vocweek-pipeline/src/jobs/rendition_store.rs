//! Moving the files a media child wrote into the store under the asset's rendition keys, for
//! recording in the job's commit.

use std::path::{Component, Path};

use vocweek_db::renditions::NewRendition;
use vocweek_sandbox::OutputFile;
use vocweek_storage::{StagingFile, rendition_key};

use super::media_child::Scratch;
use super::{JobContext, JobError};

/// A rendition stored under its key, to be recorded in the job's transaction.
pub struct StoredRendition {
    pub name: String,
    pub key: String,
    pub mime: String,
    pub size: i64,
    /// Pixel size, for pictures.
    pub dimensions: Option<(u32, u32)>,
}

impl StoredRendition {
    pub fn as_new<'a>(&'a self, asset_id: &'a str) -> NewRendition<'a> {
        NewRendition {
            asset_id,
            name: &self.name,
            storage_key: &self.key,
            mime: &self.mime,
            size: self.size,
            width: self.dimensions.and_then(|(w, _)| i32::try_from(w).ok()),
            height: self.dimensions.and_then(|(_, h)| i32::try_from(h).ok()),
        }
    }
}

/// Stores every file at `renditions/<asset>/<key>` (a rerun overwrites the same keys) and
/// returns those to record as named renditions.
pub async fn store_files(
    ctx: &JobContext,
    asset_id: &str,
    scratch: &Scratch,
    files: &[OutputFile],
) -> Result<Vec<StoredRendition>, JobError> {
    let mut renditions = Vec::new();
    for file in files {
        let key = rendition_key(asset_id, &file.key)?;
        let size = move_into_store(ctx, &scratch_file(scratch, &file.file)?, &key).await?;
        if let Some(name) = &file.rendition {
            renditions.push(StoredRendition {
                name: name.clone(),
                key,
                mime: file.mime.clone(),
                size,
                dimensions: file.width.zip(file.height),
            });
        }
    }
    Ok(renditions)
}

/// A file the child named, which must be a plain name inside its scratch directory: the
/// child's answer is as untrusted as the file it read.
pub fn scratch_file(scratch: &Scratch, name: &str) -> Result<std::path::PathBuf, JobError> {
    let mut components = Path::new(name).components();
    match (components.next(), components.next()) {
        (Some(Component::Normal(_)), None) => Ok(scratch.file(name)),
        _ => Err(JobError::Permanent {
            code: "media-process-crashed".to_owned(),
            reason: format!("the media process named an output outside its directory: {name:?}"),
        }),
    }
}

async fn move_into_store(ctx: &JobContext, file: &Path, key: &str) -> Result<i64, JobError> {
    let staged = StagingFile::new_in(ctx.store.staging_dir());
    let size = tokio::fs::metadata(file)
        .await
        .map_err(|e| JobError::Transient(format!("{}: {e}", file.display())))?
        .len();
    tokio::fs::rename(file, staged.path())
        .await
        .map_err(|e| JobError::Transient(format!("moving {}: {e}", file.display())))?;
    ctx.store.put_file(key, staged).await?;
    Ok(i64::try_from(size).unwrap_or(i64::MAX))
}
