//! The photo part of processing: renditions, facts and the perceptual hash, computed on a
//! blocking thread (at most `photo_concurrency` at once) and written to the store.

use std::path::PathBuf;

use serde_json::{Value, json};
use vocweek_media::photo::{PhotoOutput, process_photo};

use super::rendition_store::{RenditionBytes, StoredRendition, store};
use super::{JobContext, JobError};

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
        let file = format!("{name}.{}", encoded.extension);
        let bytes = RenditionBytes {
            name,
            file: &file,
            mime: encoded.mime,
            bytes: &encoded.bytes,
            dimensions: Some((encoded.width, encoded.height)),
        };
        renditions.push(store(ctx, asset_id, bytes).await?);
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
