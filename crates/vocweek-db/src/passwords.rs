//! Changing a password: the one rule every new password follows (the CLI, the 修改密码 page and
//! the API all call it), and the change itself, which ends every session of the user in the
//! same transaction: whoever signed in with the old password, or stole a session, is out.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

use crate::entities::user;
use crate::secrets::{hash_password, verify_password};
use crate::tokens::revoke_user_sessions;
use crate::{Db, DbError, DbResult};

/// The shortest password accepted, in characters (not bytes: 10 Chinese characters will do).
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Why a password change is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordRefusal {
    /// The current password, given to authorise the change, is not the user's.
    WrongPassword,
    TooShort,
    SameAsUsername,
    /// The new password is the current one: a leaked password would live on as "changed".
    Unchanged,
}

impl PasswordRefusal {
    /// The API's error code: a wrong current password, or a new one the rule refuses.
    pub fn code(self) -> &'static str {
        match self {
            PasswordRefusal::WrongPassword => "wrong-password",
            _ => "weak-password",
        }
    }

    /// Which part of the rule, for programs (`details.reason`) and the message catalog
    /// (`error-<reason>`).
    pub fn reason(self) -> &'static str {
        match self {
            PasswordRefusal::WrongPassword => "wrong-password",
            PasswordRefusal::TooShort => "password-too-short",
            PasswordRefusal::SameAsUsername => "password-same-as-username",
            PasswordRefusal::Unchanged => "password-unchanged",
        }
    }

    /// For the API's English message and the command line.
    pub fn explanation(self) -> String {
        match self {
            PasswordRefusal::WrongPassword => "the current password is wrong".to_owned(),
            PasswordRefusal::TooShort => {
                format!("the password must have at least {MIN_PASSWORD_CHARS} characters")
            }
            PasswordRefusal::SameAsUsername => "the password must not be the username".to_owned(),
            PasswordRefusal::Unchanged => {
                "the new password must differ from the current one".to_owned()
            }
        }
    }
}

/// The rule for a new password of `username`: at least [`MIN_PASSWORD_CHARS`] characters, and
/// not the username itself (in any case). That it differs from the current password is
/// checked by the change, which knows the stored hash.
pub fn check_new_password(username: &str, password: &str) -> Result<(), PasswordRefusal> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordRefusal::TooShort);
    }
    if password.trim().to_lowercase() == username.trim().to_lowercase() {
        return Err(PasswordRefusal::SameAsUsername);
    }
    Ok(())
}

/// Whose password changes: the signed-in user's own (by id) or the one an administrator names.
#[derive(Debug, Clone, Copy)]
pub enum Account<'a> {
    Id(i32),
    Username(&'a str),
}

/// A password that was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordChanged {
    pub user_id: i32,
    pub username: String,
    /// Sessions ended by the change.
    pub sessions_ended: u64,
}

/// Argon2 takes tens of milliseconds of CPU: on the blocking pool, not on a request's thread.
pub(crate) async fn off_the_runtime<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> DbResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| DbError::Password(e.to_string()))
}

impl Db {
    /// Sets a user's password without knowing the current one (`vocweek user password`, an
    /// administrator's reset): `must_change` when the password was generated and handed over,
    /// so that only the user ends up knowing theirs. Every session of the user ends.
    ///
    /// `Err(DbError::NotFound)` for an unknown user; `Ok(Err(_))` when the rule refuses it.
    pub async fn change_password(
        &self,
        account: Account<'_>,
        new_password: &str,
        must_change: bool,
    ) -> DbResult<Result<PasswordChanged, PasswordRefusal>> {
        let user = self.account(account).await?;
        if let Err(refusal) = check_new_password(&user.username, new_password) {
            return Ok(Err(refusal));
        }
        let (candidate, stored) = (new_password.to_owned(), user.password_hash.clone());
        if off_the_runtime(move || verify_password(&candidate, &stored)).await? {
            return Ok(Err(PasswordRefusal::Unchanged));
        }
        self.store_password(&user, new_password, must_change)
            .await
            .map(Ok)
    }

