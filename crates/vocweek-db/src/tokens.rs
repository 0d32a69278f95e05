//! Bearer credentials: unit upload tokens, editor sessions, unit people's sessions, partner API
//! keys.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, sea_query::Expr,
};
use vocweek_domain::{Desk, Role, UnitKind, UnitRole};

use crate::entities::{partner, token, unit, unit_member, user};
use crate::records::unit::Unit;
use crate::records::unit_member::UnitMember;
use crate::records::user::User;
use crate::secrets::{new_token, token_hash, token_prefix};
use crate::{Db, DbError, DbResult};

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Upload,
    Session,
    ApiKey,
}

impl TokenKind {
    fn as_str(self) -> &'static str {
        match self {
            TokenKind::Upload => "upload",
            TokenKind::Session => "session",
            TokenKind::ApiKey => "api_key",
        }
    }

    fn marker(self) -> &'static str {
        match self {
            TokenKind::Upload => "vwu",
            TokenKind::Session => "vws",
            TokenKind::ApiKey => "vwp",
        }
    }
}

/// Whose token it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenOwner {
    Unit(i32),
    User(i32),
    Partner(i32),
    /// A unit person's session: it acts as the unit, and names the person.
    Member {
        unit_id: i32,
        member_id: i32,
    },
}

/// The person of a unit behind a session, when it is a person's and not the shared token.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitPerson {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub role: UnitRole,
    /// Signed in with a generated password: until they choose their own, only the password
    /// change is let through (as for staff).
    pub must_change_password: bool,
}

/// Who is calling, once a token checks out.
#[derive(Debug, Clone, PartialEq)]
pub enum Principal {
    Unit {
        id: i32,
        name: String,
        kind: UnitKind,
        desk: Desk,
        city: String,
        /// The person signed in, for a person's session; `None` for the unit's upload token.
        /// Every permission is the unit's either way.
        member: Option<UnitPerson>,
    },
    User {
        id: i32,
        username: String,
        role: Role,
        /// `None`: an admin, who sees both desks.
        desk: Option<Desk>,
        /// Signed in with a generated password (first start, `user add`, a reset): until they
        /// choose their own, the pages and the API only let them change it.
        must_change_password: bool,
    },
    Partner {
        id: i32,
        name: String,
    },
}

impl Principal {
    /// A user who must choose a password before doing anything else.
    pub fn must_change_password(&self) -> bool {
        match self {
            Principal::User {
                must_change_password,
                ..
            } => *must_change_password,
            Principal::Unit {
                member: Some(person),
                ..
            } => person.must_change_password,
            _ => false,
        }
    }

    /// The unit person behind the call, if a person (not the shared token) signed in.
    pub fn unit_person(&self) -> Option<&UnitPerson> {
        match self {
            Principal::Unit { member, .. } => member.as_ref(),
            _ => None,
        }
    }
}

/// Why a presented token does not authenticate; each becomes a distinct 401 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRejection {
    Unknown,
    Revoked,
    Expired,
}

