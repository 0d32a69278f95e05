//! Finding an item the actor may see: a unit what it sent, an editor its desk's, an admin
//! everything. Anything else is answered as if the item did not exist.

use vocweek_db::assets::{AssetRecord, Scope};
use vocweek_domain::Role;

use super::error::{Conflicted, EditorialError, Forbidden};
use super::{Actor, Editorial};

impl Actor {
    /// Whose items the actor may see: a unit what it sent, an editor its desk's, an admin
    /// everything. Partners see items through the feed only.
    pub fn scope(&self) -> Result<Scope, Forbidden> {
        match self {
            Actor::Unit(id) => Ok(Scope::Unit(*id)),
            Actor::Staff {
                role: Role::Admin, ..
            } => Ok(Scope::Everything),
            Actor::Staff {
                desk: Some(desk), ..
            } => Ok(Scope::Desk(*desk)),
            Actor::Staff { desk: None, .. } => Err(Forbidden::NoDesk),
            Actor::Partner(_) => Err(Forbidden::Partner),
        }
    }
}

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
                    state: record.asset.state.as_str().to_owned(),
                    version: record.asset.version,
                }),
                id,
                version,
            },
            // The conflict is the answer; what the item looks like now is a courtesy.
            Err(failed) => {
                tracing::warn!(asset = %id, error = %failed, "reading a conflicted item failed");
                EditorialError::Conflict {
                    current: None,
                    id,
                    version,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use vocweek_domain::Desk;

    use super::*;

    #[test]
    fn scopes_follow_role_and_desk() {
        let editor = Actor::Staff {
            user_id: 1,
            role: Role::Editor,
            desk: Some(Desk::Hr),
        };
        assert_eq!(editor.scope(), Ok(Scope::Desk(Desk::Hr)));
        let admin = Actor::Staff {
            user_id: 2,
            role: Role::Admin,
            desk: Some(Desk::Edu),
        };
        assert_eq!(
            admin.scope(),
            Ok(Scope::Everything),
            "an admin sees both desks"
        );
        let deskless = Actor::Staff {
            user_id: 3,
            role: Role::Editor,
            desk: None,
        };
        assert_eq!(deskless.scope(), Err(Forbidden::NoDesk), "never everything");
        assert_eq!(Actor::Unit(4).scope(), Ok(Scope::Unit(4)));
        assert_eq!(Actor::Partner(5).scope(), Err(Forbidden::Partner));
    }
}
