//! Sending a batch to the Ministry: draft → sent, with an event in each item's history. A sent
//! batch is frozen; an empty one is not sent.

use vocweek_db::batches::{BatchRecord, DRAFT};

use super::{BatchError, Batches, InvalidBatch};
use crate::Actor;

impl Batches {
    /// Marks batch `id` sent by the actor; answers it as it is now.
    pub async fn send(&self, actor: &Actor, id: i32) -> Result<BatchRecord, BatchError> {
        let current = self.batch(actor, id).await?;
        if current.batch.state != DRAFT {
            return Err(BatchError::Sent { id });
        }
        if current.items.is_empty() {
            return Err(InvalidBatch::Empty.into());
        }
        // Checked again in the data layer's transaction: a batch sent meanwhile is refused.
        self.db
            .send_batch(id, actor.audit())
            .await
            .map_err(|err| BatchError::of_change(id, err))
    }
}
