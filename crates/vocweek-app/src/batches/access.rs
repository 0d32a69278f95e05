//! Whose batches the actor reaches: an editor its desk's, an admin every desk's; units and
//! partners none. Another desk's batch is answered as if it did not exist.

use vocweek_db::batches::BatchRecord;
use vocweek_domain::{Desk, Role};

use super::{BatchError, BatchForbidden, Batches};
use crate::Actor;

/// A member of staff composing batches: who (for the batch's author and the audit trail), and
/// the desk they compose for (`None`: an admin, every desk).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Composer {
    pub user_id: i32,
    pub desk: Option<Desk>,
}

impl Composer {
    /// The actor as a composer of batches, or why they compose none.
    pub fn of(actor: &Actor) -> Result<Composer, BatchForbidden> {
        match actor {
            Actor::Staff {
                user_id,
                role: Role::Admin,
                ..
            } => Ok(Composer {
                user_id: *user_id,
                desk: None,
            }),
            Actor::Staff {
                user_id,
                desk: Some(desk),
                ..
            } => Ok(Composer {
                user_id: *user_id,
                desk: Some(*desk),
            }),
            Actor::Staff { desk: None, .. } => Err(BatchForbidden::NoDesk),
            Actor::Unit(_) | Actor::Partner(_) => Err(BatchForbidden::NotStaff),
        }
    }

    /// Whether a batch of `desk` is theirs to see.
    pub fn reaches(&self, desk: Desk) -> bool {
        self.desk.is_none_or(|own| own == desk)
    }
}

impl Batches {
    /// The actor's batches (one desk's, or every desk's for an admin), newest first, without
    /// their items (`items` is empty: read one batch for them).
    pub async fn list(&self, actor: &Actor) -> Result<Vec<BatchRecord>, BatchError> {
        let composer = Composer::of(actor)?;
        let batches = self.db.batches(composer.desk).await?;
        Ok(batches
            .into_iter()
            .map(|batch| BatchRecord {
                batch,
                items: Vec::new(),
            })
            .collect())
    }

    /// The batch with its items in order, if it exists and the actor reaches it;
    /// [`BatchError::NotFound`] for either.
    pub async fn batch(&self, actor: &Actor, id: i32) -> Result<BatchRecord, BatchError> {
        let composer = Composer::of(actor)?;
        let record = self.db.batch(id).await?.ok_or(BatchError::NotFound)?;
        if !composer.reaches(record.batch.desk) {
            return Err(BatchError::NotFound);
        }
        Ok(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editors_reach_their_desk_and_admins_every_desk() {
        let editor = Actor::Staff {
            user_id: 1,
            role: Role::Editor,
            desk: Some(Desk::Hr),
        };
        let hr = Composer::of(&editor).ok();
        assert!(hr.is_some_and(|c| c.reaches(Desk::Hr) && !c.reaches(Desk::Edu)));
        let admin = Actor::Staff {
            user_id: 2,
            role: Role::Admin,
            desk: Some(Desk::Edu),
        };
        let every = Composer::of(&admin).ok();
        assert!(every.is_some_and(|c| c.reaches(Desk::Hr) && c.reaches(Desk::Edu)));
        let deskless = Actor::Staff {
            user_id: 3,
            role: Role::Editor,
            desk: None,
        };
        assert_eq!(Composer::of(&deskless), Err(BatchForbidden::NoDesk));
        assert_eq!(Composer::of(&Actor::Unit(4)), Err(BatchForbidden::NotStaff));
        assert_eq!(
            Composer::of(&Actor::Partner(5)),
            Err(BatchForbidden::NotStaff)
        );
    }
}
