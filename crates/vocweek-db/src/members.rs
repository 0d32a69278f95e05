//! A unit's people with personal accounts (`unit_members`): created with a generated password
//! they must change, listed, disabled (never deleted: their submissions keep naming them), and
//! named on the item pages. Who may do which is `vocweek-app`'s rule (`Members`); signing in
//! and passwords are in `member_sessions.rs`.
//!
//! A separate table rather than more roles in `users`: a person's session resolves to
//! `Principal::Unit`, so every unit permission applies unchanged and no staff check (the
//! pages' `Staff`, the API's admin routes, `admin_count`) can ever let a unit person in.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, sea_query::Expr,
};
use vocweek_domain::UnitRole;

use crate::entities::unit_member;
use crate::error::is_unique_violation;
use crate::secrets::hash_password;
use crate::tokens::revoke_member_sessions;
use crate::{Db, DbError, DbResult};

pub use crate::records::unit_member::UnitMember;

/// A person to create, their fields already checked by the use case. Not `Debug`: it holds
/// the one-time password.
#[derive(Clone)]
pub struct NewMember<'a> {
    pub unit_id: i32,
    /// Stored lowercase: a sign-in with other capitals finds the same person.
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: UnitRole,
    /// The one-time password handed to the person, who must change it at the first sign-in.
    pub password: &'a str,
}

/// How a username is stored and looked up.
pub(crate) fn username_key(username: &str) -> String {
    username.trim().to_lowercase()
}

/// Whether a username could be stored at all: a control character (PostgreSQL refuses NUL in
/// text) never names anyone, so such a name is looked up as no one, never sent to the database
/// (where it would be an error, not an answer).
pub(crate) fn could_be_username(username: &str) -> bool {
    !username.chars().any(char::is_control)
}

impl Db {
    /// Creates a person of a unit, who must change the given password at the first sign-in.
    /// `AlreadyExists` when another person has the username.
    pub async fn create_member(&self, new: NewMember<'_>) -> DbResult<UnitMember> {
        let username = username_key(new.username);
        let password = new.password.to_owned();
        let hash = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| DbError::Password(e.to_string()))??;
        let row = unit_member::ActiveModel {
            unit_id: Set(new.unit_id),
            username: Set(username.clone()),
            display_name: Set(new.display_name.trim().to_owned()),
            password_hash: Set(hash),
            role: Set(new.role.as_str().to_owned()),
            must_change_password: Set(true),
            created_at: Set(Utc::now()),
            disabled_at: Set(None),
            ..Default::default()
        }
        .insert(self.conn())
        .await
        .map_err(|err| {
            if is_unique_violation(&err) {
                DbError::AlreadyExists(format!("unit member '{username}'"))
            } else {
                DbError::Database(err)
            }
        })?;
        UnitMember::try_from(row)
    }

    /// The people of a unit, disabled ones included, in the order they were created.
    pub async fn members_of(&self, unit_id: i32) -> DbResult<Vec<UnitMember>> {
        unit_member::Entity::find()
            .filter(unit_member::Column::UnitId.eq(unit_id))
            .order_by_asc(unit_member::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(UnitMember::try_from)
            .collect()
    }

    /// The person with this username (any case), disabled or not.
    pub async fn member_by_username(&self, username: &str) -> DbResult<Option<UnitMember>> {
        if !could_be_username(username) {
            return Ok(None);
        }
        unit_member::Entity::find()
            .filter(unit_member::Column::Username.eq(username_key(username)))
            .one(self.conn())
            .await?
            .map(UnitMember::try_from)
            .transpose()
    }

    /// Disables a person and ends their sessions, both or neither. Answers how many sessions
    /// ended (0 for a person disabled already); `NotFound` for no such person.
    pub async fn disable_member(&self, member_id: i32) -> DbResult<u64> {
        let txn = self.begin().await?;
        let updated = unit_member::Entity::update_many()
            .col_expr(
                unit_member::Column::DisabledAt,
                Expr::value(Some(Utc::now())),
            )
            .filter(unit_member::Column::Id.eq(member_id))
            .filter(unit_member::Column::DisabledAt.is_null())
            .exec(&txn)
            .await?;
        if updated.rows_affected == 0 {
            let exists = unit_member::Entity::find_by_id(member_id)
                .one(&txn)
                .await?
                .is_some();
            txn.rollback().await?;
            // Disabled already: their sessions ended then, nothing more to do.
            return if exists {
                Ok(0)
            } else {
                Err(DbError::NotFound(format!("unit member {member_id}")))
            };
        }
        let ended = revoke_member_sessions(&txn, member_id).await?;
        txn.commit().await?;
        Ok(ended)
    }

    /// `(id, display name)` of every unit person, for showing who sent what (上传人). The list
    /// is short: a few people per unit.
    pub async fn member_names(&self) -> DbResult<Vec<(i32, String)>> {
        Ok(unit_member::Entity::find()
            .order_by_asc(unit_member::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(|m| (m.id, m.display_name))
            .collect())
    }
}
