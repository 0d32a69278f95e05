//! The end of a chunked transcode (`stitch_video`), queued by the last chunk to finish: every
//! chunk's record is read back, the download rung's segments of all chunks are joined in order
//! into one scratch file (MPEG-TS concatenates), and a video child writes from them each
//! rung's playlist, the master playlist and the MP4 download. Then the same commit as an
//! unchunked video's — the renditions (the stitch's, and chunk 0's poster and thumbnail), the
//! facts, the move to the editors — and, after it, the records' removal.

use std::path::Path;

use serde::Deserialize;
use serde_json::json;
use tracing::warn;
use vocweek_db::jobs::{Job, NewJob};
use vocweek_media::video::check_chunks;
use vocweek_sandbox::{Done, Work};
use vocweek_storage::rendition_key;

use super::asset_work::{asset_in_processing, asset_of, end_without_work, payload_of};
use super::blob_join::join_blobs;
use super::chunk_record::{
    ChunkRecord, MAX_CHUNKS, read_records, records_prefix, refuse_files_among_records,
};
use super::media_child::{self, ChildOutcome, Scratch};
use super::processing_commit::{Results, finish, processed, set};
use super::rendition_store::store_files;
use super::video_work::{VideoDone, video_permit};
use super::{JobContext, JobError, JobHandler};

pub const STITCH_VIDEO: &str = "stitch_video";

/// The job that stitches the asset's `chunks` chunks. `checked_mime`: the type the processing
/// job found in the original, for the asset's metadata.
pub fn stitch_job<'a>(
    asset_id: &'a str,
    chunks: u32,
    checked_mime: Option<&str>,
    max_attempts: i32,
) -> NewJob<'a> {
    NewJob {
        kind: STITCH_VIDEO,
        asset_id: Some(asset_id),
        payload: json!({ "asset_id": asset_id, "chunks": chunks, "checked_mime": checked_mime }),
        max_attempts,
    }
}

/// What [`stitch_job`] wrote.
#[derive(Deserialize)]
struct StitchPayload {
    chunks: u32,
    #[serde(default)]
    checked_mime: Option<String>,
}

/// The `stitch_video` handler.
pub struct StitchVideo;

#[async_trait::async_trait]
impl JobHandler for StitchVideo {
    async fn run(&self, job: &Job, ctx: &JobContext) -> Result<(), JobError> {
        let asset_id = asset_of(job)?;
        let payload: StitchPayload = payload_of(job)?;
        if payload.chunks == 0 || payload.chunks > MAX_CHUNKS {
            return Err(JobError::Permanent {
                code: "job-invalid".to_owned(),
                reason: format!("a stitch of {} chunks", payload.chunks),
            });
        }
        let Some(record) = asset_in_processing(ctx, asset_id).await? else {
            // Deleted or failed meanwhile, or a rerun after the commit.
            return end_without_work(ctx, job, asset_id).await;
        };
        let chunks = read_records(ctx, asset_id, payload.chunks).await?;
        let Some(stitched) = stitch(ctx, job, asset_id, &chunks).await? else {
            return end_without_work(ctx, job, asset_id).await;
        };
        let mut renditions = stitched.renditions;
        // The poster and thumbnail come from the video's first pictures: chunk 0's.
        if let Some(first) = chunks.into_iter().next() {
            for recorded in first.renditions {
                renditions.push(recorded.into_stored(asset_id)?);
            }
        }
        let mut metadata = record.asset.metadata;
        if let Some(mime) = payload.checked_mime {
            set(&mut metadata, "checked_mime", json!(mime));
        }
        set(&mut metadata, "video", stitched.facts);
        let change = processed(asset_id, job, Some(metadata));
        let results = Results {
            renditions,
            ..Results::default()
        };
        finish(ctx, job, Some(change), results).await?;
        // Nothing reads the records any more; one left behind goes with the asset.
        let removed = match records_prefix(asset_id) {
            Ok(prefix) => ctx
                .store
                .delete_prefix(&prefix)
                .await
                .map_err(JobError::from),
            Err(err) => Err(err),
        };
        if let Err(err) = removed {
            warn!(error = %err, asset_id, "could not remove the chunk records");
        }
        Ok(())
    }
}

/// The playlists, master playlist and download made by a video child from the chunks' facts
/// and the joined download rung, stored; `None` when the asset left `processing` meanwhile.
async fn stitch(
    ctx: &JobContext,
    job: &Job,
    asset_id: &str,
    chunks: &[ChunkRecord],
) -> Result<Option<VideoDone>, JobError> {
    // A video child's memory, like a transcode's.
    let _permit = video_permit(ctx).await?;
    // The facts come from the chunks' children: checked whole (names unique and rising, one
    // ladder) before they name a single key to read, so the join reads each segment once.
    let facts: Vec<_> = chunks.iter().map(|chunk| chunk.facts.clone()).collect();
    check_chunks(&facts, &ctx.media.video).map_err(|e| untrusted(e.to_string()))?;
    let joined = Scratch::new(ctx.store.staging_dir())?;
    let download_rung = joined.file("download-rung.ts");
    join_download_rung(ctx, asset_id, chunks, &download_rung).await?;
    let scratch = Scratch::new(ctx.store.staging_dir())?;
    let work = Work::VideoStitch {
        settings: ctx.media.video.clone(),
        chunks: facts,
    };
    let outcome = media_child::run(ctx, job, asset_id, &download_rung, &scratch, work).await?;
    drop(joined);
    let (facts, files) = match outcome {
        ChildOutcome::AssetGone => return Ok(None),
        ChildOutcome::Done(Done::Video { facts, files }) => (facts, files),
        ChildOutcome::Done(_) => return Err(super::wrong_answer("video")),
    };
    refuse_files_among_records(&files)?;
    let renditions = store_files(ctx, asset_id, &scratch, &files).await?;
    Ok(Some(VideoDone { facts, renditions }))
}

/// Joins the download rung's segments of every chunk, in order, into `into`. The chunks' facts
/// come from their children: the rung and the segment names are checked before they name a
/// key.
async fn join_download_rung(
    ctx: &JobContext,
    asset_id: &str,
    chunks: &[ChunkRecord],
    into: &Path,
) -> Result<(), JobError> {
    let mut keys = Vec::new();
    for chunk in chunks {
        let facts = &chunk.facts;
        let rung = facts.rungs.get(facts.download_rung).ok_or_else(|| {
            untrusted(format!(
                "chunk {} names download rung {} of {}",
                facts.index,
                facts.download_rung,
                facts.rungs.len()
            ))
        })?;
        for segment in &rung.segments {
            keys.push(segment_key(asset_id, &segment.file)?);
        }
    }
    join_blobs(ctx, keys, into).await
}

/// `renditions/<asset>/hls/<file>` for a plain file name, the only place a segment is.
fn segment_key(asset_id: &str, file: &str) -> Result<String, JobError> {
    let key = (!file.contains('/'))
        .then(|| rendition_key(asset_id, &format!("hls/{file}")).ok())
        .flatten();
    key.ok_or_else(|| untrusted(format!("a chunk names the segment {file:?}")))
}

/// Facts a chunk's child gave that cannot be right: neither is the rest of its answer.
fn untrusted(reason: String) -> JobError {
    JobError::Permanent {
        code: "media-process-crashed".to_owned(),
        reason: format!("the video media process gave impossible facts: {reason}"),
    }
}
