//! What is shown beside a batch's items, for the batch page and the API: which of them (and of
//! the items offered for a draft) another batch already took to the Ministry (已报送过), and
//! what was done to a sent batch's items after it was sent (报送后修改). The batch keeps no copy
//! of its items, so the second is read from the items' audit trail.

use vocweek_db::assets::AssetRecord;
use vocweek_db::audit::AuditEvent;
use vocweek_db::batches::{BatchRecord, EarlierSending};
use vocweek_domain::ReviewAction;

use super::access::Composer;
use super::{BatchError, Batches};
use crate::Actor;

/// The history entries that change what the Ministry was sent: the texts and tags edited, a
/// decision, the unit's correction, another picture chosen for an article. (Not the sending
/// itself, nor the pipeline's own steps.)
const CHANGES_BESIDES_DECISIONS: [&str; 3] = ["edited", "resubmitted", "picture_chosen"];

/// The marks of one batch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchMarks {
    /// Items of the batch, and the candidates asked about, already sent in another batch: for
    /// a draft any sent batch, for a sent batch one sent before it. Oldest sending first.
    pub already_sent: Vec<EarlierSending>,
    /// What was done to the items of a sent batch since it was sent, oldest first (empty for
    /// a draft): `edited` (its details name each field changed, `{field: [old, new]}`), a
    /// decision (`approve`, `reopen`…, with the states it moved between), `resubmitted`,
    /// `picture_chosen`.
    pub changed_after_send: Vec<AuditEvent>,
}

impl Batches {
    /// The marks of `batch` (one the actor was shown), its items' and those of `candidates`
    /// (the items offered for a draft; empty when none are shown).
    pub async fn marks(
        &self,
        actor: &Actor,
        batch: &BatchRecord,
        candidates: &[AssetRecord],
    ) -> Result<BatchMarks, BatchError> {
        if !Composer::of(actor)?.reaches(batch.batch.desk) {
            return Err(BatchError::NotFound);
        }
        // Only the batch's desk's items: a desk learns nothing of another's batches.
        let asset_ids: Vec<String> = batch
            .items
            .iter()
            .chain(candidates)
            .filter(|item| item.asset.desk == batch.batch.desk)
            .map(|item| item.asset.id.clone())
            .collect();
        let mut already_sent = self
            .db
            .sent_in_other_batches(batch.batch.id, &asset_ids)
            .await?;
        // A sent batch is marked by what went before it, not by a later resend of its items.
        if let Some(own) = batch.batch.sent_at {
            already_sent.retain(|earlier| earlier.sent_at < own);
        }
        let changed_after_send = if batch.batch.sent_at.is_some() {
            let decisions = ReviewAction::ALL.map(ReviewAction::as_str);
            let actions: Vec<&str> = decisions
                .iter()
                .chain(CHANGES_BESIDES_DECISIONS.iter())
                .copied()
                .collect();
            self.db
                .item_events_after_send(batch.batch.id, &actions)
                .await?
        } else {
            Vec::new()
        };
        Ok(BatchMarks {
            already_sent,
            changed_after_send,
        })
    }
}
