//! The one definition of "sent on day D", which the daily tracker and the dashboard both count
//! (issue 19: they used to disagree, the dashboard counting by activity date and counting
//! failed files). A unit sent an item on D when:
//!
//! - it uploaded it: a submission row, of which there is one for every unit that sent an
//!   asset's bytes, so a duplicate counts for every unit that sent it, on the day it sent it —
//!   even when the bytes were first stored in an earlier campaign. Pictures taken out of an
//!   article by its job are not uploads (`extracted`);
//! - the submission's time falls on D, midnight to midnight in Beijing (the units' day, not
//!   the activity date they typed, which may be any day);
//! - D is a day of the campaign's week: a submission belongs to the campaign whose week it was
//!   made in (submissions carry no campaign of their own, and the asset's is the campaign of
//!   its first sender), so two campaigns never mix;
//! - the asset did not fail processing (a fake JPEG, a truncated video is not material).

use std::collections::HashSet;

use chrono::NaiveDate;
use sea_orm::FromQueryResult;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use vocweek_domain::reporting::beijing_day_start;

use crate::accounts::Unit;
use crate::campaigns::Campaign;
use crate::entities::{asset, submission};
use crate::{Db, DbResult};

/// What one unit sent of one kind on a day.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct DailyCount {
    pub unit_id: i32,
    pub kind: String,
    pub count: i64,
}

impl Db {
    /// What each unit sent on `day` (a Beijing day) for `campaign`, per unit and kind. A day
    /// outside the campaign's week has nothing.
    pub async fn sent_on_day(
        &self,
        campaign: &Campaign,
        day: NaiveDate,
    ) -> DbResult<Vec<DailyCount>> {
        if day < campaign.starts_on || day > campaign.ends_on {
            return Ok(Vec::new());
        }
        let Some(next) = day.succ_opt() else {
            return Ok(Vec::new());
        };
        let (from, to) = (beijing_day_start(day), beijing_day_start(next));
        let query = Query::select()
            .expr_as(
                Expr::col((submission::Entity, submission::Column::UnitId)),
                Alias::new("unit_id"),
            )
            .expr_as(
                Expr::col((asset::Entity, asset::Column::Kind)),
                Alias::new("kind"),
            )
            .expr_as(
                Func::count(Expr::col((submission::Entity, submission::Column::Id))),
                Alias::new("count"),
            )
            .from(submission::Entity)
            .inner_join(
                asset::Entity,
                Expr::col((asset::Entity, asset::Column::Id))
                    .equals((submission::Entity, submission::Column::AssetId)),
            )
            .and_where(Expr::col((submission::Entity, submission::Column::Extracted)).eq(false))
            .and_where(Expr::col((asset::Entity, asset::Column::State)).ne("failed"))
            .and_where(Expr::col((submission::Entity, submission::Column::CreatedAt)).gte(from))
            .and_where(Expr::col((submission::Entity, submission::Column::CreatedAt)).lt(to))
            .group_by_col((submission::Entity, submission::Column::UnitId))
            .group_by_col((asset::Entity, asset::Column::Kind))
            .to_owned();
        let statement = self.conn().get_database_backend().build(&query);
        Ok(DailyCount::find_by_statement(statement)
            .all(self.conn())
            .await?)
    }
}

impl Db {
    /// The units that must send material every day (`UnitKind::reports_daily`, as the tracker
    /// lists them) and sent nothing on `day` by the definition above, in id order, of every
    /// desk: whom the desk's reminder and the missed-day notices go to. Every daily unit on a
    /// day outside the week.
    pub async fn missing_on_day(&self, campaign: &Campaign, day: NaiveDate) -> DbResult<Vec<Unit>> {
        let sent: HashSet<i32> = self
            .sent_on_day(campaign, day)
            .await?
            .into_iter()
            .filter(|row| row.count > 0)
            .map(|row| row.unit_id)
            .collect();
        Ok(self
            .units()
            .await?
            .into_iter()
            .filter(|unit| unit.kind.reports_daily() && !sent.contains(&unit.id))
            .collect())
    }
}
