//! Deleting an item: an admin removes any; a unit withdraws one it sent itself until an editor
//! has approved it. The rows go first, in one transaction (a transcode running on the item
//! notices it is gone and stops), then the blobs: a failure there leaves orphan blobs (which
//! `fsck` reports), never a row pointing at nothing.

use tracing::warn;
use vocweek_db::DeletedAsset;
use vocweek_domain::AssetState;
use vocweek_storage::{asset_prefix, original_key};

use super::error::{EditorialError, Forbidden, NotAllowed};
use super::{Actor, Editorial};

impl Editorial {
    /// Deletes the item with its renditions and its originals (the current file and those its
    /// unit replaced), except bytes that something else still holds.
    pub async fn delete_asset(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<DeletedAsset, EditorialError> {
        let record = self.visible_asset(actor, id).await?;
        if !actor.is_admin() {
            match actor {
                Actor::Unit(unit) if *unit == record.asset.unit_id => {
                    let decided = [AssetState::Approved, AssetState::Recommended]
                        .contains(&record.asset.state);
                    if decided {
                        return Err(NotAllowed::Decided.into());
                    }
                }
                _ => return Err(Forbidden::NotDeleter.into()),
            }
        }
        let deleted = self
            .db
            .delete_asset(&record.asset.id, actor.audit())
            .await?
            .ok_or(EditorialError::NotFound)?;
        // The feed has a tombstone for it if it had been published.
        self.feed_may_have_changed();
        self.remove_blobs(&deleted).await?;
        Ok(deleted)
    }

    /// After the commit: the renditions, then each original the item had (its current file and
    /// the earlier ones its unit replaced) unless something still holds the same bytes — another
    /// item's current or earlier file, a unit's plan or summary report. A blob that will not go
    /// is logged and left for `fsck`; a database that cannot say whether the bytes are still
    /// held is an error.
    async fn remove_blobs(&self, deleted: &DeletedAsset) -> Result<(), EditorialError> {
        let asset = deleted.id.as_str();
        match asset_prefix(asset) {
            Ok(prefix) => {
                if let Err(err) = self.store.delete_prefix(&prefix).await {
                    warn!(error = %err, asset, "renditions of a deleted asset remain");
                }
            }
            Err(_) => warn!(asset, "cannot name the renditions of a deleted asset"),
        }
        let hashes = std::iter::once(&deleted.blake3).chain(&deleted.earlier_blake3);
        for blake3 in hashes {
            let Ok(original) = original_key(blake3) else {
                warn!(asset, %blake3, "cannot name an original of a deleted asset");
                continue;
            };
            if self.db.blob_in_use(blake3).await? {
                continue;
            }
            if let Err(err) = self.store.delete(&original).await {
                warn!(error = %err, asset, "an original of a deleted asset remains");
            }
        }
        Ok(())
    }
}
