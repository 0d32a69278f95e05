//! An ended event's recording becomes an item: what the replay job reads (the event, its
//! channel, every stored segment) and the one transaction that records the item — asset,
//! submission, history, renditions, the move to 待审核, the event's link to it and the job's
//! completion together, so a rerun finds all of it or none.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use vocweek_domain::AssetState;

use super::news::{LiveNews, announce_live};
use super::records::{LiveChannel, LiveEvent, LiveSegment};
use crate::assets::{AssetRecord, NewAsset, change_state_in, insert_asset, insert_submission};
use crate::audit::{Actor, AuditEntry, record};
use crate::entities::{live_event, live_segment};
use crate::jobs::{JobId, NewJob, complete};
use crate::processing::Processed;
use crate::renditions::record_rendition;
use crate::{Db, DbError, DbResult};

/// The job kind that makes an ended event's replay.
pub const LIVE_REPLAY: &str = "live_replay";
/// A replay's job is retried a few times (a store hiccup); the event's segments stay.
const REPLAY_ATTEMPTS: i32 = 5;

/// The replay job of an event, queued with its end.
pub(super) fn replay_job(event_id: &str) -> NewJob<'_> {
    NewJob {
        kind: LIVE_REPLAY,
        asset_id: None,
        payload: json!({ "event_id": event_id }),
        max_attempts: REPLAY_ATTEMPTS,
    }
}

/// What a replay is made from.
#[derive(Debug, Clone)]
pub struct ReplaySource {
    pub event: LiveEvent,
    pub channel: LiveChannel,
    /// Every rendition's segments, by rendition then number.
    pub segments: Vec<LiveSegment>,
}

/// What recording a replay did.
#[derive(Debug, Clone)]
pub enum ReplayRecorded {
    Recorded(Box<AssetRecord>),
    /// The event had its replay already (a rerun): nothing new was written.
    AlreadyRecorded,
    /// Another worker holds the job now; nothing was written.
    LeaseLost,
}

impl Db {
    /// The ended event `event_id` with its channel and segments; `None` when it is gone.
    pub async fn live_replay_source(&self, event_id: &str) -> DbResult<Option<ReplaySource>> {
        let Some(event) = self.live_event(event_id).await? else {
            return Ok(None);
        };
        let Some(channel) = self.live_channel(&event.channel_id).await? else {
            return Ok(None);
        };
        let segments = live_segment::Entity::find()
            .filter(live_segment::Column::EventId.eq(event_id))
            .order_by_asc(live_segment::Column::Rung)
            .order_by_asc(live_segment::Column::Sequence)
            .all(self.conn())
            .await?
            .into_iter()
            .map(LiveSegment::from)
            .collect();
        Ok(Some(ReplaySource {
            event,
            channel,
            segments,
        }))
    }

    /// Records `new` (its original, renditions and segments stored already) as the replay of
    /// `event_id`, processed: in 待审核 with its renditions, linked from the event, the job
    /// completed, partners told (`news`) — all in one transaction.
    pub async fn record_live_replay(
        &self,
        job_id: JobId,
        worker: &str,
        event_id: &str,
        new: NewAsset,
        processed: Processed<'_>,
    ) -> DbResult<ReplayRecorded> {
        let txn = self.begin().await?;
        if !complete(&txn, job_id, worker).await? {
            txn.rollback().await?;
            return Ok(ReplayRecorded::LeaseLost);
        }
        let event = live_event::Entity::find_by_id(event_id)
            .one(&txn)
            .await?
            .ok_or_else(|| DbError::NotFound(format!("live event {event_id}")))?;
        if event.replay_asset_id.is_some() {
            txn.commit().await?;
            return Ok(ReplayRecorded::AlreadyRecorded);
        }
        let now = self.clock().now();
        let created = insert_asset(&txn, &new, now).await?;
        insert_submission(&txn, &new, now).await?;
        record(
            &txn,
            AuditEntry {
                asset_id: Some(&new.id),
                actor: Actor::System,
                action: "live_recorded",
                from: None,
                to: Some(AssetState::Processing.as_str()),
                details: json!({
                    "event_id": event_id,
                    "channel_id": event.channel_id,
                    "publishes": event.publishes,
                }),
            },
        )
        .await?;
        for rendition in processed.renditions {
            record_rendition(&txn, rendition).await?;
        }
        change_state_in(&txn, processed.change).await?;
        live_event::Entity::update_many()
            .col_expr(live_event::Column::ReplayAssetId, Expr::value(&new.id))
            .filter(live_event::Column::Id.eq(event_id))
            .exec(&txn)
            .await?;
        announce_live(&txn, event_id, LiveNews::ReplayRecorded).await?;
        txn.commit().await?;
        Ok(ReplayRecorded::Recorded(Box::new(created)))
    }
}
