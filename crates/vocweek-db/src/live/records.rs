//! The live tables' rows as other crates read them.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::DbError;
use crate::entities::{live_channel, live_event, live_segment};

/// A live channel, without its key (only whether it has one, and its last four characters).
#[derive(Debug, Clone, PartialEq)]
pub struct LiveChannel {
    pub id: String,
    pub campaign_id: i32,
    /// The unit whose event it is: it sees the channel and its refusals.
    pub unit_id: i32,
    pub title: String,
    pub city: String,
    pub category: String,
    pub subcategory: String,
    pub themes: Vec<String>,
    pub scheduled_start: DateTime<Utc>,
    /// `false` once the key was revoked: no publisher is admitted until a new one is made.
    pub has_key: bool,
    pub key_hint: String,
    /// The stable code of the last refused publish (`unsupported-video-codec`…).
    pub last_refusal: Option<String>,
    pub last_refusal_at: Option<DateTime<Utc>>,
    pub created_by: Option<i32>,
    pub created_at: DateTime<Utc>,
}

/// What a new channel is made of; the key's hash is computed by the caller, who shows the key
/// once and forgets it.
#[derive(Debug, Clone)]
pub struct NewLiveChannel {
    pub campaign_id: i32,
    pub unit_id: i32,
    pub title: String,
    pub city: String,
    pub category: String,
    pub subcategory: String,
    pub themes: Vec<String>,
    pub scheduled_start: DateTime<Utc>,
    pub key_hash: String,
    pub key_hint: String,
    pub created_by: Option<i32>,
}

/// One event of a channel: from its first publish to its end (a clean stop, or a publisher
/// gone for longer than the grace period).
#[derive(Debug, Clone, PartialEq)]
pub struct LiveEvent {
    pub id: String,
    pub channel_id: String,
    /// The node that ingests it (its host name and process id).
    pub node: String,
    pub started_at: DateTime<Utc>,
    /// The publisher went away at this time and may still come back within the grace period.
    pub interrupted_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub ended_how: Option<String>,
    /// The renditions (`LiveLadder` as JSON), once the first publish's transcode named them.
    pub ladder: Option<Value>,
    /// Publishes joined into this event (1 + reconnects).
    pub publishes: i32,
    /// What the current publish's segment 0 is numbered in the event.
    pub sequence_base: i64,
    pub replay_asset_id: Option<String>,
}

impl LiveEvent {
    pub fn is_live(&self) -> bool {
        self.ended_at.is_none()
    }
}

/// One stored segment of one rendition.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveSegment {
    pub event_id: String,
    pub rung: String,
    /// Its number in the event: gapless across reconnects, the same span in every rendition.
    pub sequence: i64,
    pub duration_ms: i32,
    pub bytes: i64,
    /// The first segment of a publish that resumed the event: a player resets its decoder.
    pub discontinuity: bool,
    pub stored_at: DateTime<Utc>,
}

impl TryFrom<live_channel::Model> for LiveChannel {
    type Error = DbError;

    fn try_from(row: live_channel::Model) -> Result<Self, DbError> {
        let themes = serde_json::from_str(&row.themes)
            .map_err(|e| DbError::Corrupt(format!("live channel {}'s themes: {e}", row.id)))?;
        Ok(LiveChannel {
            id: row.id,
            campaign_id: row.campaign_id,
            unit_id: row.unit_id,
            title: row.title,
            city: row.city,
            category: row.category,
            subcategory: row.subcategory,
            themes,
            scheduled_start: row.scheduled_start,
            has_key: row.key_hash.is_some(),
            key_hint: row.key_hint,
            last_refusal: row.last_refusal,
            last_refusal_at: row.last_refusal_at,
            created_by: row.created_by,
            created_at: row.created_at,
        })
    }
}

impl TryFrom<live_event::Model> for LiveEvent {
    type Error = DbError;

    fn try_from(row: live_event::Model) -> Result<Self, DbError> {
        let ladder =
            match row.ladder.as_deref() {
                Some(text) => Some(serde_json::from_str(text).map_err(|e| {
                    DbError::Corrupt(format!("live event {}'s ladder: {e}", row.id))
                })?),
                None => None,
            };
        Ok(LiveEvent {
            id: row.id,
            channel_id: row.channel_id,
            node: row.node,
            started_at: row.started_at,
            interrupted_at: row.interrupted_at,
            ended_at: row.ended_at,
            ended_how: row.ended_how,
            ladder,
            publishes: row.publishes,
            sequence_base: row.sequence_base,
            replay_asset_id: row.replay_asset_id,
        })
    }
}

impl From<live_segment::Model> for LiveSegment {
    fn from(row: live_segment::Model) -> Self {
        LiveSegment {
            event_id: row.event_id,
            rung: row.rung,
            sequence: row.sequence,
            duration_ms: row.duration_ms,
            bytes: row.bytes,
            discontinuity: row.discontinuity,
            stored_at: row.stored_at,
        }
    }
}
