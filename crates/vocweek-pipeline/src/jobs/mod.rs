//! Job kinds and their handlers. A handler is idempotent: it may run again after a crash, and
//! a second run finds its work done (or redoes it onto the same keys).

pub mod article_pictures;
mod article_work;
mod asset_work;
mod blob_join;
mod chunk_record;
mod live_publishes;
mod live_replay;
mod made_original;
mod make_clip;
mod media_child;
mod photo_work;
mod process_asset;
mod processing_commit;
mod rendition_store;
mod replay_media;
mod stitch_video;
mod transcode_chunk;
mod video_work;

use std::collections::HashMap;
use std::sync::Arc;

use vocweek_db::jobs::{Job, NewJob};
use vocweek_db::{Db, DbError};
use vocweek_media::article::ArticleLimits;
use vocweek_sandbox::{ChildLimits, ChildPool, MediaProgram, Work};
use vocweek_storage::{BlobStore, StorageError};

pub(crate) use asset_work::remove_if_abandoned;
pub use live_replay::{LIVE_REPLAY, LiveReplay};
pub use make_clip::{MAKE_CLIP, MakeClip};
pub(crate) use media_child::Scratch;
pub use process_asset::{PROCESS_ASSET, ProcessAsset, process_asset_job, replaced_file_job};
pub use stitch_video::{STITCH_VIDEO, StitchVideo, stitch_job};
pub use transcode_chunk::{TRANSCODE_CHUNK, TranscodeChunk, chunk_job};

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

/// What a handler gets besides its job.
#[derive(Clone)]
pub struct JobContext {
    pub db: Db,
    pub store: Arc<dyn BlobStore>,
    pub worker_id: String,
    /// The longest a media child may run (a video's own time limit replaces it once its
    /// duration is known).
    pub media_timeout: std::time::Duration,
    pub media: Arc<MediaLimits>,
    /// Attempts given to jobs this job enqueues (pictures found in an article).
    pub max_attempts: i32,
}

/// Media settings shared by every job of a process.
pub struct MediaLimits {
    /// The program media children run (this binary's `media-run`).
    pub program: MediaProgram,
    /// Each kind of child's memory, CPU and file-size limits.
    pub children: ChildBudgets,
    pub photo: vocweek_media::photo::PhotoSettings,
    /// Bytes of decoded pictures held at once by this process's photo children, in MiB
    /// permits: a 12 MP photo takes ~70, a 100 MP one ~600, so many small photos decode
    /// side by side while a huge one waits for room.
    pub decode_budget: Arc<tokio::sync::Semaphore>,
    decode_budget_mib: u32,
    /// Largest Hamming distance at which a stored photo counts as a near-duplicate.
    pub similar_distance: u32,
    pub article: vocweek_media::article::ArticleLimits,
    /// What becomes of the pictures inside an article.
    pub embedded_pictures: article_pictures::EmbeddedPictures,
    pub video: vocweek_media::video::VideoSettings,
    /// Transcodes at the same time (each keeps every core busy).
    pub video_permits: Arc<tokio::sync::Semaphore>,
    pub video_time_limit: TimeLimit,
    /// Photo and article children kept between jobs (set by `with_pools`).
    pools: Option<(ChildPool, ChildPool)>,
}

/// Tasks a pooled child does before it is replaced (what a long life could accumulate —
/// fragmentation, a subverted decoder's state — ends with it).
const POOL_TASKS: u32 = 32;
/// A pooled child whose peak memory passed this is replaced rather than kept.
const POOL_REUSE_BELOW: u64 = 512 * 1024 * 1024;

/// The limits of each kind of media child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChildBudgets {
    pub photo: ChildLimits,
    pub article: ChildLimits,
    pub video: ChildLimits,
    /// A live channel's transcode: a video's memory, CPU for as long as a publish may last
    /// (it ends with its stream, not with a duration known in advance), and a video's files:
    /// the publish's recording is as large as the whole stream.
    pub live: ChildLimits,
}

/// CPU seconds of a live transcode: two days of one core, or a day of two — more than any
/// competition's stream, and still an end for a child that never stops.
pub const LIVE_CPU_SECONDS: u64 = 2 * 24 * 3600;
impl ChildBudgets {
    /// The live child's limits beside a video child's.
    pub fn live_beside(video: ChildLimits) -> ChildLimits {
        ChildLimits {
            memory_bytes: video.memory_bytes,
            cpu_seconds: LIVE_CPU_SECONDS,
            file_size_bytes: video.file_size_bytes,
        }
    }

    pub fn for_work(&self, work: &Work) -> ChildLimits {
        match work {
            Work::Photo { .. } => self.photo,
            Work::Article { .. } => self.article,
            Work::Video { .. }
            | Work::VideoChunk { .. }
            | Work::VideoStitch { .. }
            | Work::LiveReplay { .. }
            | Work::Clip { .. } => self.video,
            Work::Live { .. } => self.live,
        }
    }
}

