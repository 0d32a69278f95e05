//! An asset's earlier files (`asset_versions`): what a unit's replacement of a returned item's
//! file left behind (`replace.rs`), and whether a blob is still anyone's, which deleting an
//! asset asks before it removes an original.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entities::{asset, asset_version, unit_document};
use crate::{Db, DbResult};

pub use crate::records::asset_version::AssetVersion;

impl Db {
    /// The files an asset had before its current one, the first (number 1) first.
    pub async fn asset_versions(&self, asset_id: &str) -> DbResult<Vec<AssetVersion>> {
        Ok(asset_version::Entity::find()
            .filter(asset_version::Column::AssetId.eq(asset_id))
            .order_by_asc(asset_version::Column::Number)
            .all(self.conn())
            .await?
            .into_iter()
            .map(AssetVersion::from)
            .collect())
    }

    /// Whether the bytes stored under `blake3` are still somebody's: an asset's current file,
    /// an asset's earlier file, or a unit's document. Deleting an asset removes an original only
    /// when nothing holds it any more.
    pub async fn blob_in_use(&self, blake3: &str) -> DbResult<bool> {
        let asset = asset::Entity::find()
            .filter(asset::Column::Blake3.eq(blake3))
            .one(self.conn())
            .await?;
        if asset.is_some() {
            return Ok(true);
        }
        let version = asset_version::Entity::find()
            .filter(asset_version::Column::Blake3.eq(blake3))
            .one(self.conn())
            .await?;
        if version.is_some() {
            return Ok(true);
        }
        Ok(unit_document::Entity::find()
            .filter(unit_document::Column::Blake3.eq(blake3))
            .one(self.conn())
            .await?
            .is_some())
    }

    /// Every earlier file (`(asset id, number, blake3, size)`), for `vocweek fsck`: their
    /// originals are history, not orphans.
    pub(crate) async fn version_hashes(&self) -> DbResult<Vec<(String, i32, String, i64)>> {
        Ok(asset_version::Entity::find()
            .select_only()
            .column(asset_version::Column::AssetId)
            .column(asset_version::Column::Number)
            .column(asset_version::Column::Blake3)
            .column(asset_version::Column::Size)
            .into_tuple()
            .all(self.conn())
            .await?)
    }
}
