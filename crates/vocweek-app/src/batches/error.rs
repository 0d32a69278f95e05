//! How a batches use case fails: each case is one that a caller answers differently (the API
//! with its status and code, the pages with their message), so none is folded into another.
//! A database failure is an error, never an empty answer.

use vocweek_db::DbError;
use vocweek_db::batches::{EarlierSending, ItemRefusal};
use vocweek_domain::DomainError;
use vocweek_pipeline::ExportError;

/// Why a batches use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// No such batch, or another desk's: the same answer for both, so that another desk's
    /// batches cannot be probed.
    #[error("batch not found")]
    NotFound,
    /// The actor composes no batches at all.
    #[error("{0}")]
    Forbidden(BatchForbidden),
    /// A sent batch is frozen: its items and its state no longer change.
    #[error("batch {id} was already sent")]
    Sent { id: i32 },
    /// Items of the batch that other batches already took to the Ministry (each with such a
    /// batch), and the sender did not confirm sending them again.
    #[error("{}", already_sent(.0))]
    AlreadySentItems(Vec<EarlierSending>),
    /// An item named for the batch that does not exist, or is not of the batch's desk.
    #[error("asset {0} not found")]
    NoSuchItem(String),
    /// The request itself is wrong, or the batch's items do not allow it.
    #[error("{0}")]
    Invalid(InvalidBatch),
    /// The export could not start (reading the units, a blob, or writing the manifest).
    #[error("the export could not start: {0}")]
    Export(#[from] ExportError),
    #[error(transparent)]
    Database(#[from] DbError),
}

/// Who composes no batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BatchForbidden {
    /// Units and partners.
    #[error("only editors and admins compose recommendation batches")]
    NotStaff,
    /// An editor account without a desk reaches nothing.
    #[error("this editor account has no desk; an admin must give it one")]
    NoDesk,
}

/// What is wrong with the request, or with the batch for it.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum InvalidBatch {
    /// A batch is created with a title.
    #[error("a batch needs a title")]
    NoTitle,
    /// An admin belongs to no desk, so names the batch's.
    #[error("an admin names the batch's desk")]
    NoDesk,
    /// The desk named is not one.
    #[error(transparent)]
    Desk(DomainError),
    /// An item named twice in the batch's items.
    #[error("asset {0} is listed twice")]
    Twice(String),
    /// Only recommended items join a batch.
    #[error("asset {id} is {state}, not recommended")]
    NotRecommended { id: String, state: String },
    /// A batch is sent with at least one item.
    #[error("an empty batch cannot be sent")]
    Empty,
}

/// What the refusal of a second sending says: each item and the batch that sent it before.
fn already_sent(earlier: &[EarlierSending]) -> String {
    let items: Vec<String> = earlier
        .iter()
        .map(|sending| {
            format!(
                "asset {} in batch {} ({}, sent {})",
                sending.asset_id,
                sending.batch_id,
                sending.batch_title,
                sending.sent_at.format("%Y-%m-%d %H:%M UTC")
            )
        })
        .collect();
    format!(
        "already sent to the Ministry: {}; confirm the resend to send them again",
        items.join("; ")
    )
}

impl From<BatchForbidden> for BatchError {
    fn from(forbidden: BatchForbidden) -> Self {
        BatchError::Forbidden(forbidden)
    }
}

impl From<InvalidBatch> for BatchError {
    fn from(invalid: InvalidBatch) -> Self {
        BatchError::Invalid(invalid)
    }
}

/// An item the data layer refused as it wrote the batch's items, told as the same refusal the
/// callers always had for it.
impl From<ItemRefusal> for BatchError {
    fn from(refusal: ItemRefusal) -> Self {
        match refusal {
            ItemRefusal::Twice(id) => InvalidBatch::Twice(id).into(),
            ItemRefusal::NotFound(id) => BatchError::NoSuchItem(id),
            ItemRefusal::NotRecommended { id, state } => {
                InvalidBatch::NotRecommended { id, state }.into()
            }
        }
    }
}

impl BatchError {
    /// A database error of a change to batch `id`: a batch sent meanwhile is told as sent,
    /// anything else passes as it is.
    pub(super) fn of_change(id: i32, err: DbError) -> BatchError {
        match err {
            DbError::AlreadySent(_) => BatchError::Sent { id },
            other => BatchError::Database(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_say_what_and_which_item() {
        assert_eq!(
            BatchError::Sent { id: 7 }.to_string(),
            "batch 7 was already sent"
        );
        assert_eq!(
            BatchError::NoSuchItem("a1".to_owned()).to_string(),
            "asset a1 not found"
        );
        let pending = InvalidBatch::NotRecommended {
            id: "a2".to_owned(),
            state: "pending_review".to_owned(),
        };
        assert_eq!(
            BatchError::from(pending).to_string(),
            "asset a2 is pending_review, not recommended"
        );
        let sent_meanwhile = BatchError::of_change(3, DbError::AlreadySent("batch 3".to_owned()));
        assert!(matches!(sent_meanwhile, BatchError::Sent { id: 3 }));
        let broken = BatchError::of_change(3, DbError::Corrupt("a bad row".to_owned()));
        assert!(matches!(broken, BatchError::Database(_)), "{broken:?}");
        let withdrawn = BatchError::from(ItemRefusal::NotRecommended {
            id: "a3".to_owned(),
            state: "pending_review".to_owned(),
        });
        assert_eq!(
            withdrawn.to_string(),
            "asset a3 is pending_review, not recommended"
        );
        let stranger = BatchError::from(ItemRefusal::NotFound("a4".to_owned()));
        assert!(
            matches!(&stranger, BatchError::NoSuchItem(id) if id == "a4"),
            "{stranger:?}"
        );
        let twice = BatchError::from(ItemRefusal::Twice("a5".to_owned()));
        assert!(
            matches!(&twice, BatchError::Invalid(InvalidBatch::Twice(id)) if id == "a5"),
            "{twice:?}"
        );
        let again = BatchError::AlreadySentItems(vec![EarlierSending {
            asset_id: "a6".to_owned(),
            batch_id: 2,
            batch_title: "第一批推荐".to_owned(),
            sent_at: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
        }]);
        assert_eq!(
            again.to_string(),
            "already sent to the Ministry: asset a6 in batch 2 (第一批推荐, sent 1970-01-01 00:00 \
             UTC); confirm the resend to send them again"
        );
    }
}
