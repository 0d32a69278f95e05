//! The `live_events` table: a publish starts an event or, within the grace period after the
//! last one vanished, resumes it; an event ends once (cleanly, or when the grace ran out).

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::Value;

use super::news::{LiveNews, announce_live};
use super::records::LiveEvent;
use super::replay::replay_job;
use crate::entities::{live_event, live_segment};
use crate::jobs::enqueue;
use crate::{Db, DbError, DbResult};

/// What a publish became: a new event, or the continuation of one whose publisher had vanished
/// less than the grace period ago.
#[derive(Debug, Clone, PartialEq)]
pub struct EventStart {
    pub event: LiveEvent,
    pub resumed: bool,
}

impl Db {
    /// The event a publish on `channel_id` belongs to, taken by `node`. An open event (not
    /// ended) whose publisher vanished at most `grace` ago, or that no publisher holds, is
    /// resumed: its next segment numbers follow its last. One past the grace is ended
    /// (`vanished`) first, and a new event starts.
    pub async fn start_live_event(
        &self,
        channel_id: &str,
        node: &str,
        grace: std::time::Duration,
    ) -> DbResult<EventStart> {
        let now = self.clock().now();
        let txn = self.begin().await?;
        let open = live_event::Entity::find()
            .filter(live_event::Column::ChannelId.eq(channel_id))
            .filter(live_event::Column::EndedAt.is_null())
            .order_by_desc(live_event::Column::StartedAt)
            .one(&txn)
            .await?;
        if let Some(open) = open {
            let grace = Duration::from_std(grace).unwrap_or(Duration::zero());
            let within_grace = open.interrupted_at.is_none_or(|at| now - at <= grace);
            if within_grace {
                let next = next_sequence(&txn, &open.id).await?;
                let publishes = open.publishes + 1;
                let mut row: live_event::ActiveModel = open.into();
                row.interrupted_at = Set(None);
                row.node = Set(node.to_owned());
                row.publishes = Set(publishes);
                row.sequence_base = Set(next);
                let row = row.update(&txn).await?;
                txn.commit().await?;
                return Ok(EventStart {
                    event: LiveEvent::try_from(row)?,
                    resumed: true,
                });
            }
            end_event(&txn, &open.id, "vanished", now).await?;
        }
        let row = live_event::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            channel_id: Set(channel_id.to_owned()),
            node: Set(node.to_owned()),
            started_at: Set(now),
            interrupted_at: Set(None),
            ended_at: Set(None),
            ended_how: Set(None),
            ladder: Set(None),
            publishes: Set(1),
            sequence_base: Set(0),
            replay_asset_id: Set(None),
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok(EventStart {
            event: LiveEvent::try_from(row)?,
            resumed: false,
        })
    }

    /// The publisher of an open event went away: the grace period starts now.
    pub async fn interrupt_live_event(&self, event_id: &str) -> DbResult<()> {
        live_event::Entity::update_many()
            .col_expr(
                live_event::Column::InterruptedAt,
                Expr::value(Some(self.clock().now())),
            )
            .filter(live_event::Column::Id.eq(event_id))
            .filter(live_event::Column::EndedAt.is_null())
            .exec(self.conn())
            .await?;
        Ok(())
    }

    /// Ends the event `how` (`clean`, `vanished`, `refused`…), its replay job queued in the
    /// same transaction. `false` when it had ended already: exactly one caller finishes an
    /// event.
    pub async fn end_live_event(&self, event_id: &str, how: &str) -> DbResult<bool> {
        let txn = self.begin().await?;
        let ended = end_event(&txn, event_id, how, self.clock().now()).await?;
        txn.commit().await?;
        Ok(ended)
    }

    /// Open events whose publisher vanished before `cutoff`, or that `node` held (a node that
    /// restarts holds nothing any more): the sweep ends the first and interrupts the second.
    pub async fn stale_live_events(&self, cutoff: DateTime<Utc>) -> DbResult<Vec<LiveEvent>> {
        live_event::Entity::find()
            .filter(live_event::Column::EndedAt.is_null())
            .filter(live_event::Column::InterruptedAt.lt(cutoff))
            .all(self.conn())
            .await?
            .into_iter()
            .map(LiveEvent::try_from)
            .collect()
    }

