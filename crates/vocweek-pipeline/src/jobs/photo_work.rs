//! The photo part of processing: renditions, facts and the perceptual hash, made by a photo
//! child admitted against the decode budget, and written to the store.

use std::path::Path;

use serde_json::Value;
use vocweek_db::jobs::Job;
use vocweek_sandbox::{Done, Work};

use super::media_child::{self, ChildOutcome, Scratch};
use super::rendition_store::{StoredRendition, store_files};
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
    job: &Job,
    asset_id: &str,
    input: &Path,
) -> Result<PhotoDone, JobError> {
    let work = Work::Photo {
        settings: ctx.media.photo.clone(),
    };
    let scratch = Scratch::new(media_child::scratch_parent(ctx, &work))?;
    let outcome = media_child::run(ctx, job, asset_id, input, &scratch, work).await?;
    let ChildOutcome::Done(Done::Photo {
        facts,
        captured_at,
        perceptual_hash,
        files,
    }) = outcome
    else {
        return Err(super::wrong_answer("photo"));
    };
    let renditions = store_files(ctx, asset_id, &scratch, &files).await?;
    let captured_at = captured_at
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&chrono::Utc));
    Ok(PhotoDone {
        facts,
        captured_at,
        perceptual_hash,
        renditions,
    })
}
