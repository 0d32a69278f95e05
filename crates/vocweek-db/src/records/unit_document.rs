//! A unit document's row as the other crates see it.

use chrono::{DateTime, Utc};
use vocweek_domain::reporting::DocumentPurpose;

use crate::DbError;
use crate::entities::unit_document;

/// One version of a unit's plan or summary report: the `unit_documents` row, with its purpose
/// as a domain type. The bytes are a stored original, addressed by `blake3`.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitDocument {
    pub id: i32,
    pub campaign_id: i32,
    pub unit_id: i32,
    pub purpose: DocumentPurpose,
    pub blake3: String,
    pub size: i64,
    pub mime: String,
    pub original_filename: String,
    pub submitted_at: DateTime<Utc>,
}

/// The one place a stored purpose is read back: another word is `Corrupt`.
impl TryFrom<unit_document::Model> for UnitDocument {
    type Error = DbError;

    fn try_from(row: unit_document::Model) -> Result<Self, DbError> {
        let purpose = DocumentPurpose::parse(&row.purpose)
            .map_err(|err| DbError::Corrupt(format!("unit document {}: {err}", row.id)))?;
        Ok(UnitDocument {
            id: row.id,
            campaign_id: row.campaign_id,
            unit_id: row.unit_id,
            purpose,
            blake3: row.blake3,
            size: row.size,
            mime: row.mime,
            original_filename: row.original_filename,
            submitted_at: row.submitted_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(purpose: &str) -> unit_document::Model {
        unit_document::Model {
            id: 4,
            campaign_id: 1,
            unit_id: 2,
            purpose: purpose.to_owned(),
            blake3: "00".to_owned(),
            size: 3,
            mime: "application/pdf".to_owned(),
            original_filename: "方案.pdf".to_owned(),
            submitted_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_stored_purpose_reads_as_a_domain_value() {
        let document = UnitDocument::try_from(row("summary_report")).unwrap();
        assert_eq!(document.purpose, DocumentPurpose::SummaryReport);
        let err = UnitDocument::try_from(row("budget")).unwrap_err();
        assert!(
            matches!(err, DbError::Corrupt(ref why) if why.contains("unit document 4")),
            "{err}"
        );
    }
}
