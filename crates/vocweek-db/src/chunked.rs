//! Chunked transcodes of long videos as units of work. The asset's processing job ends by
//! splitting the work into chunk jobs (its completion and the chunks commit together); each
//! chunk job ends by completing itself and, when it was the last of its split still to finish,
//! queuing the job that stitches the chunks — exactly once, however many chunks finish at the
//! same moment on however many nodes.
//!
//! The queue knows no job kinds: a chunk's siblings are the jobs of the asset of the chunk's
//! own kind queued since the asset's last job of another kind before it (the job that split
//! the work). That keeps an earlier split of the same asset (its file was replaced since) out
//! of the count, and its stitch out of the once-only check.

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use vocweek_domain::AssetState;

use crate::entities::{asset, job};
use crate::jobs::{JobId, JobState, NewJob, complete, enqueue};
use crate::{Db, DbResult};

impl Db {
    /// Ends a processing job by splitting its work: the job is completed and `chunks` are
    /// queued in one transaction, so a chunk exists exactly when the split does. The asset
    /// stays `processing`. `false`: the lease was lost and nothing changed.
    pub async fn split_processing(
        &self,
        job_id: JobId,
        worker: &str,
        chunks: Vec<NewJob<'_>>,
    ) -> DbResult<bool> {
        let txn = self.begin().await?;
        if !complete(&txn, job_id, worker).await? {
            txn.rollback().await?;
            return Ok(false);
        }
        for chunk in chunks {
            enqueue(&txn, chunk).await?;
        }
        txn.commit().await?;
        Ok(true)
    }

    /// Completes a chunk job and, when no other chunk of its split is left unfinished and the
    /// asset is still `processing`, queues `stitch` — in one transaction. `false`: the lease
    /// was lost and nothing changed.
    ///
    /// The asset's row is taken first (`FOR UPDATE` on PostgreSQL; SQLite's transaction holds
    /// the write lock from its `BEGIN IMMEDIATE`), so two chunks finishing at once on two nodes
    /// take turns: the second sees the first's completion and only the last queues the stitch.
    /// A chunk of an asset deleted meanwhile just completes.
    pub async fn finish_chunk(
        &self,
        job_id: JobId,
        worker: &str,
        asset_id: &str,
        stitch: NewJob<'_>,
    ) -> DbResult<bool> {
        let txn = self.begin().await?;
        let processing = asset::Entity::find_by_id(asset_id.to_owned())
            .lock_exclusive()
            .one(&txn)
            .await?
            .is_some_and(|row| row.state == AssetState::Processing.as_str());
        let own = job::Entity::find_by_id(job_id.0).one(&txn).await?;
        if !complete(&txn, job_id, worker).await? {
            txn.rollback().await?;
            return Ok(false);
        }
        let of_this_asset = own.filter(|row| row.asset_id.as_deref() == Some(asset_id));
        if let Some(own) = of_this_asset
            && processing
        {
            let since = split_point(&txn, asset_id, &own.kind, job_id).await?;
            let unfinished = queued_since(asset_id, &own.kind, since)
                .filter(job::Column::State.ne(JobState::Done.as_str()))
                .count(&txn)
                .await?;
            let stitched = queued_since(asset_id, stitch.kind, since)
                .count(&txn)
                .await?;
            if unfinished == 0 && stitched == 0 {
                enqueue(&txn, stitch).await?;
            }
        }
        txn.commit().await?;
        Ok(true)
    }
}

/// The id of the job that split the chunk's work: the asset's last job of another kind queued
/// before the chunk (0 when there is none).
async fn split_point<C: ConnectionTrait>(
    conn: &C,
    asset_id: &str,
    chunk_kind: &str,
    chunk: JobId,
) -> DbResult<i32> {
    let found: Option<i32> = job::Entity::find()
        .select_only()
        .column(job::Column::Id)
        .filter(job::Column::AssetId.eq(asset_id))
        .filter(job::Column::Kind.ne(chunk_kind))
        .filter(job::Column::Id.lt(chunk.0))
        .order_by_desc(job::Column::Id)
        .into_tuple()
        .one(conn)
        .await?;
    Ok(found.unwrap_or(0))
}

/// The asset's jobs of `kind` queued after job `since`.
fn queued_since(asset_id: &str, kind: &str, since: i32) -> sea_orm::Select<job::Entity> {
    job::Entity::find()
        .filter(job::Column::AssetId.eq(asset_id))
        .filter(job::Column::Kind.eq(kind))
        .filter(job::Column::Id.gt(since))
}
