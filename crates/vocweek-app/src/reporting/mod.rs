//! The reporting use cases: what a unit owes the province for a campaign besides its daily
//! material (seed 四(二), 附件2): the website and liaison it registers and the plan it sends
//! before the week, the statistics table (drafts, then the final submission) and the summary
//! report after it. Who reads and who changes which unit's reports (the unit its own, a desk
//! its units, read only), that reports change in the active campaign only, which kinds of unit
//! owe what, and that the values are checked (`vocweek_domain::reporting`) are written here,
//! once. Deadlines are the database's clock against the campaign's due days: the first time a
//! part was sent is stored, and whether that was late is read from it.
//!
//! One file per job: how it can fail (`error`), whose reports the actor reaches (`access`),
//! then the registration (`registration`), the statistics table (`statistics`) and the plan
//! and summary report (`documents`).

mod access;
mod documents;
mod error;
mod registration;
mod statistics;

use vocweek_db::Db;
use vocweek_pipeline::Ingestor;

pub use access::{ReportTarget, ReportingUnit, UnitReport};
pub use documents::DocumentUpload;
pub use error::{Obligation, ReportForbidden, ReportingError};
pub use registration::RegistrationInput;
pub use statistics::StatisticsInput;

/// The reporting service: the database, and the ingestor that holds this node's active
/// campaign (`current`) and stages and stores the documents' bytes.
#[derive(Clone)]
pub struct Reporting {
    db: Db,
    ingestor: Ingestor,
}

impl std::fmt::Debug for Reporting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reporting").finish_non_exhaustive()
    }
}

impl Reporting {
    pub fn new(db: Db, ingestor: Ingestor) -> Self {
        Reporting { db, ingestor }
    }
}
