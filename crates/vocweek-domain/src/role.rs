use serde::{Deserialize, Serialize};

use crate::DomainError;

/// What a signed-in person may do. Units upload with tokens, not accounts; partners use API keys.
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