impl Default for ChildBudgets {
    fn default() -> Self {
        const MIB: u64 = 1024 * 1024;
        let video = ChildLimits {
            memory_bytes: 3072 * MIB,
            cpu_seconds: 24 * 3600,
            file_size_bytes: 64 * 1024 * MIB,
        };
        ChildBudgets {
            // The decode budget of one photo (1 GiB) and the libraries around it.
            photo: ChildLimits {
                memory_bytes: 1536 * MIB,
                cpu_seconds: 60,
                file_size_bytes: 256 * MIB,
            },
            article: ChildLimits {
                memory_bytes: 1024 * MIB,
                cpu_seconds: 60,
                file_size_bytes: 256 * MIB,
            },
            // A 4K ladder's decoder, filter graph, four x264 encoders and their threads.
            video,
            live: ChildBudgets::live_beside(video),
        }
    }
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
        program: MediaProgram,
        photo: vocweek_media::photo::PhotoSettings,
        decode_budget_bytes: u64,
        similar_distance: u32,
    ) -> Self {
        let decode_budget_mib =
            u32::try_from((decode_budget_bytes / (1024 * 1024)).max(1)).unwrap_or(u32::MAX);
        MediaLimits {
            program,
            children: ChildBudgets::default(),
            photo,
            decode_budget: Arc::new(tokio::sync::Semaphore::new(decode_budget_mib as usize)),
            decode_budget_mib,
            similar_distance: similar_distance.min(vocweek_db::similar::MAX_GUARANTEED_DISTANCE),
            article: vocweek_media::article::ArticleLimits::default(),
            embedded_pictures: article_pictures::EmbeddedPictures::default(),
            video: vocweek_media::video::VideoSettings::default(),
            video_permits: Arc::new(tokio::sync::Semaphore::new(1)),
            video_time_limit: TimeLimit::default(),
            pools: None,
        }
    }

    pub fn with_embedded_pictures(
        mut self,
        embedded_pictures: article_pictures::EmbeddedPictures,
    ) -> Self {
        self.embedded_pictures = embedded_pictures;
        self
    }

    /// Keeps photo and article children between jobs, in a directory of their own under
    /// `staging` (named for this process, so the staging sweep removes it after a crash).
    pub fn with_pools(mut self, staging: &std::path::Path) -> Self {
        let pool = |limits: ChildLimits| {
            let dir = staging.join(vocweek_storage::staging_owner::entry_name("media", "-pool"));
            ChildPool::new(
                self.program.clone(),
                limits,
                dir,
                POOL_TASKS,
                POOL_REUSE_BELOW,
            )
        };
        self.pools = Some((pool(self.children.photo), pool(self.children.article)));
        self
    }

    /// The pool for this kind of work, if it is pooled.
    pub fn pool_for(&self, work: &Work) -> Option<&ChildPool> {
        match (work, &self.pools) {
            (Work::Photo { .. }, Some((photo, _))) => Some(photo),
            (Work::Article { .. }, Some((_, article))) => Some(article),
            _ => None,
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

    pub fn with_children(mut self, children: ChildBudgets, article: ArticleLimits) -> Self {
        self.children = children;
        self.article = article;
        self
    }

    /// Waits until a decode holding `bytes` fits in the budget. A decode larger than the whole
    /// budget (the child refuses those beyond its own cap first) waits for all of it.
    pub async fn admit_decode(
        &self,
        bytes: u64,
    ) -> Result<tokio::sync::OwnedSemaphorePermit, JobError> {
        let mib = u32::try_from(bytes.div_ceil(1024 * 1024))
            .unwrap_or(u32::MAX)
            .clamp(1, self.decode_budget_mib);
        self.decode_budget
            .clone()
            .acquire_many_owned(mib)
            .await
            .map_err(|_| JobError::Transient("the photo decode budget is closed".to_owned()))
    }
}

/// One kind of background work.
#[async_trait::async_trait]
pub trait JobHandler: Send + Sync {
    /// Does the work and, on success, commits its result together with the job's completion
    /// in one transaction: a unit of work of `Db` (`Db::finish_processing`), or
    /// `Db::complete_job` when the work leaves nothing else to record.
    async fn run(&self, job: &Job, ctx: &JobContext) -> Result<(), JobError>;
}

/// Handlers by job kind; later features register theirs here.
pub fn default_handlers() -> HashMap<&'static str, Arc<dyn JobHandler>> {
    let mut handlers: HashMap<&'static str, Arc<dyn JobHandler>> = HashMap::new();
    handlers.insert(PROCESS_ASSET, Arc::new(ProcessAsset));
    handlers.insert(TRANSCODE_CHUNK, Arc::new(TranscodeChunk));
    handlers.insert(STITCH_VIDEO, Arc::new(StitchVideo));
    handlers.insert(LIVE_REPLAY, Arc::new(LiveReplay));
    handlers.insert(MAKE_CLIP, Arc::new(MakeClip));
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

/// A child that answered with another kind of result than it was asked for: its answer is
/// not to be trusted, and neither are the bytes that made it so.
pub(crate) fn wrong_answer(kind: &str) -> JobError {
    JobError::Permanent {
        code: "media-process-crashed".to_owned(),
        reason: format!("the {kind} media process gave an answer of another kind"),
    }
}
