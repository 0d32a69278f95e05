//! Who acts, as the use cases check it: a unit, a member of staff (an editor of one desk, or an
//! admin), or a partner.

use vocweek_db::assets::Scope;
use vocweek_db::audit::Actor as AuditActor;
use vocweek_db::tokens::Principal;
use vocweek_domain::{Desk, Role};

use super::error::Forbidden;

/// Who asks for a use case. Built from an authenticated [`Principal`] (the API) or from a
/// signed-in staff member (the pages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// An uploading unit, by id.
    Unit(i32),
    /// An editor or an admin. An editor works on one desk; an editor without one (a row edited
    /// by hand) reaches nothing.
    Staff {
        user_id: i32,
        role: Role,
        desk: Option<Desk>,
    },
    /// A media partner, by id: partners read the feed and act on no item.
    Partner(i32),
}

impl From<&Principal> for Actor {
    fn from(principal: &Principal) -> Self {
        match principal {
            Principal::Unit { id, .. } => Actor::Unit(*id),
            Principal::User { id, role, desk, .. } => Actor::Staff {
                user_id: *id,
                role: *role,
                desk: *desk,
            },
            Principal::Partner { id, .. } => Actor::Partner(*id),
        }
    }
}

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

    /// Editors and admins.
    pub fn is_staff(&self) -> bool {
        matches!(self, Actor::Staff { .. })
    }

    /// An admin.
    pub fn is_admin(&self) -> bool {
        matches!(
            self,
            Actor::Staff {
                role: Role::Admin,
                ..
            }
        )
    }

    /// Who the audit trail says did it.
    pub fn audit(&self) -> AuditActor {
        match self {
            Actor::Unit(id) => AuditActor::Unit(*id),
            Actor::Staff { user_id, .. } => AuditActor::User(*user_id),
            Actor::Partner(id) => AuditActor::Partner(*id),
        }
    }
}

#[cfg(test)]
mod tests {
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
        assert_eq!(editor.audit(), AuditActor::User(1));
        assert!(admin.is_admin() && !editor.is_admin() && !Actor::Unit(4).is_staff());
    }
}
