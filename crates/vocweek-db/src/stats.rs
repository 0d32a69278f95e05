//! Counts for the desk dashboard: items per state. Its items per city for a day are what the
//! units sent that day (`reporting::sent_on_day`, shared with the tracker), not counted here.

use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect};

use crate::assets::Scope;
use crate::entities::asset;
use crate::{Db, DbResult};

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
    /// Items per state within `scope` (units see none here: staff only).
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
