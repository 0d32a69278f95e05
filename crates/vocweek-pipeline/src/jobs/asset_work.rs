//! What the jobs working on one asset's media share: finding the asset still in `processing`,
//! refusing bytes that killed a media child before and recording such a verdict, ending
//! without work when the asset went away, and removing what a job stored for an asset deleted
//! meanwhile.

use tracing::warn;
use vocweek_db::assets::AssetRecord;
use vocweek_db::jobs::Job;
use vocweek_db::media_verdicts::MediaVerdict;
use vocweek_db::{Db, DbError};
use vocweek_domain::AssetState;
use vocweek_sandbox::VERDICT_CODES;
use vocweek_storage::{BlobStore, asset_prefix};

use super::{JobContext, JobError};

/// The asset a job is about; a job without one cannot run.
pub fn asset_of(job: &Job) -> Result<&str, JobError> {
    job.asset_id.as_deref().ok_or_else(|| JobError::Permanent {
        code: "job-invalid".to_owned(),
        reason: format!("{} job without an asset", job.kind),
    })
}

/// The job's payload as `T`: a payload that does not fit cannot run, however often it is
/// retried.
pub fn payload_of<T: serde::de::DeserializeOwned>(job: &Job) -> Result<T, JobError> {
    serde_json::from_str(&job.payload).map_err(|e| JobError::Permanent {
        code: "job-invalid".to_owned(),
        reason: format!("{} job with an invalid payload: {e}", job.kind),
    })
}

/// The asset as it is now; `None` when it was deleted.
pub async fn current_asset(
    ctx: &JobContext,
    asset_id: &str,
) -> Result<Option<AssetRecord>, JobError> {
    match ctx.db.asset(asset_id).await {
        Ok(found) => Ok(found),
        // A stored kind, state or desk outside its set: retrying cannot mend the row.
        Err(DbError::Corrupt(reason)) => Err(JobError::Permanent {
            code: "asset-invalid".to_owned(),
            reason,
        }),
        Err(other) => Err(other.into()),
    }
}

/// The asset if it is still `processing`: deleted, failed (another job of its gave up) or
/// already processed (a rerun after the commit), there is nothing left to do for it.
pub async fn asset_in_processing(
    ctx: &JobContext,
    asset_id: &str,
) -> Result<Option<AssetRecord>, JobError> {
    Ok(current_asset(ctx, asset_id)
        .await?
        .filter(|record| record.asset.state == AssetState::Processing))
}

/// Refuses bytes that killed a media process before: they would again.
pub async fn refuse_known_bad_bytes(ctx: &JobContext, blake3: &str) -> Result<(), JobError> {
    match ctx.db.media_verdict(blake3).await? {
        Some(verdict) => Err(JobError::Permanent {
            code: verdict.code,
            reason: format!("{} (recorded earlier for the same bytes)", verdict.reason),
        }),
        None => Ok(()),
    }
}

/// Passes a media child's result on, first recording a verdict on the bytes when the child
/// died of them (crashed, ran out of memory or time, wrote too much).
pub async fn recording_verdict<T>(
    ctx: &JobContext,
    blake3: &str,
    result: Result<T, JobError>,
) -> Result<T, JobError> {
    match result {
        Err(JobError::Permanent { code, reason }) if VERDICT_CODES.contains(&code.as_str()) => {
            let verdict = MediaVerdict { code, reason };
            ctx.db.record_media_verdict(blake3, &verdict).await?;
            Err(JobError::Permanent {
                code: verdict.code,
                reason: verdict.reason,
            })
        }
        other => other,
    }
}

/// Completes a job that found nothing (more) to do for its asset.
pub async fn end_without_work(ctx: &JobContext, job: &Job, asset_id: &str) -> Result<(), JobError> {
    if !ctx.db.complete_job(job.id, &ctx.worker_id).await? {
        return Err(JobError::LeaseLost);
    }
    remove_if_abandoned(&ctx.db, ctx.store.as_ref(), asset_id).await;
    Ok(())
}

/// Removes the asset's stored renditions when nothing will ever read them: the asset is gone
/// (its deletion removes them after its commit, but a job that stored files meanwhile — a chunk
/// that finished as the item was deleted — would leave them behind), or it failed (no rendition
/// row is written before an item reaches the editors, so a failed item's segments, chunk records
/// and half-made renditions are nobody's). Best effort: a failure is logged.
pub async fn remove_if_abandoned(db: &Db, store: &dyn BlobStore, asset_id: &str) {
    match db.asset(asset_id).await {
        Ok(None) => {}
        Ok(Some(record)) if record.asset.state == AssetState::Failed => {}
        Ok(Some(_)) => return,
        Err(err) => {
            warn!(error = %err, "could not check whether the asset still exists");
            return;
        }
    }
    let removed = match asset_prefix(asset_id) {
        Ok(prefix) => store.delete_prefix(&prefix).await,
        Err(err) => Err(err),
    };
    if let Err(err) = removed {
        warn!(error = %err, asset_id, "could not remove an abandoned asset's renditions");
    }
}
