//! Runs one asset's media work in a child process and waits for it: admits a photo's decode
//! against the decoded-bytes budget, gives a video its time limit once its duration is known,
//! records a transcode's progress, kills a video child when its asset is deleted or no longer
//! `processing` (a chunk of it failed for good: the other chunks stop) or the time is up, and
//! turns how it ended into the job's result.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tracing::{info, warn};
use vocweek_db::jobs::Job;
use vocweek_domain::AssetState;
use vocweek_sandbox::{Done, Event, Failure, KillReason, MediaChild, Task, Work};

use super::{JobContext, JobError};

/// How often a video's progress is recorded and the asset's state checked.
const TICK: Duration = Duration::from_secs(2);
const MIB: u64 = 1024 * 1024;

pub enum ChildOutcome {
    Done(Done),
    /// The asset was deleted, or left `processing`, while its video was worked on: nothing
    /// to keep.
    AssetGone,
}

/// Runs `work` on `input` in a child writing into `scratch`.
pub async fn run(
    ctx: &JobContext,
    job: &Job,
    asset_id: &str,
    input: &Path,
    scratch: &Scratch,
    work: Work,
) -> Result<ChildOutcome, JobError> {
    let media = &ctx.media;
    let is_video = matches!(
        work,
        Work::Video { .. }
            | Work::VideoChunk { .. }
            | Work::VideoStitch { .. }
            | Work::LiveReplay { .. }
            | Work::Clip { .. }
    );
    // A replay's or a clip's item does not exist until its work is done: nothing to watch.
    let watches_asset = is_video && !matches!(work, Work::LiveReplay { .. } | Work::Clip { .. });
    let kind = work.name();
    let limits = media.children.for_work(&work);
    let task = Task {
        input: input.to_path_buf(),
        out_dir: scratch.path.clone(),
        work,
    };
    let pool = media.pool_for(&task.work);
    let mut child = start(media, pool, limits, &task)
        .await
        .map_err(|e| JobError::Transient(format!("starting the {kind} media process: {e}")))?;
    let mut started = Instant::now();
    // A photo or an article that waits rather than computes (a stall) still ends: twice its
    // CPU allowance in wall time. A video gets its own limit once its duration is known.
    let mut limit = if is_video {
        ctx.media_timeout
    } else {
        ctx.media_timeout
            .min(Duration::from_secs(limits.cpu_seconds.saturating_mul(2)))
    };
    let mut ticker = tokio::time::interval(TICK);
    let mut progress = 0.0;
    // Held until the child ends: the decoded picture lives as long as the child.
    let mut _admitted = None;
    let ended = loop {
        tokio::select! {
            event = child.next() => match event {
                Event::Admit(bytes) => {
                    _admitted = Some(media.admit_decode(bytes).await?);
                    // Waiting for room in the budget is not the file's time.
                    started = Instant::now();
                    if let Err(err) = child.admit().await {
                        warn!(error = %err, "the photo child went away before its admission");
                    }
                }
                // A chunk's child reports the seconds of source its chunk reads, not the
                // whole video's: the limit is the chunk's.
                Event::Probed { declared_duration_seconds } => {
                    limit = media.video_time_limit.for_duration(declared_duration_seconds);
                }
                Event::Progress(fraction) => progress = fraction,
                // Only a live transcode says these, and it is not run as a job.
                Event::LiveLadder(_) | Event::LiveSegment(_) => {}
                Event::Finished(result) => break result,
            },
            _ = ticker.tick() => {
                if started.elapsed() > limit {
                    child.kill(KillReason::TimedOut { limit_seconds: limit.as_secs() });
                } else if watches_asset && asset_left(ctx, job, asset_id, progress).await {
                    child.kill(KillReason::Cancelled);
                }
            }
        }
    };
    // A clean answer (done or refused) leaves a pooled child ready for the next task.
    if let Some(pool) = pool
        && matches!(
            ended,
            Ok(_) | Err(Failure::Refused { .. } | Failure::Transient(_))
        )
    {
        pool.give_back(child);
    }
    match ended {
        Ok(finished) => {
            info!(
                kind,
                seconds = started.elapsed().as_secs_f64(),
                peak_rss_mib = finished.peak_rss_bytes / MIB,
                "media child done"
            );
            Ok(ChildOutcome::Done(finished.done))
        }
        Err(Failure::Cancelled(_)) => Ok(ChildOutcome::AssetGone),
        Err(Failure::Transient(reason)) => Err(JobError::Transient(reason)),
        Err(failure) => Err(JobError::Permanent {
            code: failure.code().to_owned(),
            reason: failure.to_string(),
        }),
    }
}

/// A child with the task in hand: a pooled one (an idle child that died meanwhile is replaced)
/// or one of its own.
async fn start(
    media: &super::MediaLimits,
    pool: Option<&vocweek_sandbox::ChildPool>,
    limits: vocweek_sandbox::ChildLimits,
    task: &Task,
) -> std::io::Result<MediaChild> {
    let Some(pool) = pool else {
        return MediaChild::spawn(&media.program, limits, task).await;
    };
    let mut last = None;
    for _ in 0..3 {
        let mut child = pool.take().await?;
        match child.send(task).await {
            Ok(()) => return Ok(child),
            Err(err) => last = Some(err),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no media child could take the task")))
}

/// The directory a task's scratch directory goes in: its pool's, or the staging directory.
pub fn scratch_parent<'a>(ctx: &'a JobContext, work: &Work) -> &'a Path {
    match ctx.media.pool_for(work) {
        Some(pool) => pool.dir(),
        None => ctx.store.staging_dir(),
    }
}

/// Records a transcode's progress and tells whether its asset was deleted or left
/// `processing` (failed with another of its chunks). A database hiccup must not abandon a
/// running transcode: it counts as "still there".
async fn asset_left(ctx: &JobContext, job: &Job, asset_id: &str, progress: f64) -> bool {
    if let Err(err) = ctx
        .db
        .record_progress(job.id, &ctx.worker_id, progress)
        .await
    {
        warn!(error = %err, "could not record the transcode's progress");
    }
    match ctx.db.asset(asset_id).await {
        Ok(found) => found.is_none_or(|record| record.asset.state != AssetState::Processing),
        Err(err) => {
            warn!(error = %err, "could not check whether the asset still exists");
            false
        }
    }
}

/// A child's working directory beside the staging files (the same filesystem, so storing
/// its files is a rename), removed with whatever is left in it.
pub struct Scratch {
    pub path: PathBuf,
}

impl Scratch {
    pub fn new(parent: &Path) -> Result<Self, JobError> {
        let path = parent.join(vocweek_storage::staging_owner::entry_name("media", ""));
        std::fs::create_dir_all(&path)
            .map_err(|e| JobError::Transient(format!("creating {}: {e}", path.display())))?;
        Ok(Scratch { path })
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
