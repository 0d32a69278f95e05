use vocweek_db::Db;
use vocweek_pipeline::{Ingestor, Metrics};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub ingestor: Ingestor,
    pub metrics: Metrics,
}
