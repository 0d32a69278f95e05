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
    /// Failed sign-ins per username (API and web).
    pub sign_in_throttle: Arc<crate::web::SignInThrottle>,
}
