//! The worker loop: claim a job under a lease, keep the lease alive while the handler runs,
//! then retry with exponential backoff or give up (`dead`, asset `failed`) after max attempts.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng;
use serde_json::json;
use tokio::sync::watch;
use tracing::{Instrument, error, info, info_span, warn};
use vocweek_db::assets::StateChange;
use vocweek_db::audit::Actor;
use vocweek_db::jobs::{Job, JobId};
use vocweek_db::{Db, DbError, now_millis};
use vocweek_domain::AssetState;
use vocweek_storage::{BlobStore, PartialUploads};

use crate::Metrics;
use crate::jobs::{
    ChildBudgets, JobContext, JobError, JobHandler, MediaLimits, default_handlers,
    remove_if_abandoned,
};
use vocweek_sandbox::MediaProgram;

/// How workers behave; see the `[workers]` section of the configuration.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Jobs run at the same time by this process.
    pub concurrency: usize,
    /// How long a claim lasts without renewal; a dead worker's job is retaken after this.
    pub lease: Duration,
    /// How often an idle worker looks for work.
    pub poll_interval: Duration,
    /// First retry delay; doubled each attempt, with jitter.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// Longest a single blocking media step may run.
    pub media_timeout: Duration,
    /// Attempts of the jobs workers enqueue themselves.
    pub max_attempts: i32,
    /// The program media children run; `None` is this binary's `media-run`.
    pub media_program: Option<MediaProgram>,
    /// Each kind of media child's memory, CPU and file-size limits.
    pub children: ChildBudgets,
    /// Photo renditions, limits and near-duplicate distance.
    pub photo: vocweek_media::photo::PhotoSettings,
    /// Bytes of decoded pictures this process's photo children may hold at once.
    pub decode_budget_bytes: u64,
    pub similar_distance: u32,
    /// Caps on what one document may cost (zip entries, inflated bytes, PDF nesting…).
    pub article: vocweek_media::article::ArticleLimits,
    /// What becomes of the pictures inside an article (`articles.embedded_pictures`).
    pub embedded_pictures: crate::jobs::article_pictures::EmbeddedPictures,
    /// The video ladder, how many transcodes run at once, and their time limit.
    pub video: vocweek_media::video::VideoSettings,
    pub video_concurrency: usize,
    pub video_time_limit: crate::jobs::TimeLimit,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            concurrency: 2,
            lease: Duration::from_secs(60),
            poll_interval: Duration::from_millis(500),
            backoff_base: Duration::from_secs(2),
            backoff_max: Duration::from_secs(600),
            media_timeout: Duration::from_secs(3600),
            max_attempts: 5,
            media_program: None,
            children: ChildBudgets::default(),
            photo: vocweek_media::photo::PhotoSettings::default(),
            decode_budget_bytes: 2 * 1024 * 1024 * 1024,
            similar_distance: 6,
            article: vocweek_media::article::ArticleLimits::default(),
            embedded_pictures: crate::jobs::article_pictures::EmbeddedPictures::default(),
            video: vocweek_media::video::VideoSettings::default(),
            video_concurrency: 1,
            video_time_limit: crate::jobs::TimeLimit::default(),
        }
    }
}

/// A set of worker loops in this process.
#[derive(Clone)]
pub struct WorkerPool {
    db: Db,
    store: Arc<dyn BlobStore>,
    config: WorkerConfig,
    metrics: Metrics,
    handlers: Arc<HashMap<&'static str, Arc<dyn JobHandler>>>,
    media: Arc<MediaLimits>,
    name: String,
    /// Resumable uploads to expire, and how often to look.
    upload_sweep: Option<(PartialUploads, Duration)>,
    /// The notices' emails and deadline watch (`mail::Notifier`).
    notifier: Option<crate::mail::Notifier>,
}

