//! Children kept for the next task. Starting `vocweek` costs ~85 ms — its FFmpeg libraries
//! bring ~215 shared objects to load — which is more than a 12 MP photo's whole processing;
//! a pooled child pays it once for up to `max_tasks` photos or articles.
//!
//! A child goes back to the pool only after a clean answer, before its `max_tasks`-th task
//! and while its peak memory is below `reuse_below_bytes` (what glibc keeps after a big
//! decode is not handed back to the system). Anything else — a death, a kill, a protocol
//! error — drops it. What isolation a pool gives up: a child that a file managed to subvert
//! could tamper with the next tasks of the same child; it never reaches the server, other
//! children, or files outside the pool's directory. Videos are not pooled (a transcode
//! takes minutes; the start is noise).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::limits::ChildLimits;
use crate::runner::{MediaChild, MediaProgram};

pub struct ChildPool {
    program: MediaProgram,
    /// Each child's limits; CPU seconds are per task here and multiplied for its lifetime.
    limits: ChildLimits,
    dir: PathBuf,
    max_tasks: u32,
    reuse_below_bytes: u64,
    idle: Mutex<Vec<MediaChild>>,
}

impl ChildPool {
    /// A pool whose children write below `dir` (created if needed).
    pub fn new(
        program: MediaProgram,
        limits: ChildLimits,
        dir: PathBuf,
        max_tasks: u32,
        reuse_below_bytes: u64,
    ) -> ChildPool {
        ChildPool {
            program,
            limits,
            dir,
            max_tasks: max_tasks.max(1),
            reuse_below_bytes,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// The directory the pool's children may write to; tasks' directories go below it.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// An idle child, or a new one when none is idle (or the idle ones have died).
    pub async fn take(&self) -> std::io::Result<MediaChild> {
        if let Some(child) = self.idle.lock().ok().and_then(|mut idle| idle.pop()) {
            return Ok(child);
        }
        std::fs::create_dir_all(&self.dir)?;
        let lifetime = ChildLimits {
            cpu_seconds: self
                .limits
                .cpu_seconds
                .saturating_mul(u64::from(self.max_tasks)),
            ..self.limits
        };
        MediaChild::spawn_pooled(&self.program, lifetime, &self.dir).await
    }

    /// Keeps a child that answered cleanly for a later task, if it may be reused.
    pub fn give_back(&self, child: MediaChild) {
        if child.tasks() < self.max_tasks
            && child.peak_rss_bytes() < self.reuse_below_bytes
            && let Ok(mut idle) = self.idle.lock()
        {
            idle.push(child);
        }
    }
}
