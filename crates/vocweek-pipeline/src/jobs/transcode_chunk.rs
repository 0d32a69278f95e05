//! One chunk of a long video (`transcode_chunk`), a job of its own that any worker on any node
//! may take: its part of the original transcoded by a video child into every rung's segments
//! (chunk 0 also makes the poster and thumbnail), stored under the asset's renditions with the
//! chunk's record; then the chunk's completion, which queues the stitch when it was the last.
//! A chunk that fails for good fails the asset (the worker's give-up path), and the other
//! chunks' children stop at their next look at the asset.

use std::path::Path;

use serde::Deserialize;
use serde_json::json;
use vocweek_db::jobs::{Job, NewJob};
use vocweek_media::video::ChunkSpec;
use vocweek_sandbox::{Done, Work};
use vocweek_storage::original_key;

use super::asset_work::{
    asset_in_processing, asset_of, end_without_work, payload_of, recording_verdict,
    refuse_known_bad_bytes, remove_if_abandoned,
};
use super::chunk_record::{
    ChunkRecord, RecordedRendition, refuse_files_among_records, write_record,
};
use super::media_child::{self, ChildOutcome, Scratch};
use super::rendition_store::store_files;
use super::stitch_video::stitch_job;
use super::video_work::video_permit;
use super::{JobContext, JobError, JobHandler};

pub const TRANSCODE_CHUNK: &str = "transcode_chunk";

/// The job of one chunk of the asset's video. `checked_mime` (the type the processing job
/// found in the original) is handed on to the stitch, which writes it into the metadata.
pub fn chunk_job<'a>(
    asset_id: &'a str,
    chunk: &ChunkSpec,
    checked_mime: &str,
    max_attempts: i32,
) -> NewJob<'a> {
    NewJob {
        kind: TRANSCODE_CHUNK,
        asset_id: Some(asset_id),
        payload: json!({ "asset_id": asset_id, "chunk": chunk, "checked_mime": checked_mime }),
        max_attempts,
    }
}

/// What [`chunk_job`] wrote.
#[derive(Deserialize)]
struct ChunkPayload {
    chunk: ChunkSpec,
    #[serde(default)]
    checked_mime: Option<String>,
}

/// The `transcode_chunk` handler.
pub struct TranscodeChunk;

#[async_trait::async_trait]
impl JobHandler for TranscodeChunk {
    async fn run(&self, job: &Job, ctx: &JobContext) -> Result<(), JobError> {
        let asset_id = asset_of(job)?;
        let payload: ChunkPayload = payload_of(job)?;
        let Some(record) = asset_in_processing(ctx, asset_id).await? else {
            // Deleted, or failed by another chunk, or stitched already (a rerun).
            return end_without_work(ctx, job, asset_id).await;
        };
        let blake3 = record.asset.blake3;
        refuse_known_bad_bytes(ctx, &blake3).await?;
        let local = ctx.store.local_copy(&original_key(&blake3)?).await?;
        let transcoded = transcode(ctx, job, asset_id, local.path(), &payload.chunk).await;
        let made = recording_verdict(ctx, &blake3, transcoded).await?;
        drop(local);
        let Some(chunk_record) = made else {
            return end_without_work(ctx, job, asset_id).await;
        };
        write_record(ctx, asset_id, &chunk_record).await?;
        let stitch = stitch_job(
            asset_id,
            payload.chunk.count,
            payload.checked_mime.as_deref(),
            ctx.max_attempts,
        );
        if !ctx
            .db
            .finish_chunk(job.id, &ctx.worker_id, asset_id, stitch)
            .await?
        {
            return Err(JobError::LeaseLost);
        }
        // Deleted, or failed by another chunk, while this chunk stored its files: they would
        // outlive what needs them.
        remove_if_abandoned(&ctx.db, ctx.store.as_ref(), asset_id).await;
        Ok(())
    }
}

/// The chunk's transcode in a video child, its segments (and chunk 0's poster and thumbnail)
/// stored; `None` when the asset left `processing` meanwhile.
async fn transcode(
    ctx: &JobContext,
    job: &Job,
    asset_id: &str,
    input: &Path,
    chunk: &ChunkSpec,
) -> Result<Option<ChunkRecord>, JobError> {
    let _permit = video_permit(ctx).await?;
    // Waiting for a place may take a chunk's time: another chunk may have failed the asset.
    if asset_in_processing(ctx, asset_id).await?.is_none() {
        return Ok(None);
    }
    let scratch = Scratch::new(ctx.store.staging_dir())?;
    let work = Work::VideoChunk {
        settings: ctx.media.video.clone(),
        chunk: chunk.clone(),
    };
    let (facts, files) = match media_child::run(ctx, job, asset_id, input, &scratch, work).await? {
        ChildOutcome::AssetGone => return Ok(None),
        ChildOutcome::Done(Done::VideoChunk { facts, files }) => (facts, files),
        ChildOutcome::Done(_) => return Err(super::wrong_answer("video")),
    };
    if facts.index != chunk.index {
        return Err(super::wrong_answer("video"));
    }
    refuse_files_among_records(&files)?;
    let renditions = store_files(ctx, asset_id, &scratch, &files).await?;
    Ok(Some(ChunkRecord {
        facts,
        renditions: renditions.iter().map(RecordedRendition::from).collect(),
    }))
}