    /// A user changes their own password, proving it with the current one; afterwards they
    /// are no longer asked to change it. Every session of the user ends (the caller opens a
    /// new one for the browser that made the change, if it should stay signed in).
    pub async fn change_own_password(
        &self,
        user_id: i32,
        current_password: &str,
        new_password: &str,
    ) -> DbResult<Result<PasswordChanged, PasswordRefusal>> {
        let user = self.account(Account::Id(user_id)).await?;
        let (given, stored) = (current_password.to_owned(), user.password_hash.clone());
        if !off_the_runtime(move || verify_password(&given, &stored)).await? {
            return Ok(Err(PasswordRefusal::WrongPassword));
        }
        if let Err(refusal) = check_new_password(&user.username, new_password) {
            return Ok(Err(refusal));
        }
        // The current password was just verified: comparing the texts is enough.
        if new_password == current_password {
            return Ok(Err(PasswordRefusal::Unchanged));
        }
        self.store_password(&user, new_password, false)
            .await
            .map(Ok)
    }

    async fn account(&self, account: Account<'_>) -> DbResult<user::Model> {
        let (found, named) = match account {
            Account::Id(id) => (
                user::Entity::find_by_id(id).one(self.conn()).await?,
                format!("user {id}"),
            ),
            Account::Username(name) => (
                user::Entity::find()
                    .filter(user::Column::Username.eq(name.trim()))
                    .one(self.conn())
                    .await?,
                format!("user '{}'", name.trim()),
            ),
        };
        found.ok_or(DbError::NotFound(named))
    }

    /// Stores the new hash and ends the user's sessions, both or neither.
    async fn store_password(
        &self,
        user: &user::Model,
        new_password: &str,
        must_change: bool,
    ) -> DbResult<PasswordChanged> {
        let password = new_password.to_owned();
        let hash = off_the_runtime(move || hash_password(&password)).await??;
        let txn = self.begin().await?;
        // Only over the hash that was checked: two changes at once must not both succeed, the
        // second one having verified a current password that is no longer current.
        let updated = user::Entity::update_many()
            .col_expr(user::Column::PasswordHash, Expr::value(hash))
            .col_expr(user::Column::MustChangePassword, Expr::value(must_change))
            .filter(user::Column::Id.eq(user.id))
            .filter(user::Column::PasswordHash.eq(user.password_hash.as_str()))
            .exec(&txn)
            .await?;
        if updated.rows_affected == 0 {
            return Err(DbError::Conflict(format!(
                "the password of '{}'",
                user.username
            )));
        }
        let sessions_ended = revoke_user_sessions(&txn, user.id).await?;
        txn.commit().await?;
        Ok(PasswordChanged {
            user_id: user.id,
            username: user.username.clone(),
            sessions_ended,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_needs_ten_characters_not_bytes() {
        assert_eq!(
            check_new_password("editor", "123456789"),
            Err(PasswordRefusal::TooShort)
        );
        assert_eq!(check_new_password("editor", "1234567890"), Ok(()));
        // Fifteen bytes, five characters.
        assert_eq!(
            check_new_password("editor", "职业教育周"),
            Err(PasswordRefusal::TooShort)
        );
        assert_eq!(check_new_password("editor", "职业教育活动周的密码"), Ok(()));
        assert_eq!(
            check_new_password("editor", ""),
            Err(PasswordRefusal::TooShort)
        );
    }

    #[test]
    fn a_password_is_not_the_username_in_any_case() {
        assert_eq!(
            check_new_password("provincial-editor", "provincial-editor"),
            Err(PasswordRefusal::SameAsUsername)
        );
        assert_eq!(
            check_new_password("provincial-editor", "Provincial-Editor"),
            Err(PasswordRefusal::SameAsUsername)
        );
        assert_eq!(
            check_new_password(" provincial-editor ", "provincial-editor"),
            Err(PasswordRefusal::SameAsUsername)
        );
        assert_eq!(
            check_new_password("provincial-editor", "provincial-editor-2"),
            Ok(())
        );
    }

    #[test]
    fn refusals_have_the_api_codes_and_distinct_reasons() {
        assert_eq!(PasswordRefusal::WrongPassword.code(), "wrong-password");
        for weak in [
            PasswordRefusal::TooShort,
            PasswordRefusal::SameAsUsername,
            PasswordRefusal::Unchanged,
        ] {
            assert_eq!(weak.code(), "weak-password");
        }
        let reasons = [
            PasswordRefusal::WrongPassword,
            PasswordRefusal::TooShort,
            PasswordRefusal::SameAsUsername,
            PasswordRefusal::Unchanged,
        ]
        .map(PasswordRefusal::reason);
        let mut distinct = reasons.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), reasons.len(), "{reasons:?}");
        assert!(PasswordRefusal::TooShort.explanation().contains("10"));
    }

    #[test]
    fn generated_passwords_pass_the_rule() {
        for _ in 0..20 {
            assert_eq!(
                check_new_password("admin", &crate::secrets::new_password()),
                Ok(())
            );
        }
    }
}
