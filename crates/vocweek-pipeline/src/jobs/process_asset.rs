//! The first job of every upload: open the stored original, check it is what ingest recorded,
//! do the kind's work (photos: renditions, facts, near-duplicates), and hand the asset to the
//! editors — the result, the renditions and the state change in one transaction. A 典型案例
//! (whose original vocweek wrote itself) goes straight to the editors. A long video is not
//! transcoded here: the job ends by queuing its chunks (`transcode_chunk`), and the asset stays
//! `processing` until their stitch (`stitch_video`) commits.

use std::path::Path;

use serde_json::{Value, json};
use vocweek_db::assets::AssetRecord;
use vocweek_db::jobs::{Job, NewJob};
use vocweek_domain::{AssetKind, AssetState};
use vocweek_media::video::ChunkPlan;
use vocweek_storage::{asset_prefix, original_key};

use super::article_work;
use super::asset_work::{asset_of, current_asset, recording_verdict, refuse_known_bad_bytes};
use super::chunk_record::MAX_CHUNKS;
use super::photo_work;
use super::processing_commit::{Results, finish, processed, set};
use super::transcode_chunk::chunk_job;
use super::video_work;
use super::{JobContext, JobError, JobHandler, new_job};

pub const PROCESS_ASSET: &str = "process_asset";

/// How many near-duplicates an asset lists.
const SIMILAR_SHOWN: usize = 10;

pub fn process_asset_job(asset_id: &str, max_attempts: i32) -> NewJob<'_> {
    new_job(PROCESS_ASSET, asset_id, max_attempts)
}

/// The processing of an item whose unit replaced its file: the same job, told to clear what
/// was made of the old file (`renditions/<asset>/`, HLS segments included) before it writes
/// the new renditions to the same keys. Clearing here, not after the replacement's commit,
/// means no deletion can race with the worker and take a new file; a rerun clears again and
/// rewrites.
pub fn replaced_file_job(asset_id: &str, max_attempts: i32) -> NewJob<'_> {
    let mut job = new_job(PROCESS_ASSET, asset_id, max_attempts);
    job.payload = json!({ "asset_id": asset_id, "replaced": true });
    job
}

/// Whether the job was queued by a replacement of the file ([`replaced_file_job`]).
fn clears_old_renditions(job: &Job) -> bool {
    serde_json::from_str::<Value>(&job.payload)
        .ok()
        .and_then(|payload| payload.get("replaced").and_then(Value::as_bool))
        .unwrap_or(false)
}

pub struct ProcessAsset;

#[async_trait::async_trait]
impl JobHandler for ProcessAsset {
    async fn run(&self, job: &Job, ctx: &JobContext) -> Result<(), JobError> {
        let asset_id = asset_of(job)?;
        let Some(record) = current_asset(ctx, asset_id).await? else {
            // The asset is gone: nothing left to do.
            return finish(ctx, job, None, Results::default()).await;
        };
        if record.asset.state != AssetState::Processing {
            // A rerun after the work was committed (at-least-once delivery): already done.
            return finish(ctx, job, None, Results::default()).await;
        }
        if clears_old_renditions(job) {
            // No rendition row points here any more: the replacement removed them.
            ctx.store.delete_prefix(&asset_prefix(asset_id)?).await?;
        }
        let kind = record.asset.kind;
        if kind == AssetKind::Case {
            // A case's original is the Word document vocweek wrote from its unit's form: no
            // untrusted bytes to inspect, nothing to render. Straight to the editors.
            let change = processed(asset_id, job, None);
            return finish(ctx, job, Some(change), Results::default()).await;
        }
        let blake3 = record.asset.blake3.clone();
        refuse_known_bad_bytes(ctx, &blake3).await?;
        let local = ctx.store.local_copy(&original_key(&blake3)?).await?;
        let path = local.path().to_path_buf();
        let checked_mime = inspect(ctx, &record, kind, path.clone()).await?;
        let mut metadata = record.asset.metadata.clone();
        set(&mut metadata, "checked_mime", json!(checked_mime));
        let work = media_work(ctx, job, &record, kind, &path, &mut metadata).await;
        let outcome = recording_verdict(ctx, &blake3, work).await?;
        drop(local);
        match outcome {
            // The asset was deleted while its video was transcoded.
            MediaOutcome::AssetGone => finish(ctx, job, None, Results::default()).await,
            MediaOutcome::Split(plan) => split(ctx, job, asset_id, &plan, checked_mime).await,
            MediaOutcome::Processed(results) => {
                let change = processed(asset_id, job, Some(metadata));
                finish(ctx, job, Some(change), results).await
            }
        }
    }
}

/// How the kind's work ended.
enum MediaOutcome {
    /// Done: the results to commit with the move to the editors.
    Processed(Results),
    /// A long video, to transcode in chunks (`transcode_chunk` jobs): nothing was made yet.
    Split(ChunkPlan),
    /// The asset went away meanwhile.
    AssetGone,
}

