//! Deleting an asset: its row and everything hanging off it (themes, submissions, renditions,
//! photo hashes, batch items — by `ON DELETE CASCADE`; its earlier files' rows explicitly) in
//! one transaction with its audit event. The audit trail keeps the asset's id, hash and title;
//! the blobs are removed by the caller after the commit, and a running job notices the asset
//! is gone and stops.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;

use crate::audit::{Actor, AuditEntry, record};
use crate::entities::{asset, asset_version};
use crate::{Db, DbResult};

/// What was deleted, for removing its blobs.
#[derive(Debug, Clone)]
pub struct DeletedAsset {
    pub id: String,
    pub blake3: String,
    pub state: String,
    /// The hashes of the files the asset had before its current one (a unit replaced them),
    /// each once and without `blake3`: their originals go too unless something else holds them.
    pub earlier_blake3: Vec<String>,
}

impl Db {
    /// Deletes the asset; `None` when it did not exist (any more).
    pub async fn delete_asset(
        &self,
        asset_id: &str,
        actor: Actor,
    ) -> DbResult<Option<DeletedAsset>> {
        let txn = self.begin().await?;
        let Some(found) = asset::Entity::find_by_id(asset_id).one(&txn).await? else {
            txn.rollback().await?;
            return Ok(None);
        };
        let mut earlier_blake3: Vec<String> = asset_version::Entity::find()
            .select_only()
            .column(asset_version::Column::Blake3)
            .filter(asset_version::Column::AssetId.eq(asset_id))
            .into_tuple()
            .all(&txn)
            .await?;
        earlier_blake3.sort();
        earlier_blake3.dedup();
        earlier_blake3.retain(|hash| *hash != found.blake3);
        asset_version::Entity::delete_many()
            .filter(asset_version::Column::AssetId.eq(asset_id))
            .exec(&txn)
            .await?;
        crate::feed::on_delete(&txn, &found).await?;
        asset::Entity::delete_by_id(asset_id).exec(&txn).await?;
        record(
            &txn,
            AuditEntry {
                asset_id: Some(asset_id),
                actor,
                action: "deleted",
                from: Some(&found.state),
                to: None,
                details: json!({
                    "blake3": found.blake3,
                    "title": found.title,
                    "original_filename": found.original_filename,
                    "kind": found.kind,
                    "earlier_blake3": earlier_blake3,
                }),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(Some(DeletedAsset {
            id: found.id,
            blake3: found.blake3,
            state: found.state,
            earlier_blake3,
        }))
    }
}
