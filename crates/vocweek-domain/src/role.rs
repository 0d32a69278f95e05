use serde::{Deserialize, Serialize};

use crate::DomainError;

/// What a signed-in member of staff may do. Units upload with their token or personal accounts
/// ([`UnitRole`]); partners use API keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reviews and decides the items of one desk.
    Editor,
    /// Sees both desks and manages units, users and failed jobs.
    Admin,
}

impl Role {
    pub const ALL: [Role; 2] = [Role::Editor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == value.trim())
            .ok_or_else(|| DomainError::unknown("role", value, Self::ALL.map(Self::as_str)))
    }
}

/// What a person of a unit may do with a personal account (beside the unit's shared upload
/// token): everything the unit may, and a unit admin also invites and disables the unit's
/// people. A unit person is never staff: their sessions act as their unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitRole {
    /// Uploads, corrects and reports for the unit.
    Member,
    /// A member who also manages the unit's people.
    UnitAdmin,
}

impl UnitRole {
    pub const ALL: [UnitRole; 2] = [UnitRole::Member, UnitRole::UnitAdmin];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitRole::Member => "member",
            UnitRole::UnitAdmin => "unit_admin",
        }
    }

    pub fn parse(value: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == value.trim())
            .ok_or_else(|| DomainError::unknown("role", value, Self::ALL.map(Self::as_str)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_roles_read_back_and_refuse_staff_roles() {
        for role in UnitRole::ALL {
            assert_eq!(UnitRole::parse(role.as_str()), Ok(role));
        }
        assert!(UnitRole::parse("admin").is_err());
        assert!(UnitRole::parse("editor").is_err());
    }
}