/// Ends the job by queuing the chunks of a long video in its place, in one transaction; the
/// asset stays `processing` until the last chunk's stitch commits. The plan comes from the
/// child, as untrusted as the file it read.
async fn split(
    ctx: &JobContext,
    job: &Job,
    asset_id: &str,
    plan: &ChunkPlan,
    checked_mime: &str,
) -> Result<(), JobError> {
    let count = plan.chunks.len();
    let in_order = plan.chunks.iter().enumerate().all(|(index, chunk)| {
        usize::try_from(chunk.index).is_ok_and(|i| i == index)
            && usize::try_from(chunk.count).is_ok_and(|n| n == count)
    });
    let within = u32::try_from(count).is_ok_and(|n| (1..=MAX_CHUNKS).contains(&n));
    if !within || !in_order {
        return Err(JobError::Permanent {
            code: "media-process-crashed".to_owned(),
            reason: format!(
                "the video media process planned {count} chunks out of order or beyond \
                 {MAX_CHUNKS}"
            ),
        });
    }
    let chunks = plan
        .chunks
        .iter()
        .map(|chunk| chunk_job(asset_id, chunk, checked_mime, ctx.max_attempts))
        .collect();
    if !ctx
        .db
        .split_processing(job.id, &ctx.worker_id, chunks)
        .await?
    {
        return Err(JobError::LeaseLost);
    }
    tracing::info!(
        chunks = count,
        seconds = plan.duration_seconds,
        "long video split into chunks"
    );
    Ok(())
}

/// The kind's work in a media child, its facts added to `metadata`.
async fn media_work(
    ctx: &JobContext,
    job: &Job,
    record: &AssetRecord,
    kind: AssetKind,
    path: &Path,
    metadata: &mut Value,
) -> Result<MediaOutcome, JobError> {
    let asset_id = record.asset.id.as_str();
    let mut results = Results::default();
    match kind {
        AssetKind::Photo => {
            let photo = photo_work::process(ctx, job, asset_id, path).await?;
            set(metadata, "photo", photo.facts.clone());
            set(
                metadata,
                "perceptual_hash",
                json!(format!("{:016x}", photo.perceptual_hash)),
            );
            let (similar, _) = ctx
                .db
                .similar_photos(photo.perceptual_hash, ctx.media.similar_distance, asset_id)
                .await?;
            let similar: Vec<Value> = similar
                .into_iter()
                .take(SIMILAR_SHOWN)
                .map(|s| json!({ "asset_id": s.asset_id, "distance": s.distance }))
                .collect();
            set(metadata, "similar_to", Value::Array(similar));
            results.perceptual_hash = Some(photo.perceptual_hash);
            results.captured_at = photo.captured_at;
            results.renditions = photo.renditions;
        }
        AssetKind::Article => {
            let article = article_work::process(ctx, job, record, path).await?;
            let mut facts = article.facts.clone();
            set(&mut facts, "pictures", json!(article.pictures));
            set(&mut facts, "image_assets", json!(article.image_assets));
            set(&mut facts, "skipped_images", json!(article.skipped_images));
            set(metadata, "article", facts);
            let title_given = record.asset.metadata.get("title_given") != Some(&json!(false));
            if !title_given {
                results.title = article.first_heading.map(|h| h.chars().take(200).collect());
            }
            results.renditions = article.renditions;
        }
        AssetKind::Video => match video_work::process(ctx, job, asset_id, path).await? {
            video_work::VideoOutcome::Done(video) => {
                set(metadata, "video", video.facts);
                results.renditions = video.renditions;
            }
            video_work::VideoOutcome::Split(plan) => return Ok(MediaOutcome::Split(plan)),
            video_work::VideoOutcome::AssetGone => return Ok(MediaOutcome::AssetGone),
        },
        // Handled before any media work (`ProcessAsset::run`): a case has none.
        AssetKind::Case => {}
    }
    Ok(MediaOutcome::Processed(results))
}

/// The stored original is still what ingest recorded (size and type).
async fn inspect(
    ctx: &JobContext,
    record: &AssetRecord,
    kind: AssetKind,
    path: std::path::PathBuf,
) -> Result<&'static str, JobError> {
    let size = u64::try_from(record.asset.size).unwrap_or_default();
    let inspection = tokio::time::timeout(
        ctx.media_timeout,
        tokio::task::spawn_blocking(move || vocweek_media::inspect_file(&path, kind, size)),
    )
    .await
    .map_err(|_| JobError::Transient("inspecting the original timed out".to_owned()))?
    .map_err(|e| JobError::Transient(format!("inspecting the original: {e}")))?
    .map_err(|e| JobError::Permanent {
        code: e.code().to_owned(),
        reason: e.to_string(),
    })?;
    Ok(inspection.mime)
}
