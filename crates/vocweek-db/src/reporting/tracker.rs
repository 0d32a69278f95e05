//! The daily tracker's counts: what each unit sent during one Beijing day, by kind. A
//! submission row exists for every unit that sent an asset's bytes, so a duplicate counts for
//! every unit that sent it, on the day it sent it — even when the bytes were first stored in an
//! earlier campaign. Pictures taken out of an article by its job are not uploads (`extracted`),
//! and files that failed processing (a fake JPEG, a truncated video) are not material: neither
//! counts.

use chrono::{DateTime, Utc};
use sea_orm::FromQueryResult;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};

use crate::entities::{asset, submission};
use crate::{Db, DbResult};

#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct DailyCount {
    pub unit_id: i32,
    pub kind: String,
    pub count: i64,
}

impl Db {
    /// Submissions made in `[from, to)` (a day of a campaign's week), per unit and kind.
    pub async fn submission_counts(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> DbResult<Vec<DailyCount>> {
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
