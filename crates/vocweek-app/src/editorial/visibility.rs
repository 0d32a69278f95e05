//! Finding an item the actor may see: a unit what it sent, an editor its desk's, an admin
//! everything. Anything else is answered as if the item did not exist.

use vocweek_db::assets::AssetRecord;

use super::error::{Conflicted, EditorialError};
use super::{Actor, Editorial};

impl Editorial {
    /// The item if it exists and the actor may see it; [`EditorialError::NotFound`] for either,
    /// [`EditorialError::Forbidden`] for an actor who sees no items at all (a partner).
    pub async fn visible_asset(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<AssetRecord, EditorialError> {
        let scope = actor.scope()?;
        let record = self.db.asset(id).await?.ok_or(EditorialError::NotFound)?;
        if !self.db.asset_visible(&record, scope).await? {
            return Err(EditorialError::NotFound);
        }
        Ok(record)
    }

    /// A conflict as the actor is told it: with what the item looks like now, so that they can
    /// decide again. Other errors pass through.
    pub(super) async fn described(&self, err: EditorialError) -> EditorialError {
        let (id, version) = match err {
            EditorialError::Conflict { id, version, .. } => (id, version),
            other => return other,
        };
        match self.db.asset(&id).await {
            Ok(now) => EditorialError::Conflict {
                current: now.map(|record| Conflicted {
                    state: record.asset.state,
                    version: record.asset.version,
                }),
                id,
                version,
            },
            Err(failed) => EditorialError::Database(failed),
        }
    }
}
