//! Who sent an item: its submissions, each naming the unit and, when a person signed in, the
//! person (上传人).

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::entities::submission;
use crate::{Db, DbResult};

pub use crate::records::submission::Submission;

impl Db {
    /// Unit `unit_id`'s first submission of the asset, if it sent it.
    pub async fn submission_of(
        &self,
        asset_id: &str,
        unit_id: i32,
    ) -> DbResult<Option<Submission>> {
        Ok(submission::Entity::find()
            .filter(submission::Column::AssetId.eq(asset_id))
            .filter(submission::Column::UnitId.eq(unit_id))
            .order_by_asc(submission::Column::Id)
            .one(self.conn())
            .await?
            .map(Submission::from))
    }

    /// Whether a unit other than `unit_id` sent the asset too (the same bytes, merged into
    /// one item by dedupe).
    pub async fn sent_by_another_unit(&self, asset_id: &str, unit_id: i32) -> DbResult<bool> {
        let others = submission::Entity::find()
            .filter(submission::Column::AssetId.eq(asset_id))
            .filter(submission::Column::UnitId.ne(unit_id))
            .count(self.conn())
            .await?;
        Ok(others > 0)
    }
}
