//! The statistics table (附件2), one row per campaign and reporting unit. Saves are
//! conditional on the revision the writer read, so two people editing the same unit's table
//! cannot overwrite each other silently.

use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use vocweek_domain::reporting::StatisticsFigures;

use crate::entities::statistics_report;
use crate::error::is_unique_violation;
use crate::records::statistics_report::{StatisticsReport, StatisticsStatus};
use crate::{Db, DbError, DbResult};

pub struct SaveStatistics<'a> {
    pub campaign_id: i32,
    pub unit_id: i32,
    /// Checked by the domain's `check_draft` or, for a submission, `check_final`.
    pub figures: &'a StatisticsFigures,
    pub submit: bool,
    /// The revision the writer started from; `None` saves over whatever is there.
    pub expected_revision: Option<i32>,
}

impl Db {
    pub async fn statistics_report(
        &self,
        campaign_id: i32,
        unit_id: i32,
    ) -> DbResult<Option<StatisticsReport>> {
        statistics_report::Entity::find_by_id((campaign_id, unit_id))
            .one(self.conn())
            .await?
            .map(StatisticsReport::try_from)
            .transpose()
    }

    pub async fn statistics_reports(&self, campaign_id: i32) -> DbResult<Vec<StatisticsReport>> {
        statistics_report::Entity::find()
            .filter(statistics_report::Column::CampaignId.eq(campaign_id))
            .all(self.conn())
            .await?
            .into_iter()
            .map(StatisticsReport::try_from)
            .collect()
    }

    /// Saves a draft or a final submission. A submitted table stays submitted: changing it
    /// means submitting a correction (a new final version), never falling back to a draft that
    /// would vanish from the province's totals.
    pub async fn save_statistics(&self, save: SaveStatistics<'_>) -> DbResult<StatisticsReport> {
        let now = self.clock().now();
        let key = (save.campaign_id, save.unit_id);
        let existing = statistics_report::Entity::find_by_id(key)
            .one(self.conn())
            .await?;
        let conflict = || DbError::Conflict("the statistics table".to_owned());
        if let (Some(row), Some(expected)) = (&existing, save.expected_revision)
            && row.revision != expected
        {
            return Err(conflict());
        }
        if existing
            .as_ref()
            .is_some_and(|row| row.status == StatisticsStatus::Submitted.as_str())
            && !save.submit
        {
            return Err(DbError::Invalid(
                "the table was already submitted; send a corrected final submission instead of \
                 a draft"
                    .to_owned(),
            ));
        }
        let f = save.figures;
        let status = if save.submit {
            StatisticsStatus::Submitted
        } else {
            StatisticsStatus::Draft
        };
        let coverage = f
            .student_coverage_percent
            .map(|c| i32::try_from(c.hundredths()).unwrap_or(i32::MAX));
        let submitted_at = save.submit.then_some(now);
        match existing {
            None => {
                let inserted = statistics_report::ActiveModel {
                    campaign_id: Set(save.campaign_id),
                    unit_id: Set(save.unit_id),
                    schools: Set(f.schools),
                    teachers: Set(f.teachers),
                    students: Set(f.students),
                    coverage_hundredths: Set(coverage),
                    enterprises: Set(f.enterprises),
                    participants: Set(f.participants),
                    experience_items: Set(f.experience_items),
                    activity_forms: Set(f.activity_forms.clone()),
                    media_coverage: Set(f.media_coverage.clone()),
                    status: Set(status.as_str().to_owned()),
                    first_submitted_at: Set(submitted_at),
                    submitted_at: Set(submitted_at),
                    revision: Set(1),
                    updated_at: Set(now),
                }
                .insert(self.conn())
                .await;
                match inserted {
                    Ok(row) => StatisticsReport::try_from(row),
                    // Someone else created it between our read and our insert.
                    Err(err) if is_unique_violation(&err) => Err(conflict()),
                    Err(err) => Err(err.into()),
                }
            }
            Some(row) => {
                let updated = statistics_report::Entity::update_many()
                    .col_expr(statistics_report::Column::Schools, Expr::value(f.schools))
                    .col_expr(statistics_report::Column::Teachers, Expr::value(f.teachers))
                    .col_expr(statistics_report::Column::Students, Expr::value(f.students))
                    .col_expr(
                        statistics_report::Column::CoverageHundredths,
                        Expr::value(coverage),
                    )
                    .col_expr(
                        statistics_report::Column::Enterprises,
                        Expr::value(f.enterprises),
                    )
                    .col_expr(
                        statistics_report::Column::Participants,
                        Expr::value(f.participants),
                    )
                    .col_expr(
                        statistics_report::Column::ExperienceItems,
                        Expr::value(f.experience_items),
                    )
                    .col_expr(
                        statistics_report::Column::ActivityForms,
                        Expr::value(f.activity_forms.clone()),
                    )
                    .col_expr(
                        statistics_report::Column::MediaCoverage,
                        Expr::value(f.media_coverage.clone()),
                    )
                    .col_expr(
                        statistics_report::Column::Status,
                        Expr::value(status.as_str()),
                    )
                    .col_expr(
                        statistics_report::Column::FirstSubmittedAt,
                        Expr::value(row.first_submitted_at.or(submitted_at)),
                    )
                    .col_expr(
                        statistics_report::Column::SubmittedAt,
                        Expr::value(submitted_at.or(row.submitted_at)),
                    )
                    .col_expr(
                        statistics_report::Column::Revision,
                        Expr::value(row.revision + 1),
                    )
                    .col_expr(statistics_report::Column::UpdatedAt, Expr::value(now))
                    .filter(statistics_report::Column::CampaignId.eq(save.campaign_id))
                    .filter(statistics_report::Column::UnitId.eq(save.unit_id))
                    .filter(statistics_report::Column::Revision.eq(row.revision))
                    .exec(self.conn())
                    .await?;
                if updated.rows_affected == 0 {
                    return Err(conflict());
                }
                statistics_report::Entity::find_by_id(key)
                    .one(self.conn())
                    .await?
                    .ok_or_else(|| DbError::NotFound("statistics table".to_owned()))
                    .and_then(StatisticsReport::try_from)
            }
        }
    }
}
