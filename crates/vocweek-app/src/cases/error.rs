//! How a cases use case fails: each refusal is one a caller answers differently (the API with
//! its status and code, the pages with their message). A database failure is an error, never
//! an empty answer.

use vocweek_db::DbError;
use vocweek_pipeline::IngestError;
use vocweek_pipeline::word::WordError;

/// Why a case was not created or shown.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// Only units send cases.
    #[error("only a unit's upload token sends a case")]
    NotAUnit,
    /// The request itself is wrong: a missing or over-long field, too many contacts or
    /// attachments.
    #[error("{0}")]
    Invalid(InvalidCase),
    /// An attachment that is not one of the unit's own photos or videos (or does not exist:
    /// the same answer, so that other units' ids cannot be probed).
    #[error("asset {0} is not a photo or video of this unit")]
    Attachment(String),
    /// The title, credit or tags as an upload's are checked (`missing-title`, `unknown-tag`…),
    /// or storing the document failed.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// Writing the case's document failed.
    #[error("writing the case's document failed: {0}")]
    Document(#[from] WordError),
    #[error(transparent)]
    Database(#[from] DbError),
}

/// What is wrong with a case's fields; each has its own code in the API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidCase {
    #[error("a case needs a summary")]
    NoSummary,
    #[error("a case needs a body")]
    NoBody,
    #[error("the summary is longer than {max} characters")]
    SummaryTooLong { max: usize },
    #[error("the body is longer than {max} characters")]
    BodyTooLong { max: usize },
    #[error("a case names at most {max} contacts")]
    TooManyContacts { max: usize },
    #[error("contact {index}: a contact needs a name")]
    ContactWithoutName { index: usize },
    #[error("contact {index}: the field '{field}' is longer than {max} characters")]
    ContactTooLong {
        index: usize,
        field: &'static str,
        max: usize,
    },
    #[error("a case attaches at most {max} photos and videos")]
    TooManyAttachments { max: usize },
    #[error("asset {0} is attached twice")]
    AttachedTwice(String),
    /// A control character (other than a line break in the summary or body, or a tab).
    #[error("the field '{0}' contains a control character")]
    ControlCharacter(&'static str),
}

impl InvalidCase {
    /// The stable code the API answers with.
    pub fn code(&self) -> &'static str {
        match self {
            InvalidCase::NoSummary => "missing-summary",
            InvalidCase::NoBody => "missing-body",
            InvalidCase::SummaryTooLong { .. } => "summary-too-long",
            InvalidCase::BodyTooLong { .. } => "body-too-long",
            InvalidCase::TooManyContacts { .. } => "too-many-contacts",
            InvalidCase::ContactWithoutName { .. } => "missing-contact-name",
            InvalidCase::ContactTooLong { .. } => "contact-too-long",
            InvalidCase::TooManyAttachments { .. } => "too-many-attachments",
            InvalidCase::AttachedTwice(_) => "attachment-listed-twice",
            InvalidCase::ControlCharacter(_) => "invalid-field",
        }
    }
}

impl From<InvalidCase> for CaseError {
    fn from(invalid: InvalidCase) -> Self {
        CaseError::Invalid(invalid)
    }
}
