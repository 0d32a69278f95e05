//! What the database says the store should hold, for `vocweek fsck`.

use sea_orm::{EntityTrait, QuerySelect};

use crate::entities::{asset, rendition};
use crate::{Db, DbResult};

/// An original the store must hold (an asset's current or earlier file, or a unit's document).
#[derive(Debug, Clone)]
pub struct ExpectedOriginal {
    pub asset_id: String,
    pub blake3: String,
    pub size: i64,
}

/// A rendition row and its blob.
#[derive(Debug, Clone)]
pub struct ExpectedRendition {
    pub asset_id: String,
    pub name: String,
    pub storage_key: String,
    pub size: i64,
}

impl Db {
    pub async fn expected_originals(&self) -> DbResult<Vec<ExpectedOriginal>> {
        let rows: Vec<(String, String, i64)> = asset::Entity::find()
            .select_only()
            .column(asset::Column::Id)
            .column(asset::Column::Blake3)
            .column(asset::Column::Size)
            .into_tuple()
            .all(self.conn())
            .await?;
        // A unit's plan or summary report is stored like an original; it is named
        // `document:<id>` in fsck's findings.
        let documents = self.document_hashes().await?;
        // A file a unit replaced is the item's history: kept while the item is, named
        // `<asset id> (version <n>)`, so `fsck --delete-orphans` never takes it.
        let versions = self.version_hashes().await?;
        Ok(rows
            .into_iter()
            .map(|(asset_id, blake3, size)| ExpectedOriginal {
                asset_id,
                blake3,
                size,
            })
            .chain(
                documents
                    .into_iter()
                    .map(|(id, blake3, size)| ExpectedOriginal {
                        asset_id: format!("document:{id}"),
                        blake3,
                        size,
                    }),
            )
            .chain(
                versions
                    .into_iter()
                    .map(|(asset_id, number, blake3, size)| ExpectedOriginal {
                        asset_id: format!("{asset_id} (version {number})"),
                        blake3,
                        size,
                    }),
            )
            .collect())
    }

    pub async fn expected_renditions(&self) -> DbResult<Vec<ExpectedRendition>> {
        let rows: Vec<(String, String, String, i64)> = rendition::Entity::find()
            .select_only()
            .column(rendition::Column::AssetId)
            .column(rendition::Column::Name)
            .column(rendition::Column::StorageKey)
            .column(rendition::Column::Size)
            .into_tuple()
            .all(self.conn())
            .await?;
        Ok(rows
            .into_iter()
            .map(|(asset_id, name, storage_key, size)| ExpectedRendition {
                asset_id,
                name,
                storage_key,
                size,
            })
            .collect())
    }
}
