//! How an editorial use case fails: each case is one that a caller answers differently (the
//! API with its status and code, the pages with their message), so none is folded into another.
//! A database failure is an error, never an empty answer.

use vocweek_db::DbError;
use vocweek_domain::{CREDIT_MAX_CHARS, DomainError, ReviewAction, TITLE_MAX_CHARS};
use vocweek_pipeline::IngestError;
use vocweek_storage::StorageError;

/// Why an editorial use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum EditorialError {
    /// No such item, or one the actor may not see: the same answer for both, so that another
    /// desk's (or another unit's) items cannot be probed.
    #[error("asset not found")]
    NotFound,
    /// The actor may not do this (to this item).
    #[error("{0}")]
    Forbidden(Forbidden),
    /// Optimistic locking: the item changed since the version the actor saw.
    #[error("asset {id} changed since version {version}; reload and try again")]
    Conflict {
        id: String,
        /// The version the actor named.
        version: i32,
        /// What the item looks like now (`None`: it is gone, or not looked up in a bulk run).
        current: Option<Conflicted>,
    },
    /// The item's state does not allow it.
    #[error("{0}")]
    NotAllowed(NotAllowed),
    /// The request itself is wrong; [`Invalid::field`] names the field.
    #[error("{0}")]
    Invalid(Invalid),
    /// The ingest refused or failed a replacement file (another kind, the same bytes, bytes
    /// of another item, a size limit, an outage).
    #[error(transparent)]
    Ingest(IngestError),
    #[error("blob storage failed: {0}")]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Database(#[from] DbError),
}

/// The state and version of an item that changed under a conflicting request, so that the
/// actor can decide again on what it is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflicted {
    pub state: String,
    pub version: i32,
}

/// Who may not do what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Forbidden {
    /// Deciding (and bulk work) is for editors and admins.
    #[error("only editors and admins decide items")]
    NotStaff,
    /// Partners act on no item; they read the feed.
    #[error("partners read approved assets through the partner feed")]
    Partner,
    /// An editor account without a desk reaches nothing.
    #[error("this editor account has no desk; an admin must give it one")]
    NoDesk,
    /// A unit corrects only the items it sent itself (not those it sent again as duplicates).
    #[error("only the unit that sent the item may correct it")]
    NotYourUnit,
    /// Only the unit that sent an item replaces its file; editors return it with a note.
    #[error("only the unit that sent the item may replace its file")]
    NotSender,
    /// Deleting is for admins and for the unit that sent the item.
    #[error("only an administrator, or the unit that sent it, may delete an item")]
    NotDeleter,
}

/// What the item's state does not allow.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum NotAllowed {
    /// The review state machine has no such move (recommending an item not approved, …).
    #[error(transparent)]
    Transition(DomainError),
    /// A unit corrects its item only once the editors returned it.
    #[error("a unit can correct an item only after the editors returned it")]
    NotReturned,
    /// Nothing is edited while the workers still process the item.
    #[error("the item is still being processed; edit it once it is in review")]
    StillProcessing,
    /// A unit cannot withdraw an item the editors approved.
    #[error("an approved item can no longer be withdrawn; ask the provincial office")]
    Decided,
    /// A photo or video whose unit declared no portrait consent is recommended only when the
    /// editor confirms it (`confirm_without_consent`).
    #[error(
        "the unit has not confirmed the portrait consent for this item; confirm to recommend it anyway"
    )]
    ConsentUnconfirmed,
    /// A 典型案例 has no uploaded file to replace: its Word document is written from its fields.
    #[error("a case has no file to replace: correct its fields, or send the case again")]
    CaseHasNoFile,
    /// Clips are cut from video items that were processed.
    #[error("clips are cut from processed video items")]
    NotAVideo,
    /// Another unit sent the same bytes (one item by dedupe): replacing them would change what
    /// that unit sent.
    #[error("another unit sent the same file; correct the item's fields or send a new item")]
    SharedFile,
}

/// What is wrong with the request.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum Invalid {
    /// Not one of the review actions.
    #[error(transparent)]
    Action(DomainError),
    /// Rejecting and returning tell the unit why.
    #[error("'{}' needs a note telling the unit why", .0.as_str())]
    NoteRequired(ReviewAction),
    /// Empty, or longer than [`TITLE_MAX_CHARS`].
    #[error("the title must have 1 to {max} characters", max = TITLE_MAX_CHARS)]
    Title,
    /// The credit line (作者/摄影) is longer than [`CREDIT_MAX_CHARS`].
    #[error("the credit may have at most {max} characters", max = CREDIT_MAX_CHARS)]
    Credit,
    /// A control character in a text field (`title`, `description`; in `credit` line breaks
    /// too).
    #[error(
        "the field '{field}' contains the control character U+{:04X}",
        u32::from(*.character)
    )]
    ControlCharacter {
        field: &'static str,
        character: char,
    },
    /// Tags the campaign's vocabulary does not have, or that do not fit together.
    #[error(transparent)]
    Tags(DomainError),
    /// A clip's in- and out-points: from 0, at least a second apart, within the video.
    #[error(
        "a clip runs from an in-point at or after 0 to an out-point at least a second later, within the video's {length:.1} s"
    )]
    ClipRange { length: f64 },
}

impl Invalid {
    /// The request's field at fault.
    pub fn field(&self) -> &'static str {
        match self {
            Invalid::Action(_) => "action",
            Invalid::NoteRequired(_) => "note",
            Invalid::Title => "title",
            Invalid::Credit => "credit",
            Invalid::ControlCharacter { field, .. } => field,
            Invalid::Tags(_) => "tags",
            Invalid::ClipRange { .. } => "to_seconds",
        }
    }
}

impl From<Forbidden> for EditorialError {
    fn from(forbidden: Forbidden) -> Self {
        EditorialError::Forbidden(forbidden)
    }
}

impl From<NotAllowed> for EditorialError {
    fn from(refusal: NotAllowed) -> Self {
        EditorialError::NotAllowed(refusal)
    }
}

impl From<Invalid> for EditorialError {
    fn from(invalid: Invalid) -> Self {
        EditorialError::Invalid(invalid)
    }
}

impl EditorialError {
    /// A failure of a service below (the database, the blob store) rather than a refusal:
    /// worth a line in the log when a bulk run counts it as skipped.
    pub fn is_failure(&self) -> bool {
        match self {
            EditorialError::Database(_) | EditorialError::Storage(_) => true,
            EditorialError::Ingest(err) => err.is_ours(),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_say_what_and_which_field() {
        let control = Invalid::ControlCharacter {
            field: "description",
            character: '\u{1}',
        };
        assert_eq!(
            control.to_string(),
            "the field 'description' contains the control character U+0001"
        );
        assert_eq!(control.field(), "description");
        assert_eq!(
            Invalid::NoteRequired(ReviewAction::Return).to_string(),
            "'return' needs a note telling the unit why"
        );
        assert_eq!(
            Invalid::Title.to_string(),
            "the title must have 1 to 200 characters"
        );
        assert_eq!(
            Invalid::Credit.to_string(),
            "the credit may have at most 100 characters"
        );
        assert_eq!(Invalid::Credit.field(), "credit");
        assert!(EditorialError::Database(DbError::Corrupt("x".to_owned())).is_failure());
        assert!(!EditorialError::NotFound.is_failure());
    }
}
