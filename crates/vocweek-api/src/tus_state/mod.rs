//! What a node keeps for resumable uploads across requests: its settings, where partial
//! uploads live, and the running hashes of uploads arriving in order. Held by `AppState`, so
//! it sits below the tus handlers (`crate::tus`) rather than inside them. The `[resumable]`
//! section they come from is here too ([`ResumableConfig`]).

mod resumable_config;
mod running_hash;

use std::time::Duration;

use vocweek_storage::PartialUploads;

pub use resumable_config::ResumableConfig;

/// How this node serves resumable uploads.
#[derive(Debug, Clone)]
pub struct TusSettings {
    /// Where the bytes of uploads in progress are kept (shared by the API nodes).
    pub partials: PartialUploads,
    /// This process, in the names of the write leases it takes (for the logs and the admin
    /// reading the table): unique per start.
    pub node: String,
    /// A writer that stops renewing (a killed node) blocks the upload at most this long.
    pub lease: Duration,
    /// An upload not written to for this long is removed (`Upload-Expires`).
    pub expire_after: Duration,
    /// BLAKE3 of uploads arriving here in order.
    pub hashes: std::sync::Arc<running_hash::RunningHashes>,
}

impl TusSettings {
    pub fn new(partials: PartialUploads, lease: Duration, expire_after: Duration) -> Self {
        let host = std::env::var("HOSTNAME").unwrap_or_default();
        TusSettings {
            partials,
            node: format!("{host}:{}:{}", std::process::id(), uuid::Uuid::now_v7()),
            lease,
            expire_after,
            hashes: Default::default(),
        }
    }

    pub fn lease_ms(&self) -> i64 {
        i64::try_from(self.lease.as_millis()).unwrap_or(i64::MAX)
    }

    pub fn expiry_from_now(&self) -> i64 {
        vocweek_db::now_millis() + i64::try_from(self.expire_after.as_millis()).unwrap_or(i64::MAX)
    }
}
