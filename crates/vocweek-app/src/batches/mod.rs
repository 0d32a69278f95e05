//! The recommendation batches use cases: a desk's ordered selection of recommended items for
//! the Ministry, composed (created, its items set), sent, and exported as one zip (originals,
//! previews, the list as Excel and JSON). Who may see and compose which batch (an editor its
//! desk's, an admin any), that only recommended items of the batch's desk join it, and that a
//! sent batch is frozen are written here, once, for the JSON API and the pages (the items
//! themselves are checked by the data layer, in the transaction that writes them).
//!
//! One file per job: how it can fail (`error`), whose batches the actor reaches (`access`),
//! then composing (`compose`), sending (`send`: an item another batch already sent goes again
//! only when confirmed), exporting (`export`), and what is shown beside the items (`marks`:
//! 已报送过, and what changed on a sent batch's items since it was sent).

mod access;
mod compose;
mod error;
mod export;
mod marks;
mod send;

use std::sync::Arc;

use vocweek_db::Db;
use vocweek_pipeline::Ingestor;
use vocweek_storage::BlobStore;

pub use compose::NewBatch;
pub use error::{BatchError, BatchForbidden, InvalidBatch};
pub use export::{BatchExport, ZipStream};
pub use marks::BatchMarks;
pub use vocweek_db::batches::EarlierSending;

/// The batches service: the database, the blob store (the export reads the originals and
/// previews), and the ingestor that holds this node's active campaign (a new batch belongs to
/// it; the export names cities, categories and themes in its vocabulary).
#[derive(Clone)]
pub struct Batches {
    db: Db,
    store: Arc<dyn BlobStore>,
    ingestor: Ingestor,
}

impl std::fmt::Debug for Batches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batches")
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl Batches {
    pub fn new(db: Db, store: Arc<dyn BlobStore>, ingestor: Ingestor) -> Self {
        Batches {
            db,
            store,
            ingestor,
        }
    }
}
