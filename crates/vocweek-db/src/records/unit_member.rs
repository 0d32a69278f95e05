//! A unit person's row as the other crates see it.

use chrono::{DateTime, Utc};
use vocweek_domain::UnitRole;

use crate::DbError;
use crate::entities::unit_member;

/// One person of a unit with a personal account: the `unit_members` row, with the role as a
/// domain type. The password hash stays inside vocweek-db.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitMember {
    pub id: i32,
    pub unit_id: i32,
    pub username: String,
    pub display_name: String,
    pub role: UnitRole,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
    /// When the person was disabled; `None` while they may sign in.
    pub disabled_at: Option<DateTime<Utc>>,
}

/// The one place a stored unit role is read back: another word is `Corrupt`.
impl TryFrom<unit_member::Model> for UnitMember {
    type Error = DbError;

    fn try_from(row: unit_member::Model) -> Result<Self, DbError> {
        let role = UnitRole::parse(&row.role)
            .map_err(|err| DbError::Corrupt(format!("unit member {}: {err}", row.id)))?;
        Ok(UnitMember {
            id: row.id,
            unit_id: row.unit_id,
            username: row.username,
            display_name: row.display_name,
            role,
            must_change_password: row.must_change_password,
            created_at: row.created_at,
            disabled_at: row.disabled_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(role: &str) -> unit_member::Model {
        unit_member::Model {
            id: 7,
            unit_id: 3,
            username: "zhang.san".to_owned(),
            display_name: "张三".to_owned(),
            password_hash: "$argon2id$…".to_owned(),
            role: role.to_owned(),
            must_change_password: true,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            disabled_at: None,
        }
    }

    #[test]
    fn a_stored_row_reads_as_domain_values() {
        let admin = UnitMember::try_from(row("unit_admin")).unwrap();
        assert_eq!((admin.role, admin.unit_id), (UnitRole::UnitAdmin, 3));
    }

    #[test]
    fn a_staff_role_in_the_row_is_corrupt_data() {
        let err = UnitMember::try_from(row("admin")).unwrap_err();
        assert!(
            matches!(err, DbError::Corrupt(ref why) if why.contains("unit member 7")),
            "{err}"
        );
    }
}
