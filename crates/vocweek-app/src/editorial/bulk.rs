//! Bulk work from the queue: one decision, or one re-tag, for many items, each at the version
//! the editor saw. Items the editor may not see, that someone else moved meanwhile, whose state
//! does not allow it or whose new tags do not validate are skipped and counted, never fatal;
//! a database that cannot say which items the editor may see stops the whole run. A bulk
//! recommendation skips the items without portrait consent (counted apart) unless the editor
//! confirmed the run for them too: one item's rule, never bypassed by selecting many.

use vocweek_db::assets::AssetRecord;
use vocweek_domain::{TagChange, Vocabulary};

use super::decide::checked_decision;
use super::edit::{EditInput, TagEdit, current_tags};
use super::error::{EditorialError, Forbidden, NotAllowed};
use super::{Actor, Editorial};

/// One selected item: its id and the version the page showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkItem {
    pub id: String,
    pub version: i32,
}

/// What a bulk run did: items changed, and items skipped (not visible, stale, refused).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BulkOutcome {
    pub done: usize,
    pub skipped: usize,
    /// Of the skipped, recommendations refused for want of the portrait consent
    /// (`NotAllowed::ConsentUnconfirmed`): the run did not confirm them.
    pub without_consent: usize,
}

impl BulkOutcome {
    /// Counts one item's result; a failure below (not a refusal) is logged, since the count
    /// alone tells the editor that something was skipped but not us why.
    fn count<T>(&mut self, what: &str, result: Result<T, EditorialError>) {
        match result {
            Ok(_) => self.done += 1,
            Err(err) => {
                if err.is_failure() {
                    tracing::error!(error = %err, "{what} failed");
                }
                if matches!(
                    err,
                    EditorialError::NotAllowed(NotAllowed::ConsentUnconfirmed)
                ) {
                    self.without_consent += 1;
                }
                self.skipped += 1;
            }
        }
    }
}

impl Editorial {
    /// One decision (checked once: the action, the note) for every item;
    /// `confirm_without_consent` confirms recommending those whose unit declared no portrait
    /// consent.
    pub async fn decide_many(
        &self,
        actor: &Actor,
        items: &[BulkItem],
        action: &str,
        note: Option<&str>,
        confirm_without_consent: bool,
    ) -> Result<BulkOutcome, EditorialError> {
        if !actor.is_staff() {
            return Err(Forbidden::NotStaff.into());
        }
        let (action, note) = checked_decision(action, note)?;
        let (cards, mut outcome) = self.visible_items(actor, items).await?;
        for (record, version) in cards {
            let decided = self
                .apply_decision(
                    actor,
                    &record,
                    action,
                    note,
                    version,
                    confirm_without_consent,
                )
                .await;
            outcome.count("bulk decision", decided);
        }
        Ok(outcome)
    }

    /// `change` over each item's own tags (a new city, a new category, a theme added), through
    /// the same checks and the same edit as the item page.
    pub async fn retag_many(
        &self,
        actor: &Actor,
        items: &[BulkItem],
        change: &TagChange,
        vocabulary: &Vocabulary,
    ) -> Result<BulkOutcome, EditorialError> {
        if !actor.is_staff() {
            return Err(Forbidden::NotStaff.into());
        }
        let (cards, mut outcome) = self.visible_items(actor, items).await?;
        for (record, version) in cards {
            let input = EditInput {
                version,
                title: None,
                description: None,
                tags: TagEdit::Replace(change.clone().over(&current_tags(&record))),
                credit: None,
                portrait_consent: None,
            };
            let edited = self.apply_edit(actor, &record, input, vocabulary).await;
            outcome.count("bulk re-tag", edited);
        }
        Ok(outcome)
    }

    /// The items the actor may see, with the version each was selected at, and an outcome
    /// counting the others as skipped.
    async fn visible_items(
        &self,
        actor: &Actor,
        items: &[BulkItem],
    ) -> Result<(Vec<(AssetRecord, i32)>, BulkOutcome), EditorialError> {
        let mut cards = Vec::new();
        let mut outcome = BulkOutcome::default();
        for item in items {
            match self.visible_asset(actor, &item.id).await {
                Ok(record) => cards.push((record, item.version)),
                Err(EditorialError::NotFound) => outcome.skipped += 1,
                Err(other) => return Err(other),
            }
        }
        Ok((cards, outcome))
    }
}
