//! Job kinds and their handlers. A handler is idempotent: it may run again after a crash, and
//! a second run finds its work done (or redoes it onto the same keys).

mod article_work;
mod photo_work;
mod process_asset;
mod rendition_store;
mod video_work;

use std::collections::HashMap;
use std::sync::Arc;

use vocweek_db::entities::job;
use vocweek_db::jobs::NewJob;
use vocweek_db::{Db, DbError};
use vocweek_storage::{BlobStore, StorageError};

pub use process_asset::{PROCESS_ASSET, ProcessAsset, process_asset_job};

/// Why a job run failed, which decides what happens next.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The input itself is bad (corrupt media…): retrying cannot help, the asset fails now.
    #[error("{reason}")]
    Permanent { code: String, reason: String },
    /// Something around us failed (database, storage, a timeout): retry with backoff.
    #[error("{0}")]
    Transient(String),
    /// Our lease ran out and another worker owns the job now; drop our result.
    #[error("the job's lease was lost to another worker")]
    LeaseLost,
}

impl From<DbError> for JobError {
    fn from(err: DbError) -> Self {
        JobError::Transient(err.to_string())
    }
}

impl From<StorageError> for JobError {
    fn from(err: StorageError) -> Self {
        JobError::Transient(err.to_string())
    }
}

/// A blocking media task that did not return: a panic inside a decoder is the file's fault
/// (permanent, the asset fails with a code); a cancelled task is ours (retried).
pub(crate) fn blocking_failure(err: tokio::task::JoinError, what: &str) -> JobError {
    if err.is_panic() {
        JobError::Permanent {
            code: "media-decoder-crashed".to_owned(),
            reason: format!("the {what} decoder crashed on this file"),
        }
    } else {
        JobError::Transient(format!("the {what} task was cancelled"))
    }
}

/// What a handler gets besides its job.
#[derive(Clone)]
pub struct JobContext {
    pub db: Db,
    pub store: Arc<dyn BlobStore>,
    pub worker_id: String,
    /// The longest a blocking media step may run before the job is given up as timed out.
    pub media_timeout: std::time::Duration,
    pub media: Arc<MediaLimits>,
    /// Attempts given to jobs this job enqueues (pictures found in an article).
    pub max_attempts: i32,
}

/// Media settings shared by every job of a process.
pub struct MediaLimits {
    pub photo: vocweek_media::photo::PhotoSettings,
    /// Photos decoded at the same time (each holds a full-size decode in memory).
    pub photo_permits: Arc<tokio::sync::Semaphore>,
    /// Largest Hamming distance at which a stored photo counts as a near-duplicate.
    pub similar_distance: u32,
    pub video: vocweek_media::video::VideoSettings,
    /// Transcodes at the same time (each keeps every core busy).
    pub video_permits: Arc<tokio::sync::Semaphore>,
    pub video_time_limit: TimeLimit,
}

/// How long a transcode may run: `factor` × the video's duration, at least `minimum`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeLimit {
    pub factor: f64,
    pub minimum: std::time::Duration,
}

impl Default for TimeLimit {
    fn default() -> Self {
        TimeLimit {
            factor: 4.0,
            minimum: std::time::Duration::from_secs(600),
        }
    }
}

impl TimeLimit {
    pub fn for_duration(&self, seconds: Option<f64>) -> std::time::Duration {
        let scaled = seconds
            .filter(|s| s.is_finite() && *s > 0.0)
            .map(|s| std::time::Duration::from_secs_f64((s * self.factor).min(1.0e7)))
            .unwrap_or_default();
        scaled.max(self.minimum)
    }
}

impl MediaLimits {
    pub fn new(
        photo: vocweek_media::photo::PhotoSettings,
        photo_concurrency: usize,
        similar_distance: u32,
    ) -> Self {
        MediaLimits {
            photo,
            photo_permits: Arc::new(tokio::sync::Semaphore::new(photo_concurrency.max(1))),
            similar_distance: similar_distance.min(vocweek_db::similar::MAX_GUARANTEED_DISTANCE),
            video: vocweek_media::video::VideoSettings::default(),
            video_permits: Arc::new(tokio::sync::Semaphore::new(1)),
            video_time_limit: TimeLimit::default(),
        }
    }

    pub fn with_video(
        mut self,
        video: vocweek_media::video::VideoSettings,
        concurrency: usize,
        time_limit: TimeLimit,
    ) -> Self {
        self.video = video;
        self.video_permits = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
        self.video_time_limit = time_limit;
        self
    }
}

/// One kind of background work.
#[async_trait::async_trait]
pub trait JobHandler: Send + Sync {
    /// Does the work and, on success, commits its result together with
    /// `vocweek_db::jobs::complete` in one transaction.
    async fn run(&self, job: &job::Model, ctx: &JobContext) -> Result<(), JobError>;
}

/// Handlers by job kind; later features register theirs here.
pub fn default_handlers() -> HashMap<&'static str, Arc<dyn JobHandler>> {
    let mut handlers: HashMap<&'static str, Arc<dyn JobHandler>> = HashMap::new();
    handlers.insert(PROCESS_ASSET, Arc::new(ProcessAsset));
    handlers
}

pub(crate) fn new_job<'a>(kind: &'a str, asset_id: &'a str, max_attempts: i32) -> NewJob<'a> {
    NewJob {
        kind,
        asset_id: Some(asset_id),
        payload: serde_json::json!({ "asset_id": asset_id }),
        max_attempts,
    }
}
