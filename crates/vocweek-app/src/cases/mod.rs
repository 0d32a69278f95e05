//! The 典型案例 (case) use cases: a unit writes a case in a form — title, summary, body,
//! contacts, tags, and its own photos and videos attached — and vocweek writes it as a Word
//! document, the case's original, stored and queued like an upload; the editors read its
//! fields and attachments on the item's page, and see from each attached item the cases that
//! attach it. Who may send one (a unit), what it may attach (its own photos and videos, not
//! failed ones) and the fields' bounds are written here, once, for the JSON API and the pages.
//!
//! One file per job: how it fails (`error`), the fields and their bounds (`input`), creating
//! a case (`create`), and what a page shows of one (`view`).

mod create;
mod error;
mod input;
mod view;

use std::sync::Arc;

use vocweek_db::Db;
use vocweek_pipeline::Ingestor;
use vocweek_storage::BlobStore;

pub use error::{CaseError, InvalidCase};
pub use input::CaseInput;
pub use view::{CaseLinks, CaseView};

/// The cases service: the database, the blob store (the attachments' pictures go into the
/// document) and the ingestor that stores and records the document as any upload.
#[derive(Clone)]
pub struct Cases {
    db: Db,
    store: Arc<dyn BlobStore>,
    ingestor: Ingestor,
}

impl std::fmt::Debug for Cases {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cases")
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl Cases {
    pub fn new(db: Db, store: Arc<dyn BlobStore>, ingestor: Ingestor) -> Self {
        Cases {
            db,
            store,
            ingestor,
        }
    }
}