/// Stores a new token's hash and returns the token, which is shown once and never stored.
pub(crate) async fn issue<C: ConnectionTrait>(
    conn: &C,
    kind: TokenKind,
    owner: TokenOwner,
    ttl: Option<Duration>,
) -> DbResult<String> {
    let value = new_token(kind.marker());
    let now = Utc::now();
    let (unit_id, user_id, partner_id, member_id) = match owner {
        TokenOwner::Unit(id) => (Some(id), None, None, None),
        TokenOwner::User(id) => (None, Some(id), None, None),
        TokenOwner::Partner(id) => (None, None, Some(id), None),
        TokenOwner::Member { unit_id, member_id } => (Some(unit_id), None, None, Some(member_id)),
    };
    token::ActiveModel {
        kind: Set(kind.as_str().to_owned()),
        hash: Set(token_hash(&value)),
        prefix: Set(token_prefix(&value)),
        unit_id: Set(unit_id),
        user_id: Set(user_id),
        partner_id: Set(partner_id),
        member_id: Set(member_id),
        created_at: Set(now),
        expires_at: Set(ttl.map(|ttl| now + ttl)),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(value)
}

/// Ends every session of a user, on `conn` (the password change's transaction): whoever
/// signed in with the old password, or holds a stolen session, must sign in again.
pub(crate) async fn revoke_user_sessions<C: ConnectionTrait>(
    conn: &C,
    user_id: i32,
) -> DbResult<u64> {
    let result = token::Entity::update_many()
        .col_expr(token::Column::RevokedAt, Expr::value(Some(Utc::now())))
        .filter(token::Column::UserId.eq(user_id))
        .filter(token::Column::Kind.eq(TokenKind::Session.as_str()))
        .filter(token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

/// Ends every session of a unit person, on `conn` (a password change's or a disabling's
/// transaction).
pub(crate) async fn revoke_member_sessions<C: ConnectionTrait>(
    conn: &C,
    member_id: i32,
) -> DbResult<u64> {
    let result = token::Entity::update_many()
        .col_expr(token::Column::RevokedAt, Expr::value(Some(Utc::now())))
        .filter(token::Column::MemberId.eq(member_id))
        .filter(token::Column::Kind.eq(TokenKind::Session.as_str()))
        .filter(token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

impl Db {
    /// Checks a presented token; `Ok(Err(_))` is a refused token, `Err(_)` a database failure.
    pub async fn authenticate(
        &self,
        presented: &str,
    ) -> DbResult<Result<Principal, TokenRejection>> {
        let Some(row) = token::Entity::find()
            .filter(token::Column::Hash.eq(token_hash(presented.trim())))
            .one(self.conn())
            .await?
        else {
            return Ok(Err(TokenRejection::Unknown));
        };
        if row.revoked_at.is_some() {
            return Ok(Err(TokenRejection::Revoked));
        }
        if row.expires_at.is_some_and(|at| at <= Utc::now()) {
            return Ok(Err(TokenRejection::Expired));
        }
        let member = match row.member_id {
            None => None,
            Some(id) => match self.live_member(id, row.unit_id).await? {
                Some(person) => Some(person),
                // Disabling ends the person's sessions in its transaction; a session that
                // somehow outlived it is refused all the same.
                None => return Ok(Err(TokenRejection::Revoked)),
            },
        };
        self.principal_of(&row, member).await.map(Ok)
    }

    /// The person of a session, when they exist, belong to the session's unit and are not
    /// disabled.
    async fn live_member(&self, id: i32, unit_id: Option<i32>) -> DbResult<Option<UnitPerson>> {
        let Some(row) = unit_member::Entity::find_by_id(id).one(self.conn()).await? else {
            return Ok(None);
        };
        let member = UnitMember::try_from(row)?;
        if member.disabled_at.is_some() || Some(member.unit_id) != unit_id {
            return Ok(None);
        }
        Ok(Some(UnitPerson {
            id: member.id,
            username: member.username,
            display_name: member.display_name,
            role: member.role,
            must_change_password: member.must_change_password,
        }))
    }

    async fn principal_of(
        &self,
        row: &token::Model,
        member: Option<UnitPerson>,
    ) -> DbResult<Principal> {
        let missing = || DbError::Corrupt(format!("token {} has no owner", row.prefix));
        if let Some(id) = row.unit_id {
            let unit = Unit::try_from(
                unit::Entity::find_by_id(id)
                    .one(self.conn())
                    .await?
                    .ok_or_else(missing)?,
            )?;
            return Ok(Principal::Unit {
                id: unit.id,
                name: unit.name,
                kind: unit.kind,
                // The kind decides the desk (as when the unit was created).
                desk: unit.kind.desk(),
                city: unit.city,
                member,
            });
        }
        if let Some(id) = row.user_id {
            let user = User::try_from(
                user::Entity::find_by_id(id)
                    .one(self.conn())
                    .await?
                    .ok_or_else(missing)?,
            )?;
            return Ok(Principal::User {
                id: user.id,
                role: user.role,
                desk: user.desk,
                must_change_password: user.must_change_password,
                username: user.username,
            });
        }
        if let Some(id) = row.partner_id {
            let partner = partner::Entity::find_by_id(id)
                .one(self.conn())
                .await?
                .ok_or_else(missing)?;
            return Ok(Principal::Partner {
                id: partner.id,
                name: partner.name,
            });
        }
        Err(missing())
    }

    /// Revokes the token given in full or by its listed prefix. Returns how many were revoked.
    pub async fn revoke_token(&self, token_or_prefix: &str) -> DbResult<u64> {
        let value = token_or_prefix.trim();
        let condition = if value.len() > crate::secrets::PREFIX_LEN {
            token::Column::Hash.eq(token_hash(value))
        } else {
            token::Column::Prefix.eq(value)
        };
        let result = token::Entity::update_many()
            .col_expr(token::Column::RevokedAt, Expr::value(Some(Utc::now())))
            .filter(condition)
            .filter(token::Column::RevokedAt.is_null())
            .exec(self.conn())
            .await?;
        Ok(result.rows_affected)
    }

    /// Ends a sign-in session given in full (`/logout`). Only that session: never a token
    /// matched by prefix, never an upload token or an API key, whatever the cookie holds.
    pub async fn revoke_session(&self, session: &str) -> DbResult<u64> {
        let result = token::Entity::update_many()
            .col_expr(token::Column::RevokedAt, Expr::value(Some(Utc::now())))
            .filter(token::Column::Hash.eq(token_hash(session.trim())))
            .filter(token::Column::Kind.eq(TokenKind::Session.as_str()))
            .filter(token::Column::RevokedAt.is_null())
            .exec(self.conn())
            .await?;
        Ok(result.rows_affected)
    }

    /// Revokes every live token of a unit (a lost laptop, a departed media officer).
    pub async fn revoke_unit_tokens(&self, unit_id: i32) -> DbResult<u64> {
        let result = token::Entity::update_many()
            .col_expr(token::Column::RevokedAt, Expr::value(Some(Utc::now())))
            .filter(token::Column::UnitId.eq(unit_id))
            .filter(token::Column::RevokedAt.is_null())
            .exec(self.conn())
            .await?;
        Ok(result.rows_affected)
    }

    /// Live upload token prefixes of a unit, for `unit list` (its people's sessions are not
    /// listed: they end by themselves).
    pub async fn live_token_prefixes(&self, unit_id: i32) -> DbResult<Vec<String>> {
        let now: DateTime<Utc> = Utc::now();
        let rows = token::Entity::find()
            .filter(token::Column::UnitId.eq(unit_id))
            .filter(token::Column::Kind.eq(TokenKind::Upload.as_str()))
            .filter(token::Column::RevokedAt.is_null())
            .all(self.conn())
            .await?;
        Ok(rows
            .into_iter()
            .filter(|row| row.expires_at.is_none_or(|at| at > now))
            .map(|row| row.prefix)
            .collect())
    }
}
