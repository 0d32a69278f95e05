//! The campaigns use cases: an admin creates next year's week (from the fields of a form or
//! request, or from a campaign data file with its own vocabulary) and activates it; no code
//! changes. Who may (admins only), which dates and names are accepted
//! (`vocweek_domain::CampaignSeed::checked`), and that this node's uploads and reports follow
//! the activated week at once (the ingestor's campaign is reloaded) are written here, once.
//!
//! One file per job: how it can fail (`error`), creating (`create`), activating (`activate`).

mod activate;
mod create;
mod error;

use vocweek_db::Db;
use vocweek_pipeline::Ingestor;

use crate::Actor;

pub use error::CampaignError;

/// The campaigns service: the database, and the ingestor that holds this node's active
/// campaign (the vocabulary a new campaign copies by default; reloaded after an activation).
#[derive(Clone)]
pub struct Campaigns {
    db: Db,
    ingestor: Ingestor,
}

impl std::fmt::Debug for Campaigns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Campaigns").finish_non_exhaustive()
    }
}

impl Campaigns {
    pub fn new(db: Db, ingestor: Ingestor) -> Self {
        Campaigns { db, ingestor }
    }

    /// Whether `actor` manages campaigns: admins only. Every use case here checks it first;
    /// a page asks it before reading its form, so that an editor is refused whatever it sent.
    pub fn may_manage(&self, actor: &Actor) -> Result<(), CampaignError> {
        if actor.is_admin() {
            Ok(())
        } else {
            Err(CampaignError::NotAdmin)
        }
    }
}
