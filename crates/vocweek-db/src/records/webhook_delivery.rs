//! A webhook delivery's row as the other crates see it.

use chrono::{DateTime, Utc};

use crate::entities::webhook_delivery;

/// One message to one webhook and how its attempts went: the `webhook_deliveries` row. Its
/// state stays text, one of `webhooks::PENDING`, `webhooks::DELIVERED` and `webhooks::FAILED`.
#[derive(Clone, Debug, PartialEq)]
pub struct WebhookDelivery {
    pub id: i32,
    /// `msg_…`, the Standard Webhooks `webhook-id`: the same on every attempt.
    pub message_id: String,
    pub webhook_id: i32,
    pub event_type: String,
    /// The JSON body, as signed and sent.
    pub payload: String,
    /// `pending`, `delivered` or `failed` (attempts used up).
    pub state: String,
    pub attempts: i32,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<webhook_delivery::Model> for WebhookDelivery {
    fn from(row: webhook_delivery::Model) -> Self {
        WebhookDelivery {
            id: row.id,
            message_id: row.message_id,
            webhook_id: row.webhook_id,
            event_type: row.event_type,
            payload: row.payload,
            state: row.state,
            attempts: row.attempts,
            last_status: row.last_status,
            last_error: row.last_error,
            created_at: row.created_at,
            updated_at: row.updated_at,
            delivered_at: row.delivered_at,
        }
    }
}
