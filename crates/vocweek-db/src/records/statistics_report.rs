//! A statistics table's row as the other crates see it.

use chrono::{DateTime, Utc};

use crate::DbError;
use crate::entities::statistics_report;

/// Where a unit's statistics table is: saved as a draft, or submitted (final; a correction is
/// a new final version, never a draft again).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatisticsStatus {
    Draft,
    Submitted,
}

impl StatisticsStatus {
    pub const ALL: [StatisticsStatus; 2] = [StatisticsStatus::Draft, StatisticsStatus::Submitted];

    /// The word stored in `statistics_reports.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            StatisticsStatus::Draft => "draft",
            StatisticsStatus::Submitted => "submitted",
        }
    }

    pub fn parse(value: &str) -> Option<StatisticsStatus> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
    }
}

/// One unit's statistics table (附件2) for one campaign: the `statistics_reports` row, with its
/// status typed. A figure left empty is `None`.
#[derive(Clone, Debug, PartialEq)]
pub struct StatisticsReport {
    pub campaign_id: i32,
    pub unit_id: i32,
    pub schools: Option<i64>,
    pub teachers: Option<i64>,
    pub students: Option<i64>,
    /// The student coverage in hundredths of a percent (12.34 % is 1234).
    pub coverage_hundredths: Option<i32>,
    pub enterprises: Option<i64>,
    pub participants: Option<i64>,
    pub experience_items: Option<i64>,
    pub activity_forms: Option<String>,
    pub media_coverage: Option<String>,
    pub status: StatisticsStatus,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// Optimistic lock: a save names the revision it started from.
    pub revision: i32,
    pub updated_at: DateTime<Utc>,
}

/// The one place a stored status is read back: another word is `Corrupt`.
impl TryFrom<statistics_report::Model> for StatisticsReport {
    type Error = DbError;

    fn try_from(row: statistics_report::Model) -> Result<Self, DbError> {
        let status = StatisticsStatus::parse(&row.status).ok_or_else(|| {
            DbError::Corrupt(format!(
                "statistics table of unit {} in campaign {}: unknown status '{}'",
                row.unit_id, row.campaign_id, row.status
            ))
        })?;
        Ok(StatisticsReport {
            campaign_id: row.campaign_id,
            unit_id: row.unit_id,
            schools: row.schools,
            teachers: row.teachers,
            students: row.students,
            coverage_hundredths: row.coverage_hundredths,
            enterprises: row.enterprises,
            participants: row.participants,
            experience_items: row.experience_items,
            activity_forms: row.activity_forms,
            media_coverage: row.media_coverage,
            status,
            first_submitted_at: row.first_submitted_at,
            submitted_at: row.submitted_at,
            revision: row.revision,
            updated_at: row.updated_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(status: &str) -> statistics_report::Model {
        statistics_report::Model {
            campaign_id: 1,
            unit_id: 2,
            schools: Some(3),
            teachers: None,
            students: None,
            coverage_hundredths: Some(1234),
            enterprises: None,
            participants: None,
            experience_items: None,
            activity_forms: None,
            media_coverage: None,
            status: status.to_owned(),
            first_submitted_at: None,
            submitted_at: None,
            revision: 1,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    #[test]
    fn statuses_round_trip() {
        for status in StatisticsStatus::ALL {
            assert_eq!(StatisticsStatus::parse(status.as_str()), Some(status));
        }
        let report = StatisticsReport::try_from(row("submitted")).unwrap();
        assert_eq!(report.status, StatisticsStatus::Submitted);
    }

    #[test]
    fn an_unknown_stored_status_is_corrupt_data() {
        let err = StatisticsReport::try_from(row("approved")).unwrap_err();
        assert!(
            matches!(err, DbError::Corrupt(ref why) if why.contains("approved")),
            "{err}"
        );
    }
}
