//! The first job of every upload: open the stored original, check it is what ingest recorded,
//! do the kind's work (photos: renditions, facts, near-duplicates), and hand the asset to the
//! editors — the result, the renditions and the state change in one transaction. A 典型案例
//! (whose original vocweek wrote itself) goes straight to the editors.

use std::path::Path;

use serde_json::{Value, json};
use vocweek_db::DbError;
use vocweek_db::assets::{AssetRecord, StateChange};
use vocweek_db::audit::Actor;
use vocweek_db::jobs::{Job, NewJob};
use vocweek_db::media_verdicts::MediaVerdict;
use vocweek_db::processing::Processed;
use vocweek_domain::{AssetKind, AssetState};
use vocweek_sandbox::VERDICT_CODES;
use vocweek_storage::{asset_prefix, original_key};

use super::article_work;
use super::photo_work;
use super::rendition_store::StoredRendition;
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
        let asset_id = job.asset_id.as_deref().ok_or_else(|| JobError::Permanent {
            code: "job-invalid".to_owned(),
            reason: "process_asset job without an asset".to_owned(),
        })?;
        let record = match ctx.db.asset(asset_id).await {
            Ok(Some(record)) => record,
            // The asset is gone: nothing left to do.
            Ok(None) => return finish(ctx, job, None, Results::default()).await,
            // A stored kind, state or desk outside its set: retrying cannot mend the row.
            Err(DbError::Corrupt(reason)) => {
                return Err(JobError::Permanent {
                    code: "asset-invalid".to_owned(),
                    reason,
                });
            }
            Err(other) => return Err(other.into()),
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
            let change = StateChange {
                asset_id,
                from: AssetState::Processing,
                to: AssetState::PendingReview,
                expected_version: None,
                actor: Actor::System,
                action: "processed",
                details: json!({ "job_id": job.id.get() }),
                failure: None,
                metadata: None,
            };
            return finish(ctx, job, Some(change), Results::default()).await;
        }
        let blake3 = record.asset.blake3.clone();
        if let Some(verdict) = ctx.db.media_verdict(&blake3).await? {
            // These bytes killed a media process before: they would again.
            return Err(JobError::Permanent {
                code: verdict.code,
                reason: format!("{} (recorded earlier for the same bytes)", verdict.reason),
            });
        }
        let local = ctx.store.local_copy(&original_key(&blake3)?).await?;
        let path = local.path().to_path_buf();
        let checked_mime = inspect(ctx, &record, kind, path.clone()).await?;
        let mut metadata = record.asset.metadata.clone();
        set(&mut metadata, "checked_mime", json!(checked_mime));
        let results = match media_work(ctx, job, &record, kind, &path, &mut metadata).await {
            Err(JobError::Permanent { code, reason }) if VERDICT_CODES.contains(&code.as_str()) => {
                let verdict = MediaVerdict { code, reason };
                ctx.db.record_media_verdict(&blake3, &verdict).await?;
                return Err(JobError::Permanent {
                    code: verdict.code,
                    reason: verdict.reason,
                });
            }
            other => other?,
        };
        drop(local);
        let Some(results) = results else {
            // The asset was deleted while its video was transcoded.
            return finish(ctx, job, None, Results::default()).await;
        };

        let change = StateChange {
            asset_id,
            from: AssetState::Processing,
            to: AssetState::PendingReview,
            expected_version: None,
            actor: Actor::System,
            action: "processed",
            details: json!({ "job_id": job.id.get() }),
            failure: None,
            metadata: Some(metadata),
        };
        finish(ctx, job, Some(change), results).await
    }
}

/// The kind's work in a media child, its facts added to `metadata`. `None` when the asset
/// went away meanwhile.
async fn media_work(
    ctx: &JobContext,
    job: &Job,
    record: &AssetRecord,
    kind: AssetKind,
    path: &Path,
    metadata: &mut Value,
) -> Result<Option<Results>, JobError> {
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
            video_work::VideoOutcome::AssetGone => return Ok(None),
        },
        // Handled before any media work (`ProcessAsset::run`): a case has none.
        AssetKind::Case => {}
    }
    Ok(Some(results))
}

/// What processing found, committed with the state change.
#[derive(Default)]
struct Results {
    renditions: Vec<StoredRendition>,
    perceptual_hash: Option<u64>,
    captured_at: Option<chrono::DateTime<chrono::Utc>>,
    /// A title found in the content, for an article uploaded without one.
    title: Option<String>,
}

fn set(metadata: &mut Value, key: &str, value: Value) {
    if !metadata.is_object() {
        *metadata = json!({});
    }
    if let Some(map) = metadata.as_object_mut() {
        map.insert(key.to_owned(), value);
    }
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

/// Commits the job's completion with its results in one transaction: renditions, the photo
/// hash, the EXIF capture time, a found title, the state change and its audit event.
async fn finish(
    ctx: &JobContext,
    job: &Job,
    change: Option<StateChange<'_>>,
    results: Results,
) -> Result<(), JobError> {
    let title = results
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let processed = change.map(|change| {
        let id = change.asset_id;
        Processed {
            renditions: results.renditions.iter().map(|r| r.as_new(id)).collect(),
            perceptual_hash: results.perceptual_hash,
            captured_at: results.captured_at,
            title,
            change,
        }
    });
    if !ctx
        .db
        .finish_processing(job.id, &ctx.worker_id, processed)
        .await?
    {
        return Err(JobError::LeaseLost);
    }
    Ok(())
}
