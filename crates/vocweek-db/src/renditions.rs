//! Derived files of an asset (thumbnail, preview, later HLS and MP4): one row per name.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::entities::rendition;
use crate::{Db, DbResult};

pub use crate::records::rendition::Rendition;

/// A rendition written to the store, to record.
#[derive(Debug, Clone)]
pub struct NewRendition<'a> {
    pub asset_id: &'a str,
    pub name: &'a str,
    pub storage_key: &'a str,
    pub mime: &'a str,
    pub size: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
}

/// Records a rendition, replacing an earlier one of the same name (a job rerun).
pub(crate) async fn record_rendition<C: ConnectionTrait>(
    conn: &C,
    new: NewRendition<'_>,
) -> DbResult<()> {
    rendition::Entity::delete_many()
        .filter(rendition::Column::AssetId.eq(new.asset_id))
        .filter(rendition::Column::Name.eq(new.name))
        .exec(conn)
        .await?;
    rendition::ActiveModel {
        asset_id: Set(new.asset_id.to_owned()),
        name: Set(new.name.to_owned()),
        storage_key: Set(new.storage_key.to_owned()),
        mime: Set(new.mime.to_owned()),
        size: Set(new.size),
        width: Set(new.width),
        height: Set(new.height),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

impl Db {
    pub async fn renditions_of(&self, asset_id: &str) -> DbResult<Vec<Rendition>> {
        Ok(rendition::Entity::find()
            .filter(rendition::Column::AssetId.eq(asset_id))
            .order_by_asc(rendition::Column::Name)
            .all(self.conn())
            .await?
            .into_iter()
            .map(Rendition::from)
            .collect())
    }

    /// Renditions of a page of assets, in one query.
    pub async fn renditions_of_many(
        &self,
        asset_ids: &[String],
    ) -> DbResult<std::collections::HashMap<String, Vec<Rendition>>> {
        let mut by_asset: std::collections::HashMap<String, Vec<Rendition>> =
            std::collections::HashMap::new();
        if asset_ids.is_empty() {
            return Ok(by_asset);
        }
        for row in rendition::Entity::find()
            .filter(rendition::Column::AssetId.is_in(asset_ids.iter().cloned()))
            .order_by_asc(rendition::Column::Name)
            .all(self.conn())
            .await?
        {
            by_asset
                .entry(row.asset_id.clone())
                .or_default()
                .push(Rendition::from(row));
        }
        Ok(by_asset)
    }

    pub async fn rendition(&self, asset_id: &str, name: &str) -> DbResult<Option<Rendition>> {
        Ok(rendition::Entity::find()
            .filter(rendition::Column::AssetId.eq(asset_id))
            .filter(rendition::Column::Name.eq(name))
            .one(self.conn())
            .await?
            .map(Rendition::from))
    }
}
