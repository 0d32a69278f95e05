//! The use cases of vocweek, between the HTTP faces (the JSON API in `vocweek-api`, the pages
//! in `vocweek-web`) and the services below them (`vocweek-db`, `vocweek-storage`,
//! `vocweek-pipeline`): each takes who acts, checks what that actor may do to what, applies the
//! rules of the domain, and answers with a result or an error the callers tell apart. No HTTP
//! here: the rules are tested against a real database without a server (`tests/`).
//!
//! One module per service: `editorial` (deciding, editing, deleting items), `campaigns`
//! (creating and activating a week), `batches` (the Ministry's recommendation batches),
//! `reporting` (what a unit registers, sends and counts for a campaign besides its daily
//! material), `notices` (what units are told, and the desks' daily reminder), `members` (a
//! unit's people with personal accounts), `cases` (a unit's 典型案例, written as a Word
//! document) and `briefs` (the editors' 每日简报). Who acts is [`Actor`], shared by all but
//! `members`, which asks who the caller is in person (`Principal`), since a unit's admin and its
//! shared token are the same [`Actor`].

mod actor;
pub mod batches;
pub mod briefs;
pub mod campaigns;
pub mod cases;
pub mod channels;
pub mod editorial;
pub mod members;
pub mod notices;
pub mod reporting;

pub use actor::Actor;
pub use batches::{
    BatchError, BatchExport, BatchForbidden, Batches, InvalidBatch, NewBatch, ZipStream,
};
pub use briefs::{BriefDownload, BriefError, Briefs};
pub use campaigns::{CampaignError, Campaigns};
pub use cases::{CaseError, CaseInput, CaseLinks, CaseView, Cases, InvalidCase};
pub use channels::{
    ChannelError, ChannelInput, ChannelState, ChannelView, Channels, CreatedChannel, LiveFile,
    PlaylistWindows, Viewer,
};
pub use editorial::{
    BulkItem, BulkOutcome, Conflicted, DecisionInput, EditInput, Editorial, EditorialError,
    Forbidden, Invalid, NotAllowed, TagEdit, consent_missing,
};
pub use members::{Invitation, Invited, MemberError, MemberForbidden, Members};
pub use notices::{NoticeError, Notices, Reminded, UnitNotice};
pub use reporting::{
    DocumentUpload, Obligation, RegistrationInput, ReportForbidden, ReportTarget, Reporting,
    ReportingError, ReportingUnit, StatisticsInput, UnitReport,
};
