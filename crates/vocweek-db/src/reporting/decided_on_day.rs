//! What the editors decided on a day, for the daily brief (每日简报): the items whose latest
//! decision fell on D (midnight to midnight in Beijing, D a day of the campaign's week, as
//! `sent_on_day` counts) and that are still approved or recommended, of one desk or all. An
//! item approved on D and recommended later shows on the later day, once.

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use vocweek_domain::reporting::beijing_day_start;
use vocweek_domain::{AssetState, Desk};

use crate::assets::AssetRecord;
use crate::campaigns::Campaign;
use crate::entities::asset;
use crate::{Db, DbResult};

/// At most this many items a day: a brief is read, not an export.
pub const DECIDED_ON_DAY_MAX: u64 = 500;

impl Db {
    /// The items approved or recommended on `day` (their latest decision) for `campaign`'s
    /// week, of `desk` (every desk when `None`), in the order they were decided; at most
    /// [`DECIDED_ON_DAY_MAX`]. A day outside the week has none.
    pub async fn decided_on_day(
        &self,
        campaign: &Campaign,
        day: NaiveDate,
        desk: Option<Desk>,
    ) -> DbResult<Vec<AssetRecord>> {
        if day < campaign.starts_on || day > campaign.ends_on {
            return Ok(Vec::new());
        }
        let Some(next) = day.succ_opt() else {
            return Ok(Vec::new());
        };
        let (from, to) = (beijing_day_start(day), beijing_day_start(next));
        let mut query = asset::Entity::find()
            .filter(asset::Column::ReviewedAt.gte(from))
            .filter(asset::Column::ReviewedAt.lt(to))
            .filter(asset::Column::State.is_in([
                AssetState::Approved.as_str(),
                AssetState::Recommended.as_str(),
            ]));
        if let Some(desk) = desk {
            query = query.filter(asset::Column::Desk.eq(desk.as_str()));
        }
        let rows = query
            .order_by_asc(asset::Column::ReviewedAt)
            .order_by_asc(asset::Column::Id)
            .limit(DECIDED_ON_DAY_MAX)
            .all(self.conn())
            .await?;
        self.with_themes(rows).await
    }
}
