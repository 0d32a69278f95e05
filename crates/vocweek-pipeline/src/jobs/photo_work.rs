//! The photo part of processing: renditions, facts and the perceptual hash, computed on a
//! blocking thread (at most `photo_concurrency` at once) and written to the store.

use std::path::PathBuf;

use serde_json::{Value, json};
use vocweek_db::renditions::NewRendition;
use vocweek_media::photo::{Encoded, PhotoOutput, process_photo};
use vocweek_storage::{StagingFile, rendition_key};

use super::{JobContext, JobError};

/// A rendition stored under its key, to be recorded in the job's transaction.
pub struct StoredRendition {
    pub name: &'static str,
    pub key: String,
    pub mime: &'static str,
    pub size: i64,
    pub width: u32,
    pub height: u32,
}

impl StoredRendition {
    pub fn as_new<'a>(&'a self, asset_id: &'a str) -> NewRendition<'a> {
        NewRendition {
            asset_id,
            name: self.name,
            storage_key: &self.key,
            mime: self.mime,
            size: self.size,
            width: i32::try_from(self.width).ok(),
            height: i32::try_from(self.height).ok(),
        }
    }
}

/// What photo processing produced.
pub struct PhotoDone {
    pub facts: Value,
    pub captured_at: Option<chrono::DateTime<chrono::Utc>>,
    pub perceptual_hash: u64,
    pub renditions: Vec<StoredRendition>,
}

pub async fn process(
    ctx: &JobContext,
    asset_id: &str,
    path: PathBuf,
) -> Result<PhotoDone, JobError> {
    let output = decode_and_render(ctx, path).await?;
    let mut renditions = Vec::new();
    for (name, encoded) in [("thumb", &output.thumb), ("preview", &output.preview)] {
        renditions.push(store(ctx, asset_id, name, encoded).await?);
    }
    let captured_at = output
        .facts
        .captured_at
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&chrono::Utc));
    Ok(PhotoDone {
        facts: json!(output.facts),
        captured_at,
        perceptual_hash: output.perceptual_hash,
        renditions,
    })
}

async fn decode_and_render(ctx: &JobContext, path: PathBuf) -> Result<PhotoOutput, JobError> {
    let _permit = ctx
        .media
        .photo_permits
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| JobError::Transient("the photo pool is closed".to_owned()))?;
    let settings = ctx.media.photo.clone();
    let work = tokio::task::spawn_blocking(move || process_photo(&path, &settings));
    tokio::time::timeout(ctx.media_timeout, work)
        .await
        .map_err(|_| JobError::Transient("photo processing timed out".to_owned()))?
        .map_err(|e| super::blocking_failure(e, "photo"))?
        .map_err(|e| {
            if e.code() == "internal" {
                JobError::Transient(e.to_string())
            } else {
                JobError::Permanent {
                    code: e.code().to_owned(),
                    reason: e.to_string(),
                }
            }
        })
}

async fn store(
    ctx: &JobContext,
    asset_id: &str,
    name: &'static str,
    encoded: &Encoded,
) -> Result<StoredRendition, JobError> {
    let key = rendition_key(asset_id, &format!("{name}.{}", encoded.extension))?;
    let staged = StagingFile::new_in(ctx.store.staging_dir());
    tokio::fs::write(staged.path(), &encoded.bytes)
        .await
        .map_err(|e| JobError::Transient(format!("writing the {name} rendition: {e}")))?;
    ctx.store.put_file(&key, staged).await?;
    Ok(StoredRendition {
        name,
        key,
        mime: encoded.mime,
        size: i64::try_from(encoded.bytes.len()).unwrap_or(i64::MAX),
        width: encoded.width,
        height: encoded.height,
    })
}
