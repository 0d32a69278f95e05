//! Composing a batch: creating it (a title, a note, a desk) in the active campaign, and setting
//! its items in the order the Ministry should see them. Only recommended items of the batch's
//! desk join it, each once, and only while the batch is a draft; the items are checked by the
//! data layer in the transaction that writes them, so an item decided meanwhile is refused.

use vocweek_db::assets::{AssetFilter, AssetRecord, Scope};
use vocweek_db::batches::{BatchRecord, DRAFT};
use vocweek_domain::{AssetState, Desk};

use super::access::Composer;
use super::{BatchError, Batches, InvalidBatch};
use crate::Actor;

/// How many of the desk's recommended items are offered for a draft at most.
const CANDIDATES_OFFERED: u64 = 200;

/// A new batch as an editor or an admin asks for it.
#[derive(Debug, Clone, Copy)]
pub struct NewBatch<'a> {
    pub title: &'a str,
    pub note: &'a str,
    /// The desk named: an admin's choice (required, an admin belongs to no desk); an editor's
    /// batch is always its own desk's, whatever is named.
    pub desk: Option<&'a str>,
}

impl Batches {
    /// Creates an empty draft in this node's active campaign; `created_by` is the actor.
    pub async fn create(
        &self,
        actor: &Actor,
        new: NewBatch<'_>,
    ) -> Result<BatchRecord, BatchError> {
        let composer = Composer::of(actor)?;
        let desk = match (composer.desk, new.desk) {
            (Some(own), _) => own,
            (None, Some(named)) => Desk::parse(named).map_err(InvalidBatch::Desk)?,
            (None, None) => return Err(InvalidBatch::NoDesk.into()),
        };
        if new.title.trim().is_empty() {
            return Err(InvalidBatch::NoTitle.into());
        }
        let campaign = self.ingestor.campaign().campaign.id;
        let batch = self
            .db
            .create_batch(campaign, desk, new.title, new.note, composer.user_id)
            .await?;
        Ok(BatchRecord {
            batch,
            items: Vec::new(),
        })
    }

    /// Replaces the items of draft `id` with `asset_ids`, in that order (empty: none). Each is
    /// a recommended item of the batch's desk, named once. Answers the batch as it is now.
    pub async fn set_items(
        &self,
        actor: &Actor,
        id: i32,
        asset_ids: &[String],
    ) -> Result<BatchRecord, BatchError> {
        let current = self.batch(actor, id).await?;
        if current.batch.state != DRAFT {
            return Err(BatchError::Sent { id });
        }
        // Each item is checked by the data layer in the transaction that writes the items, with
        // the batch's row and the items' rows held: an item decided, or a batch sent, since
        // anything read here is refused there, never written.
        let saved = self
            .db
            .set_batch_items(id, asset_ids)
            .await
            .map_err(|err| BatchError::of_change(id, err))?;
        saved.map_err(BatchError::from)
    }

    /// What may join `batch` (one the actor was shown): its desk's recommended items not in it
    /// yet, newest first, at most `CANDIDATES_OFFERED`. A sent batch takes none.
    pub async fn candidates(
        &self,
        actor: &Actor,
        batch: &BatchRecord,
    ) -> Result<Vec<AssetRecord>, BatchError> {
        if !Composer::of(actor)?.reaches(batch.batch.desk) {
            return Err(BatchError::NotFound);
        }
        if batch.batch.state != DRAFT {
            return Ok(Vec::new());
        }
        let filter = AssetFilter {
            state: Some(AssetState::Recommended),
            limit: CANDIDATES_OFFERED,
            ..AssetFilter::default()
        };
        let page = self
            .db
            .list_assets(Scope::Desk(batch.batch.desk), &filter)
            .await?;
        Ok(page
            .items
            .into_iter()
            .filter(|item| !batch.items.iter().any(|i| i.asset.id == item.asset.id))
            .collect())
    }
}
