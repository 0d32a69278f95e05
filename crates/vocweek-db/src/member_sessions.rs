//! A unit person signs in (`/unit/login`) and changes their password, with the staff's rules:
//! Argon2 off the request's thread, an unknown username as slow as a known one, a session
//! opened only over the hash just verified, and a password change that ends every session of
//! the person in its transaction. A person's session is a `session` token naming their unit
//! and them: it acts as the unit (`Principal::Unit` with the person).

use chrono::Duration;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

use crate::accounts::{NO_ONES_HASH, SESSION_HOURS};
use crate::entities::unit_member;
use crate::members::{UnitMember, could_be_username, username_key};
use crate::passwords::{PasswordChanged, PasswordRefusal, check_new_password, off_the_runtime};
use crate::secrets::{hash_password, verify_password};
use crate::tokens::{TokenKind, TokenOwner, issue, revoke_member_sessions};
use crate::{Db, DbError, DbResult};

/// A person signed in: their new session token (for the `vw_session` cookie) and who they are.
#[derive(Clone)]
pub struct MemberSession {
    pub token: String,
    pub member: UnitMember,
}

/// Without the token, which signs in whoever holds it.
impl std::fmt::Debug for MemberSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemberSession")
            .field("token", &"<hidden>")
            .field("member", &self.member)
            .finish()
    }
}

impl Db {
    /// Checks a unit person's username and password and opens a session; `None` when either
    /// is wrong or the person is disabled (told apart from a wrong password by nothing, not
    /// even the time it takes).
    pub async fn member_sign_in(
        &self,
        username: &str,
        password: &str,
    ) -> DbResult<Option<MemberSession>> {
        let row = if could_be_username(username) {
            unit_member::Entity::find()
                .filter(unit_member::Column::Username.eq(username_key(username)))
                .one(self.conn())
                .await?
        } else {
            None
        };
        let stored = match &row {
            Some(row) => row.password_hash.clone(),
            None => NO_ONES_HASH.clone().unwrap_or_default(),
        };
        let password = password.to_owned();
        let matches = off_the_runtime(move || verify_password(&password, &stored)).await?;
        let Some(row) = row.filter(|row| matches && row.disabled_at.is_none()) else {
            return Ok(None);
        };
        // As for staff (`Db::sign_in`): the session only over the hash just verified, with the
        // row locked, and only while the person is not disabled.
        let txn = self.begin().await?;
        let still_current = unit_member::Entity::update_many()
            .col_expr(
                unit_member::Column::PasswordHash,
                Expr::col(unit_member::Column::PasswordHash),
            )
            .filter(unit_member::Column::Id.eq(row.id))
            .filter(unit_member::Column::PasswordHash.eq(row.password_hash.as_str()))
            .filter(unit_member::Column::DisabledAt.is_null())
            .exec(&txn)
            .await?;
        if still_current.rows_affected == 0 {
            return Ok(None);
        }
        let token = issue(
            &txn,
            TokenKind::Session,
            TokenOwner::Member {
                unit_id: row.unit_id,
                member_id: row.id,
            },
            Some(Duration::hours(SESSION_HOURS)),
        )
        .await?;
        txn.commit().await?;
        Ok(Some(MemberSession {
            token,
            member: UnitMember::try_from(row)?,
        }))
    }

    /// A new session for a person whose identity is established: after their password change,
    /// which ended every session but the browser's own new one.
    pub async fn start_member_session(&self, unit_id: i32, member_id: i32) -> DbResult<String> {
        issue(
            self.conn(),
            TokenKind::Session,
            TokenOwner::Member { unit_id, member_id },
            Some(Duration::hours(SESSION_HOURS)),
        )
        .await
    }

    /// A unit person changes their own password, proving it with the current one; afterwards
    /// they are no longer asked to change it, and every session of theirs has ended. The
    /// answer's `user_id` is the person's id.
    pub async fn change_own_member_password(
        &self,
        member_id: i32,
        current_password: &str,
        new_password: &str,
    ) -> DbResult<Result<PasswordChanged, PasswordRefusal>> {
        let row = unit_member::Entity::find_by_id(member_id)
            .one(self.conn())
            .await?
            .ok_or_else(|| DbError::NotFound(format!("unit member {member_id}")))?;
        let (given, stored) = (current_password.to_owned(), row.password_hash.clone());
        if !off_the_runtime(move || verify_password(&given, &stored)).await? {
            return Ok(Err(PasswordRefusal::WrongPassword));
        }
        if let Err(refusal) = check_new_password(&row.username, new_password) {
            return Ok(Err(refusal));
        }
        if new_password == current_password {
            return Ok(Err(PasswordRefusal::Unchanged));
        }
        let password = new_password.to_owned();
        let hash = off_the_runtime(move || hash_password(&password)).await??;
        let txn = self.begin().await?;
        // Only over the hash that was checked: of two changes at once, one wins.
        let updated = unit_member::Entity::update_many()
            .col_expr(unit_member::Column::PasswordHash, Expr::value(hash))
            .col_expr(unit_member::Column::MustChangePassword, Expr::value(false))
            .filter(unit_member::Column::Id.eq(row.id))
            .filter(unit_member::Column::PasswordHash.eq(row.password_hash.as_str()))
            .exec(&txn)
            .await?;
        if updated.rows_affected == 0 {
            return Err(DbError::Conflict(format!(
                "the password of '{}'",
                row.username
            )));
        }
        let sessions_ended = revoke_member_sessions(&txn, row.id).await?;
        txn.commit().await?;
        Ok(Ok(PasswordChanged {
            user_id: row.id,
            username: row.username,
            sessions_ended,
        }))
    }
}
