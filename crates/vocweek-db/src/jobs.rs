//! The durable job queue: rows in `jobs`, claimed under a lease.
//!
//! A job is `queued` until a worker claims it (`running`, `locked_by`, `locked_until`). The worker
//! renews the lease while it works and ends the job `done`, back to `queued` with a later
//! `run_after` (a retry), or `dead`. A worker that dies simply stops renewing: once `locked_until`
//! passes, the claim query hands the job to another worker. Delivery is therefore at least once,
//! and handlers are idempotent.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, QuerySelect, Set, Statement, sea_query::Expr,
};
use std::collections::HashMap;

use serde_json::Value;

use crate::assets::{StateChange, change_state_in};
use crate::entities::job;
use crate::{Db, DbBackendKind, DbError, DbResult, now_millis};

pub use crate::records::job::{Job, JobId, JobState};

/// A job to enqueue.
pub struct NewJob<'a> {
    pub kind: &'a str,
    pub asset_id: Option<&'a str>,
    pub payload: Value,
    pub max_attempts: i32,
}

/// Enqueues a job inside the caller's transaction, so it exists exactly when the change does.
pub(crate) async fn enqueue<C: ConnectionTrait>(conn: &C, new: NewJob<'_>) -> DbResult<JobId> {
    let now = now_millis();
    let saved = job::ActiveModel {
        kind: Set(new.kind.to_owned()),
        asset_id: Set(new.asset_id.map(str::to_owned)),
        payload: Set(new.payload.to_string()),
        state: Set(JobState::Queued.as_str().to_owned()),
        attempts: Set(0),
        max_attempts: Set(new.max_attempts.max(1)),
        run_after: Set(now),
        locked_by: Set(None),
        locked_until: Set(None),
        last_error: Set(None),
        progress: Set(0.0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(JobId(saved.id))
}

/// One row of the queue-depth gauge.
#[derive(Debug, Clone, FromQueryResult)]
pub struct QueueDepth {
    pub kind: String,
    pub state: String,
    pub count: i64,
}

/// The due-job selection, shared by both dialects: queued and due, or running with a dead lease.
const DUE: &str = "(state = 'queued' AND run_after <= {now}) \
                   OR (state = 'running' AND locked_until < {now})";

impl Db {
    /// Claims the next due job for `worker` for `lease_ms`, or `None` when nothing is due.
    /// PostgreSQL skips rows another worker is claiming (`FOR UPDATE SKIP LOCKED`); SQLite runs
    /// the single UPDATE under its database write lock, which makes it atomic as well.
    pub async fn claim_job(&self, worker: &str, lease_ms: i64) -> DbResult<Option<Job>> {
        let now = now_millis();
        let (backend, sql) = match self.backend() {
            DbBackendKind::Postgres => (
                DbBackend::Postgres,
                format!(
                    "UPDATE jobs SET state = 'running', locked_by = $1, locked_until = $2, \
                     attempts = attempts + 1, updated_at = $3 \
                     WHERE id = (SELECT id FROM jobs WHERE {} \
                     ORDER BY run_after, id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING *",
                    DUE.replace("{now}", "$3")
                ),
            ),
            DbBackendKind::Sqlite => (
                DbBackend::Sqlite,
                format!(
                    "UPDATE jobs SET state = 'running', locked_by = ?1, locked_until = ?2, \
                     attempts = attempts + 1, updated_at = ?3 \
                     WHERE id = (SELECT id FROM jobs WHERE {} \
                     ORDER BY run_after, id LIMIT 1) RETURNING *",
                    DUE.replace("{now}", "?3")
                ),
            ),
        };
        let statement = Statement::from_sql_and_values(
            backend,
            sql,
            [worker.into(), (now + lease_ms).into(), now.into()],
        );
        job::Entity::find()
            .from_raw_sql(statement)
            .one(self.conn())
            .await?
            .map(Job::try_from)
            .transpose()
    }

    /// Extends the lease of a job this worker holds, and records its progress (0..1).
    /// `false` means the lease was lost (it expired and another worker took the job).
    pub async fn renew_lease(
        &self,
        job_id: JobId,
        worker: &str,
        lease_ms: i64,
        progress: Option<f64>,
    ) -> DbResult<bool> {
        let now = now_millis();
        let mut update = job::Entity::update_many()
            .col_expr(job::Column::LockedUntil, Expr::value(now + lease_ms))
            .col_expr(job::Column::UpdatedAt, Expr::value(now));
        if let Some(progress) = progress {
            update = update.col_expr(job::Column::Progress, Expr::value(progress.clamp(0.0, 1.0)));
        }
        let result = update
            .filter(held_by(job_id, worker))
            .exec(self.conn())
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Records a running job's progress (0..1) without touching its lease. `false`: the job is
    /// no longer ours.
    pub async fn record_progress(
        &self,
        job_id: JobId,
        worker: &str,
        progress: f64,
    ) -> DbResult<bool> {
        let result = job::Entity::update_many()
            .col_expr(job::Column::Progress, Expr::value(progress.clamp(0.0, 1.0)))
            .col_expr(job::Column::UpdatedAt, Expr::value(now_millis()))
            .filter(held_by(job_id, worker))
            .exec(self.conn())
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// The progress (0..1) of the unfinished jobs of these assets, the furthest per asset.
    pub async fn progress_of(&self, asset_ids: &[&str]) -> DbResult<HashMap<String, f64>> {
        if asset_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let jobs = job::Entity::find()
            .filter(job::Column::AssetId.is_in(asset_ids.iter().copied()))
            .filter(job::Column::State.is_in(UNFINISHED.map(JobState::as_str)))
            .all(self.conn())
            .await?;
        let mut progress: HashMap<String, f64> = HashMap::new();
        for job in jobs {
            if let Some(asset) = job.asset_id {
                let entry = progress.entry(asset).or_insert(0.0);
                *entry = entry.max(job.progress);
            }
        }
        Ok(progress)
    }

    pub async fn job(&self, job_id: JobId) -> DbResult<Option<Job>> {
        job::Entity::find_by_id(job_id.0)
            .one(self.conn())
            .await?
            .map(Job::try_from)
            .transpose()
    }

    pub async fn jobs_of_asset(&self, asset_id: &str) -> DbResult<Vec<Job>> {
        job::Entity::find()
            .filter(job::Column::AssetId.eq(asset_id))
            .order_by_asc(job::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(Job::try_from)
            .collect()
    }

    /// Jobs per kind and state that are not finished, for the queue-depth gauge.
    pub async fn queue_depth(&self) -> DbResult<Vec<QueueDepth>> {
        Ok(job::Entity::find()
            .select_only()
            .column(job::Column::Kind)
            .column(job::Column::State)
            .column_as(job::Column::Id.count(), "count")
            .filter(job::Column::State.is_in(UNFINISHED.map(JobState::as_str)))
            .group_by(job::Column::Kind)
            .group_by(job::Column::State)
            .into_model::<QueueDepth>()
            .all(self.conn())
            .await?)
    }
}

/// The states of a job some worker still has to finish.
const UNFINISHED: [JobState; 2] = [JobState::Queued, JobState::Running];

fn held_by(job_id: JobId, worker: &str) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(job::Column::Id.eq(job_id.0))
        .add(job::Column::State.eq(JobState::Running.as_str()))
        .add(job::Column::LockedBy.eq(worker))
}

/// Marks a held job done. `false`: the lease was lost and the result must not be committed.
pub(crate) async fn complete<C: ConnectionTrait>(
    conn: &C,
    job_id: JobId,
    worker: &str,
) -> DbResult<bool> {
    finish(conn, job_id, worker, JobState::Done, None, None).await
}

/// Puts a held job back in the queue to run again at `run_after` (epoch ms).
pub(crate) async fn retry_later<C: ConnectionTrait>(
    conn: &C,
    job_id: JobId,
    worker: &str,
    error: &str,
    run_after: i64,
) -> DbResult<bool> {
    finish(
        conn,
        job_id,
        worker,
        JobState::Queued,
        Some(error),
        Some(run_after),
    )
    .await
}

/// Gives up on a held job for good, keeping its last error.
pub(crate) async fn bury<C: ConnectionTrait>(
    conn: &C,
    job_id: JobId,
    worker: &str,
    error: &str,
) -> DbResult<bool> {
    finish(conn, job_id, worker, JobState::Dead, Some(error), None).await
}

// The queue for callers outside this crate, which hold no transaction: each step on its own,
// except giving up, which fails the job's asset in the same transaction.
impl Db {
    /// Enqueues a job on its own (the changes that need one enqueue it in their transaction).
    pub async fn enqueue_job(&self, new: NewJob<'_>) -> DbResult<JobId> {
        enqueue(self.conn(), new).await
    }

    /// Marks a held job done. `false`: the lease was lost (another worker owns the job).
    pub async fn complete_job(&self, job_id: JobId, worker: &str) -> DbResult<bool> {
        complete(self.conn(), job_id, worker).await
    }

    /// Puts a held job back in the queue to run again at `run_after` (epoch ms), keeping
    /// `error` as its last error. `false`: the lease was lost.
    pub async fn retry_later(
        &self,
        job_id: JobId,
        worker: &str,
        error: &str,
        run_after: i64,
    ) -> DbResult<bool> {
        retry_later(self.conn(), job_id, worker, error, run_after).await
    }

    /// Gives up on a held job for good (`dead`, keeping `error`) and applies `failed` — the
    /// job's asset moving to `failed` — in one transaction, so neither happens without the
    /// other. `false`: the lease was lost and nothing changed. An asset that already left
    /// `failed.from` keeps its state: the job's failure no longer says anything about it.
    pub async fn bury_job(
        &self,
        job_id: JobId,
        worker: &str,
        error: &str,
        failed: Option<StateChange<'_>>,
    ) -> DbResult<bool> {
        let txn = self.begin().await?;
        if !bury(&txn, job_id, worker, error).await? {
            txn.rollback().await?;
            return Ok(false);
        }
        if let Some(change) = failed {
            match change_state_in(&txn, change).await {
                Ok(()) | Err(DbError::Conflict(_)) => {}
                Err(other) => return Err(other),
            }
        }
        txn.commit().await?;
        Ok(true)
    }
}

async fn finish<C: ConnectionTrait>(
    conn: &C,
    job_id: JobId,
    worker: &str,
    state: JobState,
    error: Option<&str>,
    run_after: Option<i64>,
) -> DbResult<bool> {
    let now = now_millis();
    let mut update = job::Entity::update_many()
        .col_expr(job::Column::State, Expr::value(state.as_str()))
        .col_expr(job::Column::LockedBy, Expr::value(Option::<String>::None))
        .col_expr(job::Column::LockedUntil, Expr::value(Option::<i64>::None))
        .col_expr(job::Column::UpdatedAt, Expr::value(now));
    if let Some(error) = error {
        update = update.col_expr(job::Column::LastError, Expr::value(error));
    }
    if let Some(run_after) = run_after {
        update = update.col_expr(job::Column::RunAfter, Expr::value(run_after));
    }
    if state == JobState::Done {
        update = update.col_expr(job::Column::Progress, Expr::value(1.0));
    }
    let result = update.filter(held_by(job_id, worker)).exec(conn).await?;
    Ok(result.rows_affected == 1)
}
