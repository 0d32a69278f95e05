//! Sending a batch to the Ministry: draft → sent, with an event in each item's history. A sent
//! batch is frozen; an empty one is not sent; an item another batch already sent goes again
//! only when the sender confirms it.

use vocweek_db::batches::{BatchRecord, DRAFT, EarlierSending};

use super::{BatchError, Batches, InvalidBatch};
use crate::Actor;

impl Batches {
    /// Marks batch `id` sent by the actor; answers it as it is now. An item of the batch that
    /// another batch already took to the Ministry is refused ([`BatchError::AlreadySentItems`])
    /// unless `confirm_resend`: the Ministry would otherwise receive it twice without anyone
    /// having decided so.
    pub async fn send(
        &self,
        actor: &Actor,
        id: i32,
        confirm_resend: bool,
    ) -> Result<BatchRecord, BatchError> {
        let current = self.batch(actor, id).await?;
        if current.batch.state != DRAFT {
            return Err(BatchError::Sent { id });
        }
        if current.items.is_empty() {
            return Err(InvalidBatch::Empty.into());
        }
        // Checked again in the data layer's transaction: a batch sent meanwhile is refused, and
        // what other batches sent is read there, with this batch and its items held.
        self.db
            .send_batch(id, actor.audit(), |earlier| {
                resend_allowed(earlier, confirm_resend)
            })
            .await
            .map_err(|err| BatchError::of_change(id, err))?
    }
}

/// The rule: items already sent in another batch go again only when confirmed.
fn resend_allowed(earlier: &[EarlierSending], confirm_resend: bool) -> Result<(), BatchError> {
    if earlier.is_empty() || confirm_resend {
        Ok(())
    } else {
        Err(BatchError::AlreadySentItems(earlier.to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_sent_before_goes_again_only_when_confirmed() {
        let earlier = EarlierSending {
            asset_id: "a1".to_owned(),
            batch_id: 3,
            batch_title: "第一批推荐".to_owned(),
            sent_at: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
        };
        assert!(resend_allowed(&[], false).is_ok());
        assert!(resend_allowed(std::slice::from_ref(&earlier), true).is_ok());
        match resend_allowed(std::slice::from_ref(&earlier), false) {
            Err(BatchError::AlreadySentItems(items)) => assert_eq!(items, [earlier]),
            other => panic!("an unconfirmed resend is refused, got {other:?}"),
        }
    }
}
