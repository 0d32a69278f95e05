//! The people of a unit with personal accounts, beside the unit's shared upload token (which
//! keeps working for scripts): who may list, invite and disable them, written once.
//!
//! - A provincial administrator manages any unit's people (that is how a unit gets its first
//!   unit admin).
//! - A unit admin manages the people of their own unit, and invites members or other unit
//!   admins; they do not disable themselves.
//! - Nobody else does: not a plain member, not the shared token (it names no one), not editors
//!   or partners. Asked about another unit, a unit's person learns only "not found".
//!
//! An invited person gets a generated one-time password (answered once) and must choose their
//! own at the first sign-in. A disabled person cannot sign in, and their sessions end at once.

mod error;
mod rules;

use vocweek_db::Db;
use vocweek_db::members::{NewMember, UnitMember};
use vocweek_db::secrets::new_password;
use vocweek_db::tokens::Principal;
use vocweek_domain::{Role, UnitRole};

pub use error::{MemberError, MemberForbidden};
pub use rules::{
    DISPLAY_NAME_MAX_CHARS, MAX_PEOPLE_PER_UNIT, USERNAME_CHARS, checked_display_name,
    checked_username,
};

/// The unit-people service.
#[derive(Clone)]
pub struct Members {
    db: Db,
}

impl std::fmt::Debug for Members {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Members").finish_non_exhaustive()
    }
}

/// A person to invite, as the request sent it (checked here, after who asks).
#[derive(Debug, Clone)]
pub struct Invitation {
    pub username: String,
    pub display_name: String,
    /// `member` or `unit_admin`; `None` (or empty) is `member`.
    pub role: Option<String>,
}

/// An invited person and their one-time password, to hand over once.
#[derive(Clone)]
pub struct Invited {
    pub member: UnitMember,
    pub password: String,
}

/// Without the password: a `{:?}` in a log line must not hand it to whoever reads the logs.
impl std::fmt::Debug for Invited {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invited")
            .field("member", &self.member)
            .field("password", &"<hidden>")
            .finish()
    }
}

impl Members {
    pub fn new(db: Db) -> Self {
        Members { db }
    }

    /// Whether `caller` manages the people of unit `unit_id`; the unit must exist.
    pub async fn may_manage(&self, caller: &Principal, unit_id: i32) -> Result<(), MemberError> {
        match caller {
            Principal::User {
                role: Role::Admin, ..
            } => {}
            Principal::Unit { id, member, .. } => {
                let Some(person) = member else {
                    return Err(MemberError::Forbidden(MemberForbidden::SharedToken));
                };
                if *id != unit_id {
                    return Err(MemberError::NotFound("unit"));
                }
                if person.role != UnitRole::UnitAdmin {
                    return Err(MemberError::Forbidden(MemberForbidden::NotUnitAdmin));
                }
            }
            Principal::User { .. } | Principal::Partner { .. } => {
                return Err(MemberError::Forbidden(MemberForbidden::Other));
            }
        }
        match self.db.unit(unit_id).await? {
            Some(_) => Ok(()),
            None => Err(MemberError::NotFound("unit")),
        }
    }

    /// The people of unit `unit_id`, disabled ones included, oldest first.
    pub async fn list(
        &self,
        caller: &Principal,
        unit_id: i32,
    ) -> Result<Vec<UnitMember>, MemberError> {
        self.may_manage(caller, unit_id).await?;
        Ok(self.db.members_of(unit_id).await?)
    }

    /// Invites a person into unit `unit_id` with a generated one-time password.
    pub async fn invite(
        &self,
        caller: &Principal,
        unit_id: i32,
        invitation: Invitation,
    ) -> Result<Invited, MemberError> {
        self.may_manage(caller, unit_id).await?;
        let username = checked_username(&invitation.username).map_err(MemberError::Invalid)?;
        let display_name =
            checked_display_name(&invitation.display_name).map_err(MemberError::Invalid)?;
        let role = match invitation.role.as_deref().map(str::trim) {
            None | Some("") => UnitRole::Member,
            Some(role) => UnitRole::parse(role)
                .map_err(|_| MemberError::Invalid("role: member or unit_admin".to_owned()))?,
        };
        // Only people who can still sign in count: disabled ones keep their rows (their
        // submissions name them), and counting them would let a unit admin who invites and
        // disables names fill the unit for good.
        let active = self
            .db
            .members_of(unit_id)
            .await?
            .iter()
            .filter(|person| person.disabled_at.is_none())
            .count();
        if active >= MAX_PEOPLE_PER_UNIT {
            return Err(MemberError::TooMany(MAX_PEOPLE_PER_UNIT));
        }
        let password = new_password();
        let created = self
            .db
            .create_member(NewMember {
                unit_id,
                username: &username,
                display_name: &display_name,
                role,
                password: &password,
            })
            .await;
        match created {
            Ok(member) => Ok(Invited { member, password }),
            Err(vocweek_db::DbError::AlreadyExists(_)) => Err(MemberError::Taken(username)),
            Err(other) => Err(other.into()),
        }
    }

    /// Disables person `username` of unit `unit_id` and ends their sessions; answers how many
    /// ended. A person of another unit is not found.
    pub async fn disable(
        &self,
        caller: &Principal,
        unit_id: i32,
        username: &str,
    ) -> Result<u64, MemberError> {
        self.may_manage(caller, unit_id).await?;
        let person = self
            .db
            .member_by_username(username)
            .await?
            .filter(|person| person.unit_id == unit_id)
            .ok_or(MemberError::NotFound("unit person"))?;
        if caller.unit_person().is_some_and(|me| me.id == person.id) {
            return Err(MemberError::OwnAccount);
        }
        Ok(self.db.disable_member(person.id).await?)
    }
}
