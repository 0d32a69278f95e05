//! An audit event's row as the other crates see it.

use chrono::{DateTime, Utc};
use serde_json::Value;
use vocweek_domain::AssetState;

use crate::DbError;
use crate::entities::audit_event;

/// One thing that happened to an asset: the `audit_events` row, with the states it moved
/// between as domain types. The actor and the action stay text (the action's set is open:
/// every feature adds its own).
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEvent {
    pub id: i32,
    pub asset_id: Option<String>,
    /// `unit`, `user`, `partner` or `system`.
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub from_state: Option<AssetState>,
    pub to_state: Option<AssetState>,
    pub details: Value,
    pub created_at: DateTime<Utc>,
}

/// The one place a stored state of the trail is read back: another word is `Corrupt`.
impl TryFrom<audit_event::Model> for AuditEvent {
    type Error = DbError;

    fn try_from(row: audit_event::Model) -> Result<Self, DbError> {
        let state = |value: Option<&str>| {
            value
                .map(AssetState::parse)
                .transpose()
                .map_err(|err| DbError::Corrupt(format!("audit event {}: {err}", row.id)))
        };
        let from_state = state(row.from_state.as_deref())?;
        let to_state = state(row.to_state.as_deref())?;
        Ok(AuditEvent {
            id: row.id,
            asset_id: row.asset_id,
            actor_kind: row.actor_kind,
            actor_id: row.actor_id,
            action: row.action,
            from_state,
            to_state,
            details: row.details,
            created_at: row.created_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(from: Option<&str>, to: Option<&str>) -> audit_event::Model {
        audit_event::Model {
            id: 11,
            asset_id: Some("a1".to_owned()),
            actor_kind: "user".to_owned(),
            actor_id: Some("2".to_owned()),
            action: "approve".to_owned(),
            from_state: from.map(str::to_owned),
            to_state: to.map(str::to_owned),
            details: serde_json::json!({}),
            created_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    #[test]
    fn stored_states_read_as_domain_values() {
        let event = AuditEvent::try_from(row(Some("pending_review"), Some("approved"))).unwrap();
        assert_eq!(
            (event.from_state, event.to_state),
            (Some(AssetState::PendingReview), Some(AssetState::Approved))
        );
        let no_change = AuditEvent::try_from(row(None, None)).unwrap();
        assert_eq!((no_change.from_state, no_change.to_state), (None, None));
    }

    #[test]
    fn an_unknown_stored_state_is_corrupt_data() {
        let err = AuditEvent::try_from(row(None, Some("lost"))).unwrap_err();
        assert!(
            matches!(err, DbError::Corrupt(ref why) if why.contains("audit event 11")),
            "{err}"
        );
    }
}