impl WorkerPool {
    /// A pool whose media children run `config.media_program`, or this binary when unset
    /// (an error only if the running executable cannot be found).
    pub fn new(
        db: Db,
        store: Arc<dyn BlobStore>,
        config: WorkerConfig,
        metrics: Metrics,
    ) -> std::io::Result<Self> {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "local".to_owned());
        let program = match config.media_program.clone() {
            Some(program) => program,
            None => MediaProgram::this_binary()?,
        };
        let media = Arc::new(
            MediaLimits::new(
                program,
                config.photo.clone(),
                config.decode_budget_bytes,
                config.similar_distance,
            )
            .with_video(
                config.video.clone(),
                config.video_concurrency,
                config.video_time_limit,
            )
            .with_children(config.children, config.article.clone())
            .with_embedded_pictures(config.embedded_pictures)
            .with_pools(store.staging_dir()),
        );
        Ok(WorkerPool {
            db,
            store,
            media,
            config,
            metrics,
            handlers: Arc::new(default_handlers()),
            name: format!("{host}:{}:{}", std::process::id(), uuid::Uuid::now_v7()),
            upload_sweep: None,
            notifier: None,
        })
    }

    /// Also expires abandoned resumable uploads, every `interval`.
    pub fn with_upload_sweep(mut self, partials: PartialUploads, interval: Duration) -> Self {
        self.upload_sweep = Some((partials, interval));
        self
    }

    /// Also sends the notices' emails and records missed days and overdue reports.
    pub fn with_notifier(mut self, notifier: crate::mail::Notifier) -> Self {
        self.notifier = Some(notifier);
        self
    }

    /// Adds (or replaces) the handler of a job kind: how later features plug their work in.
    pub fn with_handler(mut self, kind: &'static str, handler: Arc<dyn JobHandler>) -> Self {
        Arc::make_mut(&mut self.handlers).insert(kind, handler);
        self
    }

    /// Runs `concurrency` loops until `shutdown` turns true; a job in hand is finished first.
    pub async fn run(self, shutdown: watch::Receiver<bool>) {
        let mut loops = tokio::task::JoinSet::new();
        for slot in 0..self.config.concurrency.max(1) {
            let pool = self.clone();
            let shutdown = shutdown.clone();
            loops.spawn(async move { pool.run_loop(slot, shutdown).await });
        }
        if let Some(notifier) = self.notifier.clone() {
            loops.spawn(notifier.run(shutdown.clone()));
        }
        if let Some((partials, interval)) = self.upload_sweep.clone() {
            let db = self.db.clone();
            let staging = self.store.staging_dir().to_path_buf();
            loops.spawn(crate::run_upload_sweeper(
                db, partials, staging, interval, shutdown,
            ));
        }
        while loops.join_next().await.is_some() {}
    }

    async fn run_loop(self, slot: usize, mut shutdown: watch::Receiver<bool>) {
        let worker_id = format!("{}#{slot}", self.name);
        info!(worker = %worker_id, "worker started");
        while !*shutdown.borrow() {
            let lease_ms = millis(self.config.lease);
            match self.db.claim_job(&worker_id, lease_ms).await {
                Ok(Some(job)) => {
                    let span = info_span!("job", id = job.id.get(), kind = %job.kind, attempt = job.attempts);
                    self.execute(&worker_id, job).instrument(span).await;
                    continue;
                }
                Ok(None) => {}
                Err(err) => warn!(error = %err, "claiming a job failed"),
            }
            tokio::select! {
                _ = tokio::time::sleep(self.config.poll_interval) => {}
                _ = shutdown.changed() => {}
            }
        }
        info!(worker = %worker_id, "worker stopped");
    }

    /// Runs one claimed job to its end: done, retried later, or dead.
    async fn execute(&self, worker_id: &str, job: Job) {
        let started = Instant::now();
        if job.attempts > job.max_attempts {
            // Claimed more often than allowed: earlier holders died or hung on it every time.
            let reason = format!(
                "gave up after {} attempts: the worker stopped or timed out each time",
                job.max_attempts
            );
            self.give_up(worker_id, &job, "worker-lost", &reason).await;
            return;
        }
        let Some(handler) = self.handlers.get(job.kind.as_str()).cloned() else {
            let reason = format!("no handler for job kind '{}'", job.kind);
            self.give_up(worker_id, &job, "job-kind-unknown", &reason)
                .await;
            return;
        };
        let ctx = JobContext {
            db: self.db.clone(),
            store: self.store.clone(),
            worker_id: worker_id.to_owned(),
            media_timeout: self.config.media_timeout,
            media: self.media.clone(),
            max_attempts: self.config.max_attempts,
        };
        let (stop_renewal, renewal) = self.keep_lease(worker_id, job.id);
        let result = handler.run(&job, &ctx).await;
        let _ = stop_renewal.send(true);
        let _ = renewal.await;

        let elapsed = started.elapsed().as_secs_f64();
        let outcome = match result {
            Ok(()) => {
                info!(seconds = elapsed, "job done");
                "done"
            }
            Err(JobError::LeaseLost) => {
                warn!("lease lost; another worker owns the job now");
                "lease_lost"
            }
            Err(JobError::Permanent { code, reason }) => {
                warn!(code = %code, reason = %reason, "job failed permanently");
                self.give_up(worker_id, &job, &code, &reason).await;
                "dead"
            }
            Err(JobError::Transient(reason)) if job.attempts >= job.max_attempts => {
                warn!(reason = %reason, "job failed on its last attempt");
                let reason = format!("failed {} times; last error: {reason}", job.attempts);
                self.give_up(worker_id, &job, "processing-failed", &reason)
                    .await;
                "dead"
            }
            Err(JobError::Transient(reason)) => {
                let delay = self.backoff(job.attempts);
                warn!(reason = %reason, retry_in_ms = millis(delay), "job failed; will retry");
                let run_after = now_millis() + millis(delay);
                if let Err(err) = self
                    .db
                    .retry_later(job.id, worker_id, &reason, run_after)
                    .await
                {
                    error!(error = %err, "could not schedule the retry; the lease will expire");
                }
                self.metrics
                    .job_failures
                    .with_label_values(&[&job.kind, "retry"])
                    .inc();
                "retry"
            }
        };
        self.metrics
            .job_duration
            .with_label_values(&[&job.kind, outcome])
            .observe(elapsed);
    }

    /// Renews the lease every third of its length until told to stop, recording no progress
    /// (handlers report their own).
    fn keep_lease(
        &self,
        worker_id: &str,
        job_id: JobId,
    ) -> (watch::Sender<bool>, tokio::task::JoinHandle<()>) {
        let (stop, mut stopped) = watch::channel(false);
        let db = self.db.clone();
        let worker_id = worker_id.to_owned();
        let lease = self.config.lease;
        let handle = tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(lease / 3) => {}
                    _ = stopped.changed() => return,
                }
                match db
                    .renew_lease(job_id, &worker_id, millis(lease), None)
                    .await
                {
                    Ok(true) => {}
                    Ok(false) => return,
                    Err(err) => warn!(error = %err, "lease renewal failed; retrying"),
                }
            }
        });
        (stop, handle)
    }

    fn backoff(&self, attempts: i32) -> Duration {
        let exponent = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(20);
        let base = self.config.backoff_base.saturating_mul(1 << exponent);
        let capped = base.min(self.config.backoff_max);
        // Up to 25% jitter so jobs that failed together do not retry together.
        let jitter = rand::thread_rng().gen_range(0.0..0.25);
        capped.mul_f64(1.0 + jitter)
    }

    /// Buries the job and fails its asset with a reason, in one transaction.
    async fn give_up(&self, worker_id: &str, job: &Job, code: &str, reason: &str) {
        self.metrics
            .job_failures
            .with_label_values(&[&job.kind, "dead"])
            .inc();
        if let Err(err) = self.bury_and_fail(worker_id, job, code, reason).await {
            error!(error = %err, "could not record the failure; the lease will expire");
            return;
        }
        // What the asset's jobs stored before it failed (a long video's finished chunks) is
        // nobody's now.
        if let Some(asset_id) = job.asset_id.as_deref() {
            remove_if_abandoned(&self.db, self.store.as_ref(), asset_id).await;
        }
    }

    async fn bury_and_fail(
        &self,
        worker_id: &str,
        job: &Job,
        code: &str,
        reason: &str,
    ) -> Result<(), DbError> {
        let failed = job.asset_id.as_deref().map(|asset_id| StateChange {
            asset_id,
            from: AssetState::Processing,
            to: AssetState::Failed,
            expected_version: None,
            actor: Actor::System,
            action: "processing_failed",
            details: json!({ "job_id": job.id.get(), "code": code, "reason": reason }),
            failure: Some((code, reason)),
            metadata: None,
        });
        // `false`, a lost lease, changed nothing: the job's new holder decides how it ends.
        self.db
            .bury_job(job.id, worker_id, &format!("{code}: {reason}"), failed)
            .await?;
        Ok(())
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}
