//! Who acts, as every use case checks it: a unit, a member of staff (an editor of one desk, or
//! an admin), or a partner. Each service says what an actor may do with its own refusals
//! (`editorial`: `Actor::scope`; `batches`: the desk a member of staff composes for;
//! `campaigns`: admins only; `reporting`: a unit its own reports, staff read their desk's).

use vocweek_db::audit::Actor as AuditActor;
use vocweek_db::tokens::Principal;
use vocweek_domain::{Desk, Role};

/// The user id the command line acts under: no account has it (account ids start at 1), and
/// the audit trail names it the system rather than a user.
const COMMAND_LINE_USER: i32 = 0;

/// Who asks for a use case. Built from an authenticated [`Principal`] (the API), from a
/// signed-in staff member (the pages), or as the operator at the machine (the command line,
/// [`Actor::command_line`]).
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
    /// The operator at the machine running a `vocweek` command (`vocweek campaign create`,
    /// say), as an admin of every desk: whoever runs the program with its settings reaches the
    /// database anyway. The command line still goes through the use cases so that it checks
    /// what the pages and the API check. It has no account: fit for use cases that record no
    /// account's id in a row (campaigns), not for those that do (a batch's composer).
    pub fn command_line() -> Self {
        Actor::Staff {
            user_id: COMMAND_LINE_USER,
            role: Role::Admin,
            desk: None,
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
            Actor::Staff {
                user_id: COMMAND_LINE_USER,
                ..
            } => AuditActor::System,
            Actor::Staff { user_id, .. } => AuditActor::User(*user_id),
            Actor::Partner(id) => AuditActor::Partner(*id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_the_audit_trail() {
        let editor = Actor::Staff {
            user_id: 1,
            role: Role::Editor,
            desk: Some(Desk::Hr),
        };
        let admin = Actor::Staff {
            user_id: 2,
            role: Role::Admin,
            desk: None,
        };
        assert_eq!(editor.audit(), AuditActor::User(1));
        assert_eq!(Actor::Unit(4).audit(), AuditActor::Unit(4));
        assert_eq!(Actor::Partner(5).audit(), AuditActor::Partner(5));
        assert!(admin.is_admin() && !editor.is_admin() && !Actor::Unit(4).is_staff());
        assert!(editor.is_staff() && !Actor::Partner(5).is_staff());
        // The command line is an admin without an account: the trail names no user.
        assert!(Actor::command_line().is_admin());
        assert_eq!(Actor::command_line().audit(), AuditActor::System);
    }
}
