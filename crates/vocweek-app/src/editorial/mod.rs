//! The editorial use cases: deciding on items (one or many), editing their text and tags,
//! replacing a returned item's file, and deleting them. The JSON handlers and the queue pages
//! both call these, so a rule (who may decide what, when a note is needed, what a unit may
//! still change) is written once, here.
//!
//! One file per job: how it can fail (`error`), finding an item the actor may see
//! (`visibility`, with [`Actor::scope`]), the portrait-consent rule of recommendations
//! (`consent`), then one file per use case. Who acts is the crate's [`Actor`](crate::Actor).

mod bulk;
mod clip;
mod consent;
mod decide;
mod delete;
mod edit;
mod error;
mod replace;
mod visibility;

use std::sync::Arc;

use tokio::sync::Notify;
use vocweek_db::Db;
use vocweek_storage::BlobStore;

use crate::Actor;

pub use bulk::{BulkItem, BulkOutcome};
pub use clip::{ClipQueued, MIN_CLIP_SECONDS};
pub use consent::consent_missing;
pub use decide::DecisionInput;
pub use edit::{EditInput, TagEdit};
pub use error::{Conflicted, EditorialError, Forbidden, Invalid, NotAllowed};

/// The editorial service: the database, the blob store (a deletion removes the item's files),
/// and the signal that the partner feed changed (a decision may publish or withdraw an item).
#[derive(Debug, Clone)]
pub struct Editorial {
    db: Db,
    store: Arc<dyn BlobStore>,
    /// Woken after every change that may append to the feed, so that this node's long-polls
    /// answer at once.
    feed_changed: Arc<Notify>,
}

impl Editorial {
    pub fn new(db: Db, store: Arc<dyn BlobStore>, feed_changed: Arc<Notify>) -> Self {
        Editorial {
            db,
            store,
            feed_changed,
        }
    }

    /// Wakes whoever waits for the feed (long-polls of this node).
    fn feed_may_have_changed(&self) {
        self.feed_changed.notify_waiters();
    }
}
