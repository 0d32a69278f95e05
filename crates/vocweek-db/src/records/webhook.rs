//! A webhook subscription's row as the other crates see it.

use chrono::{DateTime, Utc};

use crate::entities::webhook;

/// One partner's webhook: the `webhooks` row.
#[derive(Clone, Debug, PartialEq)]
pub struct Webhook {
    pub id: i32,
    pub partner_id: i32,
    pub url: String,
    /// `whsec_<base64 key>`, the Standard Webhooks signing secret.
    pub secret: String,
    pub created_at: DateTime<Utc>,
    /// Set once deliveries stop; the log stays.
    pub disabled_at: Option<DateTime<Utc>>,
}

impl From<webhook::Model> for Webhook {
    fn from(row: webhook::Model) -> Self {
        Webhook {
            id: row.id,
            partner_id: row.partner_id,
            url: row.url,
            secret: row.secret,
            created_at: row.created_at,
            disabled_at: row.disabled_at,
        }
    }
}
