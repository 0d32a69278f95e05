//! What the caller of a transcode sees and steers from another thread: progress and
//! cancellation (the job's lease renewal, an asset deleted meanwhile, the time limit).

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

#[derive(Debug, Default)]
pub struct Control {
    /// Progress in ten-thousandths, so it fits an atomic integer.
    progress: AtomicU32,
    cancelled: AtomicBool,
}

impl Control {
    pub fn new() -> Self {
        Self::default()
    }

    /// Progress from 0.0 to 1.0: the decoded timestamp over the duration.
    pub fn progress(&self) -> f64 {
        f64::from(self.progress.load(Ordering::Relaxed)) / 10_000.0
    }

    pub(crate) fn set_progress(&self, fraction: f64) {
        let value = (fraction.clamp(0.0, 1.0) * 10_000.0).round() as u32;
        self.progress.store(value, Ordering::Relaxed);
    }

    /// Asks the transcode to stop at its next packet; it returns `MediaError::Cancelled`.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}

/// Progress as seconds of output over the expected duration (none when the container declares
/// none: nothing to measure against). A chunk measures from its own start (`from`).
pub(crate) struct Progress<'a> {
    pub control: &'a Control,
    pub total: Option<f64>,
    /// Seconds of output before the part measured: 0, or a chunk's start.
    pub from: f64,
}

impl Progress<'_> {
    pub fn at(&self, seconds: f64) {
        if let Some(total) = self.total.filter(|t| *t > 0.0) {
            self.control.set_progress((seconds - self.from) / total);
        }
    }
}
