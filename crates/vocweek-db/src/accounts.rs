//! Units (who upload), users (who curate), partners (who pull).

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
    sea_query::Expr,
};
use vocweek_domain::{Desk, Role, UnitKind};

use crate::entities::{partner, unit, user};
use crate::error::is_unique_violation;
use crate::secrets::{hash_password, verify_password};

/// A password hash no user has, verified against when the username is unknown.
pub(crate) static NO_ONES_HASH: std::sync::LazyLock<Option<String>> =
    std::sync::LazyLock::new(|| hash_password("vocweek: a password for no one").ok());
use crate::tokens::{TokenKind, TokenOwner, issue};
use crate::{Db, DbError, DbResult};

pub use crate::records::partner::Partner;
pub use crate::records::unit::Unit;
pub use crate::records::user::User;

/// How long an editor's sign-in lasts: a working day and the evening peak.
pub const SESSION_HOURS: i64 = 12;

impl Db {
    /// Creates a unit and its first upload token (returned in clear, once).
    pub async fn create_unit(
        &self,
        name: &str,
        kind: UnitKind,
        city: &str,
    ) -> DbResult<(Unit, String)> {
        let txn = self.begin().await?;
        let unit = unit::ActiveModel {
            name: Set(name.trim().to_owned()),
            kind: Set(kind.as_str().to_owned()),
            desk: Set(kind.desk().as_str().to_owned()),
            city: Set(city.to_owned()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| taken(e, format!("unit '{}'", name.trim())))?;
        let token = issue(&txn, TokenKind::Upload, TokenOwner::Unit(unit.id), None).await?;
        txn.commit().await?;
        Ok((Unit::try_from(unit)?, token))
    }

    /// A new upload token for an existing unit (after revoking a leaked one).
    pub async fn issue_unit_token(&self, unit_id: i32) -> DbResult<String> {
        issue(
            self.conn(),
            TokenKind::Upload,
            TokenOwner::Unit(unit_id),
            None,
        )
        .await
    }

    pub async fn units(&self) -> DbResult<Vec<Unit>> {
        unit::Entity::find()
            .order_by_asc(unit::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(Unit::try_from)
            .collect()
    }

    pub async fn unit(&self, id: i32) -> DbResult<Option<Unit>> {
        unit::Entity::find_by_id(id)
            .one(self.conn())
            .await?
            .map(Unit::try_from)
            .transpose()
    }

    pub async fn unit_by_name(&self, name: &str) -> DbResult<Option<Unit>> {
        unit::Entity::find()
            .filter(unit::Column::Name.eq(name.trim()))
            .one(self.conn())
            .await?
            .map(Unit::try_from)
            .transpose()
    }

    pub async fn create_user(
        &self,
        username: &str,
        password: &str,
        role: Role,
        desk: Option<Desk>,
        must_change_password: bool,
    ) -> DbResult<User> {
        let user = user::ActiveModel {
            username: Set(username.trim().to_owned()),
            password_hash: Set(hash_password(password)?),
            role: Set(role.as_str().to_owned()),
            desk: Set(desk.map(|d| d.as_str().to_owned())),
            must_change_password: Set(must_change_password),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(self.conn())
        .await
        .map_err(|e| taken(e, format!("user '{}'", username.trim())))?;
        User::try_from(user)
    }

    /// `(id, username)` of every user, for showing who did what.
    pub async fn user_names(&self) -> DbResult<Vec<(i32, String)>> {
        Ok(user::Entity::find()
            .order_by_asc(user::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(|u| (u.id, u.username))
            .collect())
    }

    /// How many administrators exist (none before the first start).
    pub async fn admin_count(&self) -> DbResult<u64> {
        Ok(user::Entity::find()
            .filter(user::Column::Role.eq(Role::Admin.as_str()))
            .count(self.conn())
            .await?)
    }

    /// Checks a username and password and opens a session; `None` when either is wrong.
    ///
    /// An unknown username costs the same Argon2 verification as a known one (against a hash
    /// made once for no one), so the answer's time does not tell which usernames exist. The
    /// verification runs on the blocking pool: tens of milliseconds of CPU must not stall the
    /// requests that share this thread.
    pub async fn sign_in(&self, username: &str, password: &str) -> DbResult<Option<String>> {
        let user = user::Entity::find()
            .filter(user::Column::Username.eq(username.trim()))
            .one(self.conn())
            .await?;
        let stored = match &user {
            Some(user) => user.password_hash.clone(),
            None => NO_ONES_HASH.clone().unwrap_or_default(),
        };
        let password = password.to_owned();
        let matches = tokio::task::spawn_blocking(move || verify_password(&password, &stored))
            .await
            .unwrap_or(false);
        let Some(user) = user.filter(|_| matches) else {
            return Ok(None);
        };
        // The session is opened only over the hash just verified, with the user's row locked:
        // a password change that commits while the check ran makes this sign-in fail, and one
        // that starts after it waits for this session to exist and then ends it. Without the
        // lock a sign-in begun before a change could open a session the change never saw.
        let txn = self.begin().await?;
        let still_current = user::Entity::update_many()
            .col_expr(
                user::Column::PasswordHash,
                Expr::col(user::Column::PasswordHash),
            )
            .filter(user::Column::Id.eq(user.id))
            .filter(user::Column::PasswordHash.eq(user.password_hash.as_str()))
            .exec(&txn)
            .await?;
        if still_current.rows_affected == 0 {
            return Ok(None);
        }
        let session = issue(
            &txn,
            TokenKind::Session,
            TokenOwner::User(user.id),
            Some(Duration::hours(SESSION_HOURS)),
        )
        .await?;
        txn.commit().await?;
        Ok(Some(session))
    }

    /// A new session for a user whose identity is already established: after a sign-in, and
    /// after a password change, which ends every session but the browser's own new one.
    pub async fn start_session(&self, user_id: i32) -> DbResult<String> {
        issue(
            self.conn(),
            TokenKind::Session,
            TokenOwner::User(user_id),
            Some(Duration::hours(SESSION_HOURS)),
        )
        .await
    }

    /// Creates a media partner and its API key (returned in clear, once).
    /// Every media partner, in creation order.
    pub async fn partners(&self) -> DbResult<Vec<Partner>> {
        Ok(partner::Entity::find()
            .order_by_asc(partner::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(Partner::from)
            .collect())
    }

    pub async fn create_partner(&self, name: &str) -> DbResult<(Partner, String)> {
        let txn = self.begin().await?;
        let partner = partner::ActiveModel {
            name: Set(name.trim().to_owned()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| taken(e, format!("partner '{}'", name.trim())))?;
        let key = issue(
            &txn,
            TokenKind::ApiKey,
            TokenOwner::Partner(partner.id),
            None,
        )
        .await?;
        txn.commit().await?;
        Ok((Partner::from(partner), key))
    }
}

fn taken(err: sea_orm::DbErr, what: String) -> DbError {
    if is_unique_violation(&err) {
        DbError::AlreadyExists(what)
    } else {
        DbError::Database(err)
    }
}
