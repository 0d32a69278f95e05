//! A media partner's row as the other crates see it.

use chrono::{DateTime, Utc};

use crate::entities::partner;

/// One media partner: the `partners` row.
#[derive(Clone, Debug, PartialEq)]
pub struct Partner {
    pub id: i32,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

impl From<partner::Model> for Partner {
    fn from(row: partner::Model) -> Self {
        Partner {
            id: row.id,
            name: row.name,
            created_at: row.created_at,
        }
    }
}
