//! The video part of processing: a video child (at most `video.concurrency` at once) probes
//! and transcodes while `media_child` records its progress, kills it when the asset is
//! deleted or its time limit passes; then the playlists, segments, download, poster and
//! thumbnail move into the store. A video long enough to chunk comes back as its plan,
//! nothing transcoded.

use std::path::Path;

use serde_json::Value;
use vocweek_db::jobs::Job;
use vocweek_media::video::ChunkPlan;
use vocweek_sandbox::{Done, Work};
use vocweek_storage::rendition_key;

use super::media_child::{self, ChildOutcome, Scratch};
use super::rendition_store::{StoredRendition, store_files};
use super::{JobContext, JobError};

pub struct VideoDone {
    pub facts: Value,
    pub renditions: Vec<StoredRendition>,
}

pub enum VideoOutcome {
    Done(VideoDone),
    /// Long enough to transcode in chunks, as separate jobs: the child planned them and made
    /// nothing.
    Split(ChunkPlan),
    /// The asset was deleted while it was being transcoded: nothing to keep.
    AssetGone,
}

/// A place among the video children of this process (`video.concurrency`): each keeps every
/// core busy, and holds a video child's memory.
pub async fn video_permit(ctx: &JobContext) -> Result<tokio::sync::OwnedSemaphorePermit, JobError> {
    ctx.media
        .video_permits
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| JobError::Transient("the video pool is closed".to_owned()))
}

pub async fn process(
    ctx: &JobContext,
    job: &Job,
    asset_id: &str,
    input: &Path,
) -> Result<VideoOutcome, JobError> {
    let _permit = video_permit(ctx).await?;
    let scratch = Scratch::new(ctx.store.staging_dir())?;
    let work = Work::Video {
        settings: ctx.media.video.clone(),
    };
    let (facts, files) = match media_child::run(ctx, job, asset_id, input, &scratch, work).await? {
        ChildOutcome::AssetGone => return Ok(VideoOutcome::AssetGone),
        ChildOutcome::Done(Done::VideoSplit { plan }) => return Ok(VideoOutcome::Split(plan)),
        ChildOutcome::Done(Done::Video { facts, files }) => (facts, files),
        ChildOutcome::Done(_) => return Err(super::wrong_answer("video")),
    };
    // A rerun first removes an earlier attempt's segments.
    ctx.store
        .delete_prefix(&rendition_key(asset_id, "hls")?)
        .await?;
    let renditions = store_files(ctx, asset_id, &scratch, &files).await?;
    Ok(VideoOutcome::Done(VideoDone { facts, renditions }))
}
