//! What units are told (issue 19): an item returned or rejected (recorded with the decision,
//! `vocweek-db`'s `review.rs`), the desk's reminder to the units that sent nothing today, a
//! day of the week sent nothing and a report overdue (recorded by the workers,
//! `vocweek_pipeline::mail`). A unit reads its own notices and marks them read; the desks send
//! the reminder, once a day per unit, to the units of their desk (an admin to every unit),
//! as the tracker shows them.
//!
//! One file per job: how it can fail (`error`), the reminder (`remind`); reading and marking
//! here.

mod error;
mod remind;

use chrono::{DateTime, Utc};
use vocweek_db::Db;
use vocweek_db::notifications::NOTICES_SHOWN;
use vocweek_domain::NoticeKind;
use vocweek_pipeline::Ingestor;

use crate::Actor;

pub use error::NoticeError;
pub use remind::Reminded;

/// A notice as its unit reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitNotice {
    pub id: i32,
    pub kind: NoticeKind,
    /// What it says, in Chinese (the message catalog's).
    pub sentence: String,
    /// The item a decision notice is about.
    pub asset_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// The notices service: the database, and the ingestor that holds this node's active
/// campaign (whose days the reminder is for).
#[derive(Clone)]
pub struct Notices {
    db: Db,
    ingestor: Ingestor,
}

impl std::fmt::Debug for Notices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notices").finish_non_exhaustive()
    }
}

impl Notices {
    pub fn new(db: Db, ingestor: Ingestor) -> Self {
        Notices { db, ingestor }
    }

    /// The acting unit's notices, newest first (the latest [`NOTICES_SHOWN`]).
    pub async fn unit_notices(&self, actor: &Actor) -> Result<Vec<UnitNotice>, NoticeError> {
        let unit = acting_unit(actor)?;
        let rows = self.db.unit_notices(unit, NOTICES_SHOWN).await?;
        Ok(rows
            .iter()
            .map(|row| UnitNotice {
                id: row.id,
                kind: row.kind,
                sentence: vocweek_pipeline::mail::sentence(row),
                asset_id: row.asset_id.clone(),
                created_at: row.created_at,
                read: row.read_at.is_some(),
            })
            .collect())
    }

    /// Marks the acting unit's notice `id` read (a second time changes nothing).
    pub async fn mark_read(&self, actor: &Actor, id: i32) -> Result<(), NoticeError> {
        let unit = acting_unit(actor)?;
        if self.db.mark_notice_read(unit, id).await? {
            Ok(())
        } else {
            Err(NoticeError::NotFound)
        }
    }
}

/// The unit acting: notices are its own.
fn acting_unit(actor: &Actor) -> Result<i32, NoticeError> {
    match actor {
        Actor::Unit(id) => Ok(*id),
        _ => Err(NoticeError::NotAUnit),
    }
}
