//! `[resumable]` of `vocweek.toml`: how long resumable (tus) uploads live, how long one writer
//! holds one, and how often expired ones are swept. Its keys are the file's; [`TusSettings`],
//! what the tus handlers take, is built from them.

use std::time::Duration;

use serde::Deserialize;
use vocweek_storage::PartialUploads;

use super::TusSettings;

/// Resumable (tus) uploads. Every value works: each duration is raised to its minimum (a
/// second, an hour) rather than refused, so the section has no check.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ResumableConfig {
    /// An upload nobody wrote to for this long is removed (a weekend away fits the default).
    pub expire_hours: u64,
    /// How long a stalled writer (a killed node) can hold an upload before another takes it.
    pub lease_seconds: u64,
    /// How often workers look for expired uploads.
    pub sweep_interval_seconds: u64,
}

impl Default for ResumableConfig {
    fn default() -> Self {
        ResumableConfig {
            expire_hours: 72,
            lease_seconds: 10,
            sweep_interval_seconds: 300,
        }
    }
}

impl ResumableConfig {
    /// What this node serves resumable uploads with, their bytes kept in `partials`.
    pub fn tus_settings(&self, partials: PartialUploads) -> TusSettings {
        TusSettings::new(partials, self.lease(), self.expire_after())
    }

    /// How often workers remove expired uploads (at least every second).
    pub fn sweep_interval(&self) -> Duration {
        Duration::from_secs(self.sweep_interval_seconds.max(1))
    }

    /// A writer's hold on an upload (at least a second: a zero lease would lapse while its
    /// writer still writes).
    fn lease(&self) -> Duration {
        Duration::from_secs(self.lease_seconds.max(1))
    }

    /// An upload's life without writes (at least an hour).
    fn expire_after(&self) -> Duration {
        Duration::from_secs(self.expire_hours.max(1).saturating_mul(3600))
    }
}
