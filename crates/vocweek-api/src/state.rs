use std::sync::Arc;

use vocweek_db::Db;
use vocweek_pipeline::{Ingestor, Metrics};
use vocweek_storage::BlobStore;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub ingestor: Ingestor,
    pub metrics: Metrics,
    pub store: Arc<dyn BlobStore>,
    /// Resumable uploads (tus).
    pub tus: Arc<crate::tus::TusSettings>,
    /// Partner distribution: signing, rate limits, long-poll wake-ups.
    pub distribution: Arc<crate::Distribution>,
    /// Failed sign-ins per username (API and web).
    pub sign_in_throttle: Arc<crate::web::SignInThrottle>,
}

impl AppState {
    /// An editorial decision through the one review service; wakes this node's feed
    /// long-polls, since an approval may have published something.
    pub async fn decide(
        &self,
        decision: vocweek_db::review::Decision<'_>,
    ) -> vocweek_db::DbResult<vocweek_db::assets::AssetRecord> {
        let decided = self.db.decide(decision).await;
        if decided.is_ok() {
            self.distribution.feed_changed.notify_waiters();
        }
        decided
    }
}
