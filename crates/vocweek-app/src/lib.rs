//! The use cases of vocweek, between the HTTP faces (the JSON API in `vocweek-api`, the pages
//! in `vocweek-web`) and the services below them (`vocweek-db`, `vocweek-storage`,
//! `vocweek-pipeline`): each takes who acts, checks what that actor may do to what, applies the
//! rules of the domain, and answers with a result or an error the callers tell apart. No HTTP
//! here: the rules are tested against a real database without a server (`tests/`).
//!
//! One module per service: `editorial` (deciding, editing, deleting items), `campaigns`
//! (creating and activating a week), `batches` (the Ministry's recommendation batches),
//! `reporting` (what a unit registers, sends and counts for a campaign besides its daily
//! material). Who acts is [`Actor`], shared by all four.

mod actor;
pub mod batches;
pub mod campaigns;
pub mod editorial;
pub mod reporting;

pub use actor::Actor;
pub use batches::{
    BatchError, BatchExport, BatchForbidden, Batches, InvalidBatch, NewBatch, ZipStream,
};
pub use campaigns::{CampaignError, Campaigns};
pub use editorial::{
    BulkItem, BulkOutcome, Conflicted, DecisionInput, EditInput, Editorial, EditorialError,
    Forbidden, Invalid, NotAllowed, TagEdit,
};
pub use reporting::{
    DocumentUpload, Obligation, RegistrationInput, ReportForbidden, ReportTarget, Reporting,
    ReportingError, ReportingUnit, StatisticsInput, UnitReport,
};
