//! What partners are told of live events, written in the transactions that change them (the
//! feed's outbox, as `crate::feed` does for items). The feed entry is keyed by the event's id,
//! which is also the id its replay item takes, so an event's entries and then its item's
//! follow one another under one id and the feed shows the latest:
//!
//! - `live` once every rendition of the event has a segment (its master playlist serves a
//!   player from then on), with webhook `channel.live`;
//! - `ended` when it ends (`channel.ended`), and again when its replay item is recorded
//!   (`channel.replay_recorded`, with the item's id), so a reader that has passed the first
//!   `ended` is told of the replay too.
//!
//! An event partners were never told was live (a publish refused before its first segments)
//! ends without a word.

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;

use super::records::{LiveChannel, LiveEvent};
use crate::entities::{live_channel, live_event, live_segment};
use crate::feed::{ENDED, FeedTags, LIVE, append_feed_event, has_feed_event, queue_webhooks};
use crate::{DbError, DbResult};

/// What happened to a live event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LiveNews {
    /// Every rendition has a segment now.
    Live,
    Ended,
    /// Its replay item is recorded (in 待审核, not yet for partners).
    ReplayRecorded,
}

impl LiveNews {
    fn webhook_type(self) -> &'static str {
        match self {
            LiveNews::Live => "channel.live",
            LiveNews::Ended => "channel.ended",
            LiveNews::ReplayRecorded => "channel.replay_recorded",
        }
    }

    fn feed_event(self) -> &'static str {
        match self {
            LiveNews::Live => LIVE,
            LiveNews::Ended | LiveNews::ReplayRecorded => ENDED,
        }
    }
}

/// Tells partners `news` of the event `event_id`, inside the caller's transaction: once for
/// `Live`, and the rest only of an event they were told was live.
pub(crate) async fn announce_live<C: ConnectionTrait>(
    conn: &C,
    event_id: &str,
    news: LiveNews,
) -> DbResult<()> {
    let told_live = has_feed_event(conn, event_id).await?;
    let due = match news {
        LiveNews::Live => !told_live,
        LiveNews::Ended | LiveNews::ReplayRecorded => told_live,
    };
    if !due {
        return Ok(());
    }
    let event = live_event::Entity::find_by_id(event_id)
        .one(conn)
        .await?
        .map(LiveEvent::try_from)
        .transpose()?
        .ok_or_else(|| DbError::NotFound(format!("live event {event_id}")))?;
    let channel = live_channel::Entity::find_by_id(event.channel_id.as_str())
        .one(conn)
        .await?
        .map(LiveChannel::try_from)
        .transpose()?
        .ok_or_else(|| DbError::NotFound(format!("live channel {}", event.channel_id)))?;
    let now = Utc::now();
    append_feed_event(
        conn,
        FeedTags {
            id: &event.id,
            // A live stream is video to a partner filtering the feed by kind.
            kind: "video",
            city: &channel.city,
            category: &channel.category,
            themes: &channel.themes,
        },
        news.feed_event(),
        now,
    )
    .await?;
    let data = json!({
        "channel_id": channel.id,
        "event_id": event.id,
        "title": channel.title,
        "city": channel.city,
        "category": channel.category,
        "subcategory": channel.subcategory,
        "themes": channel.themes,
        "started_at": event.started_at,
        "ended_at": event.ended_at,
        "ended_how": event.ended_how,
        "replay_asset_id": event.replay_asset_id,
    });
    queue_webhooks(conn, news.webhook_type(), data, now).await
}

/// Whether every rendition of the event's ladder has a stored segment: what its master
/// playlist needs before it lists the renditions.
pub(crate) async fn every_rendition_started<C: ConnectionTrait>(
    conn: &C,
    event_id: &str,
) -> DbResult<bool> {
    let Some(row) = live_event::Entity::find_by_id(event_id).one(conn).await? else {
        return Ok(false);
    };
    let event = LiveEvent::try_from(row)?;
    let Some(rungs) = event
        .ladder
        .as_ref()
        .and_then(|ladder| ladder.get("rungs"))
        .and_then(|rungs| rungs.as_array())
    else {
        return Ok(false);
    };
    let names: HashSet<&str> = rungs
        .iter()
        .filter_map(|rung| rung.get("name").and_then(|name| name.as_str()))
        .collect();
    let started: HashSet<String> = live_segment::Entity::find()
        .select_only()
        .column(live_segment::Column::Rung)
        .distinct()
        .filter(live_segment::Column::EventId.eq(event_id))
        .into_tuple::<String>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    Ok(!names.is_empty() && names.iter().all(|name| started.contains(*name)))
}
