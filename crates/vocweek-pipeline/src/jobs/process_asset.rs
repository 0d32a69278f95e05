//! The first job of every upload: open the stored original, check it is what ingest recorded,
//! and hand the asset to the editors. The photo, video and article work plugs in here.

use serde_json::json;
use vocweek_db::assets::StateChange;
use vocweek_db::audit::Actor;
use vocweek_db::entities::job;
use vocweek_db::jobs::{NewJob, complete};
use vocweek_db::{Db, TransactionTrait};
use vocweek_domain::{AssetKind, AssetState};
use vocweek_storage::original_key;

use super::{JobContext, JobError, JobHandler, new_job};

pub const PROCESS_ASSET: &str = "process_asset";

pub fn process_asset_job(asset_id: &str, max_attempts: i32) -> NewJob<'_> {
    new_job(PROCESS_ASSET, asset_id, max_attempts)
}

pub struct ProcessAsset;

#[async_trait::async_trait]
impl JobHandler for ProcessAsset {
    async fn run(&self, job: &job::Model, ctx: &JobContext) -> Result<(), JobError> {
        let asset_id = job.asset_id.as_deref().ok_or_else(|| JobError::Permanent {
            code: "job-invalid".to_owned(),
            reason: "process_asset job without an asset".to_owned(),
        })?;
        let Some(record) = ctx.db.asset(asset_id).await? else {
            // The asset is gone: nothing left to do.
            return finish(ctx, job, None).await;
        };
        if record.asset.state != AssetState::Processing.as_str() {
            // A rerun after the work was committed (at-least-once delivery): already done.
            return finish(ctx, job, None).await;
        }
        let kind = AssetKind::parse(&record.asset.kind).map_err(|e| JobError::Permanent {
            code: "asset-invalid".to_owned(),
            reason: e.to_string(),
        })?;
        let local = ctx
            .store
            .local_copy(&original_key(&record.asset.blake3)?)
            .await?;
        let path = local.path().to_path_buf();
        let size = u64::try_from(record.asset.size).unwrap_or_default();
        let inspection = tokio::time::timeout(
            ctx.media_timeout,
            tokio::task::spawn_blocking(move || vocweek_media::inspect_file(&path, kind, size)),
        )
        .await
        .map_err(|_| JobError::Transient("inspecting the original timed out".to_owned()))?
        .map_err(|e| JobError::Transient(format!("the inspection task failed: {e}")))?
        .map_err(|e| JobError::Permanent {
            code: e.code().to_owned(),
            reason: e.to_string(),
        })?;
        drop(local);

        let mut metadata = record.asset.metadata.clone();
        if let Some(map) = metadata.as_object_mut() {
            map.insert("checked_mime".to_owned(), json!(inspection.mime));
        }
        let change = StateChange {
            asset_id,
            from: AssetState::Processing,
            to: AssetState::PendingReview,
            expected_version: None,
            actor: Actor::System,
            action: "processed",
            details: json!({ "job_id": job.id }),
            failure: None,
            metadata: Some(metadata),
        };
        finish(ctx, job, Some(change)).await
    }
}

/// Commits the state change (if any) and the job's completion in one transaction.
async fn finish(
    ctx: &JobContext,
    job: &job::Model,
    change: Option<StateChange<'_>>,
) -> Result<(), JobError> {
    let txn = ctx
        .db
        .conn()
        .begin()
        .await
        .map_err(vocweek_db::DbError::from)?;
    if !complete(&txn, job.id, &ctx.worker_id).await? {
        txn.rollback().await.map_err(vocweek_db::DbError::from)?;
        return Err(JobError::LeaseLost);
    }
    if let Some(change) = change {
        Db::change_state(&txn, change).await?;
    }
    txn.commit().await.map_err(vocweek_db::DbError::from)?;
    Ok(())
}
