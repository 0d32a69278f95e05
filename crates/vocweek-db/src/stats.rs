//! Counts for the desk dashboard: items per activity day and city, and per state.

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect};

use crate::assets::Scope;
use crate::entities::asset;
use crate::{Db, DbResult};

#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct DayCityCount {
    pub activity_date: NaiveDate,
    pub city: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct StateCount {
    pub state: String,
    pub count: i64,
}

fn scoped(scope: Scope) -> sea_orm::Select<asset::Entity> {
    let query = asset::Entity::find();
    match scope {
        Scope::Desk(desk) => query.filter(asset::Column::Desk.eq(desk.as_str())),
        _ => query,
    }
}

impl Db {
    /// Items per activity day and city within `scope` (units see none here: staff only).
    pub async fn counts_by_day_and_city(&self, scope: Scope) -> DbResult<Vec<DayCityCount>> {
        Ok(scoped(scope)
            .select_only()
            .column(asset::Column::ActivityDate)
            .column(asset::Column::City)
            .column_as(asset::Column::Id.count(), "count")
            .group_by(asset::Column::ActivityDate)
            .group_by(asset::Column::City)
            .into_model::<DayCityCount>()
            .all(self.conn())
            .await?)
    }

    pub async fn counts_by_state(&self, scope: Scope) -> DbResult<Vec<StateCount>> {
        Ok(scoped(scope)
            .select_only()
            .column(asset::Column::State)
            .column_as(asset::Column::Id.count(), "count")
            .group_by(asset::Column::State)
            .into_model::<StateCount>()
            .all(self.conn())
            .await?)
    }
}
