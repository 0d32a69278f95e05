//! The statistics table (附件2): a draft may be incomplete but every value in it well-formed; the
//! final submission needs every column and the rules between them (both checked by
//! `vocweek_domain::reporting`). A save names the revision it started from, so two people
//! editing one unit's table cannot overwrite each other; a submitted table stays submitted (a
//! change is a corrected final submission, which keeps the first submission's date). After the
//! due day a submission is accepted, and read as late.

use vocweek_db::DbError;
use vocweek_db::reporting::SaveStatistics;
use vocweek_domain::UnitKind;
use vocweek_domain::reporting::{RawFigures, StatisticsFigures, check_draft, check_final};

use super::{Obligation, Reporting, ReportingError, UnitReport};
use crate::Actor;

/// A save of the statistics table as a unit sends it.
#[derive(Debug, Clone, Copy)]
pub struct StatisticsInput<'a> {
    /// The nine values as they arrived (numbers or text; absent or empty: not filled in).
    pub figures: &'a RawFigures,
    /// `false`: a draft. `true`: the final submission, checked in full.
    pub submit: bool,
    /// The revision the form was loaded with; `None` saves over whatever is there.
    pub revision: Option<i32>,
}

impl Reporting {
    /// Saves the statistics table of `unit` (an id, or `me`) in `campaign` (a slug, or
    /// `current`): the unit itself, in the active campaign, a unit that reports the table.
    /// Answers the unit's reports as they are now.
    pub async fn save_statistics(
        &self,
        actor: &Actor,
        campaign: &str,
        unit: &str,
        input: StatisticsInput<'_>,
    ) -> Result<UnitReport, ReportingError> {
        let target = self
            .writable(actor, campaign, unit, Obligation::Statistics)
            .await?;
        let figures = checked(input, target.unit.kind)?;
        let save = SaveStatistics {
            campaign_id: target.campaign.campaign.id,
            unit_id: target.unit.id,
            figures: &figures,
            submit: input.submit,
            expected_revision: input.revision,
        };
        match self.db.save_statistics(save).await {
            Ok(_) => self.report_of(target).await,
            Err(DbError::Conflict(_)) => Err(ReportingError::VersionConflict),
            // The data layer's one refusal of an acceptable table: a draft over a submission.
            Err(DbError::Invalid(message)) => Err(ReportingError::AlreadySubmitted(message)),
            Err(err) => Err(err.into()),
        }
    }
}

/// The figures of a draft, or of a final submission by a unit of `kind`; every problem found
/// otherwise, each naming its field.
fn checked(
    input: StatisticsInput<'_>,
    kind: UnitKind,
) -> Result<StatisticsFigures, ReportingError> {
    if input.submit {
        check_final(input.figures, kind)
    } else {
        check_draft(input.figures)
    }
    .map_err(ReportingError::InvalidFields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn raw(value: serde_json::Value) -> RawFigures {
        serde_json::from_value(value).unwrap()
    }

    fn fields(result: Result<StatisticsFigures, ReportingError>) -> Vec<&'static str> {
        match result {
            Err(ReportingError::InvalidFields(problems)) => {
                problems.iter().map(|p| p.field).collect()
            }
            other => panic!("not refused for its fields: {other:?}"),
        }
    }

    #[test]
    fn a_draft_may_be_incomplete_a_submission_may_not() {
        let college = UnitKind::HigherVocationalCollege;
        let partial = raw(json!({ "teachers": "120" }));
        let draft = StatisticsInput {
            figures: &partial,
            submit: false,
            revision: None,
        };
        let figures = checked(draft, college).unwrap();
        assert_eq!(figures.teachers, Some(120));
        let submission = StatisticsInput {
            submit: true,
            ..draft
        };
        assert_eq!(fields(checked(submission, college)).len(), 8);
        let wrong = raw(json!({ "teachers": -3, "student_coverage_percent": "120%" }));
        let draft = StatisticsInput {
            figures: &wrong,
            ..draft
        };
        assert_eq!(
            fields(checked(draft, college)),
            ["teachers", "student_coverage_percent"]
        );
    }
}