    /// Marks every open, uninterrupted event `node` held as interrupted now: a node starting
    /// again carries none of them, and their grace period starts.
    pub async fn interrupt_live_events_of_node(&self, node: &str) -> DbResult<u64> {
        let result = live_event::Entity::update_many()
            .col_expr(
                live_event::Column::InterruptedAt,
                Expr::value(Some(self.clock().now())),
            )
            .filter(live_event::Column::Node.eq(node))
            .filter(live_event::Column::EndedAt.is_null())
            .filter(live_event::Column::InterruptedAt.is_null())
            .exec(self.conn())
            .await?;
        Ok(result.rows_affected)
    }

    /// Records the renditions the event's transcode named (each publish names them again).
    pub async fn set_live_event_ladder(&self, event_id: &str, ladder: &Value) -> DbResult<()> {
        live_event::Entity::update_many()
            .col_expr(live_event::Column::Ladder, Expr::value(ladder.to_string()))
            .filter(live_event::Column::Id.eq(event_id))
            .exec(self.conn())
            .await?;
        Ok(())
    }

    /// Links the event to the item its recording became.
    pub async fn set_live_event_replay(&self, event_id: &str, asset_id: &str) -> DbResult<()> {
        live_event::Entity::update_many()
            .col_expr(live_event::Column::ReplayAssetId, Expr::value(asset_id))
            .filter(live_event::Column::Id.eq(event_id))
            .exec(self.conn())
            .await?;
        Ok(())
    }

    pub async fn live_event(&self, id: &str) -> DbResult<Option<LiveEvent>> {
        live_event::Entity::find_by_id(id)
            .one(self.conn())
            .await?
            .map(LiveEvent::try_from)
            .transpose()
    }

    /// The channel's most recent event, open or ended.
    pub async fn latest_live_event(&self, channel_id: &str) -> DbResult<Option<LiveEvent>> {
        live_event::Entity::find()
            .filter(live_event::Column::ChannelId.eq(channel_id))
            .order_by_desc(live_event::Column::StartedAt)
            .order_by_desc(live_event::Column::Id)
            .one(self.conn())
            .await?
            .map(LiveEvent::try_from)
            .transpose()
    }
}

/// Ends an open event and queues its replay (`live_replay`), in the caller's transaction;
/// partners who were told it was live are told it ended.
async fn end_event(
    conn: &impl ConnectionTrait,
    event_id: &str,
    how: &str,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let result = live_event::Entity::update_many()
        .col_expr(live_event::Column::EndedAt, Expr::value(Some(now)))
        .col_expr(live_event::Column::EndedHow, Expr::value(Some(how)))
        .filter(live_event::Column::Id.eq(event_id))
        .filter(live_event::Column::EndedAt.is_null())
        .exec(conn)
        .await?;
    let ended = result.rows_affected == 1;
    if ended {
        enqueue(conn, replay_job(event_id)).await?;
        announce_live(conn, event_id, LiveNews::Ended).await?;
    }
    Ok(ended)
}

/// One past the event's highest segment number in any rendition (0 for none).
async fn next_sequence(conn: &impl ConnectionTrait, event_id: &str) -> DbResult<i64> {
    let highest: Option<i64> = live_segment::Entity::find()
        .select_only()
        .column_as(live_segment::Column::Sequence.max(), "highest")
        .filter(live_segment::Column::EventId.eq(event_id))
        .into_tuple::<Option<i64>>()
        .one(conn)
        .await?
        .flatten();
    match highest {
        None => Ok(0),
        Some(highest) => highest
            .checked_add(1)
            .ok_or_else(|| DbError::Corrupt(format!("live event {event_id}'s segment numbers"))),
    }
}
