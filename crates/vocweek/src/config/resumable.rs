//! `[resumable]`: how long resumable (tus) uploads live, and how long one writer holds one.

use serde::Deserialize;

/// Resumable (tus) uploads.
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
