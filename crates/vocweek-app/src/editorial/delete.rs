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
    /// Deletes the item with its renditions and, unless a unit's report keeps the same bytes,
    /// its original.
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

    /// After the commit: the renditions, then the original unless a unit's plan or summary
    /// report is the same bytes. A blob that will not go is logged and left for `fsck`; a
    /// database that cannot say whether a report keeps the original is an error.
    async fn remove_blobs(&self, deleted: &DeletedAsset) -> Result<(), EditorialError> {
        let (prefix, original) = match (asset_prefix(&deleted.id), original_key(&deleted.blake3)) {
            (Ok(prefix), Ok(original)) => (prefix, original),
            _ => {
                warn!(asset = %deleted.id, "cannot name the blobs of a deleted asset");
                return Ok(());
            }
        };
        if let Err(err) = self.store.delete_prefix(&prefix).await {
            warn!(error = %err, asset = %deleted.id, "renditions of a deleted asset remain");
        }
        if self.db.document_uses_blob(&deleted.blake3).await? {
            return Ok(());
        }
        if let Err(err) = self.store.delete(&original).await {
            warn!(error = %err, asset = %deleted.id, "the original of a deleted asset remains");
        }
        Ok(())
    }
}
