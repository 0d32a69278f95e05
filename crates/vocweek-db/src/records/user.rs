//! A user's row as the other crates see it.

use chrono::{DateTime, Utc};
use vocweek_domain::{Desk, Role};

use crate::DbError;
use crate::entities::user;

/// One editor or admin: the `users` row, with its role and desk as domain types. The password
/// hash stays inside vocweek-db: only sign-in and password changes read it.
#[derive(Clone, Debug, PartialEq)]
pub struct User {
    pub id: i32,
    pub username: String,
    pub role: Role,
    /// `None` for an admin, who sees both desks.
    pub desk: Option<Desk>,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
}

/// The one place a stored role or desk is read back: another word was written by hand or by a
/// bug, so it is `Corrupt`.
impl TryFrom<user::Model> for User {
    type Error = DbError;

    fn try_from(row: user::Model) -> Result<Self, DbError> {
        let corrupt =
            |err: vocweek_domain::DomainError| DbError::Corrupt(format!("user {}: {err}", row.id));
        let role = Role::parse(&row.role).map_err(corrupt)?;
        let desk = row
            .desk
            .as_deref()
            .map(Desk::parse)
            .transpose()
            .map_err(corrupt)?;
        Ok(User {
            id: row.id,
            username: row.username,
            role,
            desk,
            must_change_password: row.must_change_password,
            created_at: row.created_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(role: &str, desk: Option<&str>) -> user::Model {
        user::Model {
            id: 5,
            username: "editor".to_owned(),
            password_hash: "$argon2id$…".to_owned(),
            role: role.to_owned(),
            desk: desk.map(str::to_owned),
            must_change_password: false,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_stored_row_reads_as_domain_values() {
        let editor = User::try_from(row("editor", Some("hr"))).unwrap();
        assert_eq!((editor.role, editor.desk), (Role::Editor, Some(Desk::Hr)));
        let admin = User::try_from(row("admin", None)).unwrap();
        assert_eq!((admin.role, admin.desk), (Role::Admin, None));
    }

    #[test]
    fn an_unknown_stored_role_or_desk_is_corrupt_data() {
        for bad in [row("owner", None), row("editor", Some("sales"))] {
            let err = User::try_from(bad).unwrap_err();
            assert!(
                matches!(err, DbError::Corrupt(ref why) if why.contains("user 5")),
                "{err}"
            );
        }
    }
}
