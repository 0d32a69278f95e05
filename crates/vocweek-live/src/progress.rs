//! How far a connection has come, for the watcher that enforces its timeouts.
//!
//! The handler writes it, the connection's watcher reads it while the session runs. Atomics,
//! not the session's lock: the handler holds that lock across awaits (sink writes), and a
//! watcher waiting on it while not polling the session would wait forever.

use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use crate::IngestSettings;

const CONNECTING: u8 = 0;
const PUBLISHING: u8 = 1;
const UNPUBLISHED: u8 = 2;

/// Why the watcher cut a session off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cut {
    /// No publish was taken within `handshake_timeout`.
    NoPublishInTime,
    /// No media within `idle_timeout`.
    Idle,
    /// Still connected `unpublish_linger` after `deleteStream`.
    Lingered,
    /// The ingest is shutting down.
    Shutdown,
}

pub(crate) struct Progress {
    accepted_at: Instant,
    phase: AtomicU8,
    /// Milliseconds from `accepted_at` to the last media tag or change of phase.
    last_event_ms: AtomicU64,
}

impl Progress {
    pub(crate) fn accepted_now() -> Self {
        Self {
            accepted_at: Instant::now(),
            phase: AtomicU8::new(CONNECTING),
            last_event_ms: AtomicU64::new(0),
        }
    }

    pub(crate) fn publishing(&self) {
        self.media_arrived();
        self.phase.store(PUBLISHING, Ordering::Release);
    }

    /// No publish taken yet (handshake, connect, waiting for the directory).
    pub(crate) fn is_connecting(&self) -> bool {
        self.phase.load(Ordering::Acquire) == CONNECTING
    }

    pub(crate) fn unpublished(&self) {
        self.media_arrived();
        self.phase.store(UNPUBLISHED, Ordering::Release);
    }

    pub(crate) fn media_arrived(&self) {
        let elapsed = self.accepted_at.elapsed().as_millis();
        self.last_event_ms.store(
            u64::try_from(elapsed).unwrap_or(u64::MAX),
            Ordering::Release,
        );
    }

    /// When the session is to be cut off if nothing changes, and what for.
    pub(crate) fn deadline(&self, settings: &IngestSettings) -> (Instant, Cut) {
        let last_event = later(
            self.accepted_at,
            Duration::from_millis(self.last_event_ms.load(Ordering::Acquire)),
        );
        match self.phase.load(Ordering::Acquire) {
            CONNECTING => (
                later(self.accepted_at, settings.handshake_timeout),
                Cut::NoPublishInTime,
            ),
            PUBLISHING => (later(last_event, settings.idle_timeout), Cut::Idle),
            _ => (later(last_event, settings.unpublish_linger), Cut::Lingered),
        }
    }
}

/// `at + wait`, without the panic of an overflowing instant for an absurd setting.
fn later(at: Instant, wait: Duration) -> Instant {
    const A_YEAR: Duration = Duration::from_secs(365 * 24 * 60 * 60);
    at.checked_add(wait).unwrap_or_else(|| at + A_YEAR)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> IngestSettings {
        IngestSettings {
            handshake_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(5),
            unpublish_linger: Duration::from_secs(2),
            ..IngestSettings::default()
        }
    }

    #[test]
    fn each_phase_has_its_own_deadline() {
        let progress = Progress::accepted_now();
        let start = progress.accepted_at;
        assert_eq!(
            progress.deadline(&settings()),
            (start + Duration::from_secs(10), Cut::NoPublishInTime)
        );

        progress.publishing();
        let (idle_at, cut) = progress.deadline(&settings());
        assert_eq!(cut, Cut::Idle);
        assert!(idle_at >= start + Duration::from_secs(5));
        assert!(idle_at < start + Duration::from_secs(10));

        progress.unpublished();
        let (linger_at, cut) = progress.deadline(&settings());
        assert_eq!(cut, Cut::Lingered);
        assert!(linger_at >= start + Duration::from_secs(2));
        assert!(linger_at < start + Duration::from_secs(5));
    }

    #[test]
    fn an_absurd_timeout_does_not_overflow() {
        let progress = Progress::accepted_now();
        let settings = IngestSettings {
            handshake_timeout: Duration::MAX,
            ..IngestSettings::default()
        };
        let (at, _) = progress.deadline(&settings);
        assert!(at > progress.accepted_at);
    }
}
