//! A recommendation batch's row as the other crates see it.

use chrono::{DateTime, Utc};
use vocweek_domain::Desk;

use crate::DbError;
use crate::entities::batch;

/// One batch: the `batches` row, with its desk as a domain type. Its state stays text, one of
/// `batches::DRAFT` and `batches::SENT`.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    pub id: i32,
    pub campaign_id: i32,
    pub desk: Desk,
    pub title: String,
    pub note: String,
    /// `draft` or `sent`.
    pub state: String,
    /// The user who created it.
    pub created_by: i32,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// The one place a stored batch desk is read back: another word is `Corrupt`.
impl TryFrom<batch::Model> for Batch {
    type Error = DbError;

    fn try_from(row: batch::Model) -> Result<Self, DbError> {
        let desk = Desk::parse(&row.desk)
            .map_err(|err| DbError::Corrupt(format!("batch {}: {err}", row.id)))?;
        Ok(Batch {
            id: row.id,
            campaign_id: row.campaign_id,
            desk,
            title: row.title,
            note: row.note,
            state: row.state,
            created_by: row.created_by,
            created_at: row.created_at,
            sent_at: row.sent_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(desk: &str) -> batch::Model {
        batch::Model {
            id: 9,
            campaign_id: 1,
            desk: desk.to_owned(),
            title: "第一批".to_owned(),
            note: String::new(),
            state: "draft".to_owned(),
            created_by: 2,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            sent_at: None,
        }
    }

    #[test]
    fn a_stored_desk_reads_as_a_domain_value() {
        assert_eq!(Batch::try_from(row("hr")).unwrap().desk, Desk::Hr);
        let err = Batch::try_from(row("ministry")).unwrap_err();
        assert!(
            matches!(err, DbError::Corrupt(ref why) if why.contains("batch 9")),
            "{err}"
        );
    }
}
