//! How a reporting use case fails: each case is one that a caller answers differently (the API
//! with its status and code, a page with its message), so none is folded into another. A
//! database failure is an error, never an empty answer.

use vocweek_db::DbError;
use vocweek_domain::UnitKind;
use vocweek_domain::reporting::FieldProblem;
use vocweek_pipeline::IngestError;

/// Why a unit's reports were not read or saved.
#[derive(Debug, thiserror::Error)]
pub enum ReportingError {
    /// No campaign has this slug.
    #[error("campaign '{0}' not found")]
    CampaignNotFound(String),
    /// No such unit, or (asked by a unit) another unit: the same answer for both, so that a
    /// unit learns nothing of the others, not even that they exist.
    #[error("unit not found")]
    UnitNotFound,
    /// `me` names the calling unit; staff and partners name a unit by its id.
    #[error("'me' names the calling unit; staff name a unit by its id")]
    NotAUnit,
    /// The actor does not read this unit's reports.
    #[error("{0}")]
    Forbidden(ReportForbidden),
    /// The actor reads the unit's reports but does not change them: only the unit itself does.
    #[error("only the unit itself submits its reports (with its own token)")]
    NotYourUnit,
    /// Reports change in the active campaign only: an earlier week's are read, no longer
    /// changed (its totals were sent), and a week not yet active does not take reports yet.
    #[error("campaign '{0}' is not the active one; its reports can be read, not changed")]
    CampaignClosed(String),
    /// The unit does not send this report (its kind owes something else).
    #[error("a {} does not send this: {}", .kind.as_str(), .owed.rule())]
    NotReporting { kind: UnitKind, owed: Obligation },
    /// A registration with neither a website nor a liaison.
    #[error("send 'website_url', 'liaison' or both")]
    NothingToSave,
    /// The values sent are refused: every problem found, each naming its field.
    #[error("please correct: {}", summary(.0))]
    InvalidFields(Vec<FieldProblem>),
    /// The statistics table was submitted: a draft would drop it from the province's totals, so
    /// a change is a corrected final submission.
    #[error("{0}")]
    AlreadySubmitted(String),
    /// The statistics table changed since the revision the writer started from.
    #[error("the statistics table was changed by someone else; reload and try again")]
    VersionConflict,
    /// A document's bytes were refused (size, type, emptiness) or could not be stored.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error(transparent)]
    Database(#[from] DbError),
}

/// Who reads no such unit's reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReportForbidden {
    /// Partners read approved items, nothing of the units' reports.
    #[error("partners read approved items, not units' reports")]
    Partner,
    /// An editor reads the units of its own desk.
    #[error("this unit reports to the other desk")]
    OtherDesk,
}

/// What a unit sends besides its daily material, by the kind of unit (seed 四(二), 附件2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Obligation {
    /// The plan, the website and the liaison: every unit that sends daily material.
    Daily,
    /// The statistics table and the summary report: city education bureaus and higher
    /// vocational colleges.
    Statistics,
}

impl Obligation {
    /// Whether a unit of `kind` owes it.
    pub fn owed_by(self, kind: UnitKind) -> bool {
        match self {
            Obligation::Daily => kind.reports_daily(),
            Obligation::Statistics => kind.reports_statistics(),
        }
    }

    /// Who owes it, as a refusal says.
    pub fn rule(self) -> &'static str {
        match self {
            Obligation::Daily => {
                "plans, websites and liaisons come from the city bureaus and the colleges; a \
                 secondary school reports through its city bureau"
            }
            Obligation::Statistics => {
                "city education bureaus and higher vocational colleges report the statistics \
                 table and the summary report"
            }
        }
    }
}

impl From<ReportForbidden> for ReportingError {
    fn from(forbidden: ReportForbidden) -> Self {
        ReportingError::Forbidden(forbidden)
    }
}

/// `field: message; …`, every problem in the order found.
fn summary(problems: &[FieldProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("{}: {}", p.field, p.message))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_the_campaign_the_kind_and_the_fields() {
        let closed = ReportingError::CampaignClosed("shandong-2021".to_owned());
        assert_eq!(
            closed.to_string(),
            "campaign 'shandong-2021' is not the active one; its reports can be read, not changed"
        );
        let school = ReportingError::NotReporting {
            kind: UnitKind::SecondaryVocationalSchool,
            owed: Obligation::Daily,
        };
        assert!(
            school
                .to_string()
                .starts_with("a secondary_vocational_school does not send this: plans,"),
            "{school}"
        );
        let invalid = ReportingError::InvalidFields(vec![
            FieldProblem::new("teachers", "negative", "不能为负数"),
            FieldProblem::new("schools", "required", "请填写"),
        ]);
        assert_eq!(
            invalid.to_string(),
            "please correct: teachers: 不能为负数; schools: 请填写"
        );
        assert_eq!(
            ReportingError::from(ReportForbidden::OtherDesk).to_string(),
            "this unit reports to the other desk"
        );
    }

    #[test]
    fn who_owes_what() {
        assert!(Obligation::Statistics.owed_by(UnitKind::CityBureau));
        assert!(!Obligation::Statistics.owed_by(UnitKind::CityHrBureau));
        assert!(Obligation::Daily.owed_by(UnitKind::CityHrBureau));
        assert!(!Obligation::Daily.owed_by(UnitKind::SecondaryVocationalSchool));
    }
}
