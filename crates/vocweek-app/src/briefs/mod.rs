//! The 每日简报 (daily brief) use case: a Word document an editor downloads for a day of the
//! active campaign's week — what the daily-reporting units of their desk sent that day by kind
//! and by city (`Db::sent_on_day`, the tracker's one definition), who of them sent nothing (the
//! tracker's rule), the items approved or recommended that day, and the recommended photos'
//! pictures. An editor reads their desk's, an admin both desks'; units and partners none.
//!
//! `error` says how it fails, `daily` gathers the day and writes the document.

mod daily;
mod error;

use std::sync::Arc;

use vocweek_db::Db;
use vocweek_pipeline::Ingestor;
use vocweek_storage::BlobStore;

pub use daily::BriefDownload;
pub use error::BriefError;

/// The briefs service: the database, the blob store (the pictures) and the ingestor holding
/// this node's active campaign (its week and vocabulary) and the staging directory the
/// document is written in.
#[derive(Clone)]
pub struct Briefs {
    db: Db,
    store: Arc<dyn BlobStore>,
    ingestor: Ingestor,
}

impl std::fmt::Debug for Briefs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Briefs")
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl Briefs {
    pub fn new(db: Db, store: Arc<dyn BlobStore>, ingestor: Ingestor) -> Self {
        Briefs {
            db,
            store,
            ingestor,
        }
    }
}
