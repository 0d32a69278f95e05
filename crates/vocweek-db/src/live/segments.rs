//! The `live_segments` table: each rendition's stored segments, what the playlists list.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::news::{LiveNews, announce_live, every_rendition_started};
use super::records::LiveSegment;
use crate::entities::live_segment;
use crate::error::is_unique_violation;
use crate::{Db, DbError, DbResult};

impl Db {
    /// Lists a stored segment. Its blob is in the store already: a playlist never names a
    /// segment that cannot be read. The first segment of a publish may be the one that makes
    /// the event watchable (every rendition started): partners are told in the same
    /// transaction (`news`).
    pub async fn add_live_segment(&self, segment: &LiveSegment) -> DbResult<()> {
        let row = live_segment::ActiveModel {
            event_id: Set(segment.event_id.clone()),
            rung: Set(segment.rung.clone()),
            sequence: Set(segment.sequence),
            duration_ms: Set(segment.duration_ms),
            bytes: Set(segment.bytes),
            discontinuity: Set(segment.discontinuity),
            stored_at: Set(Utc::now()),
        };
        let already = |err: &sea_orm::DbErr| {
            is_unique_violation(err).then(|| {
                DbError::AlreadyExists(format!("segment {} of {}", segment.sequence, segment.rung))
            })
        };
        let first_of_publish = segment.sequence == 0 || segment.discontinuity;
        if !first_of_publish {
            return match row.insert(self.conn()).await {
                Ok(_) => Ok(()),
                Err(err) => Err(already(&err).unwrap_or_else(|| err.into())),
            };
        }
        let txn = self.begin().await?;
        if let Err(err) = row.insert(&txn).await {
            return Err(already(&err).unwrap_or_else(|| err.into()));
        }
        if every_rendition_started(&txn, &segment.event_id).await? {
            announce_live(&txn, &segment.event_id, LiveNews::Live).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// The last `count` segments of a rendition of the event, in order.
    pub async fn last_live_segments(
        &self,
        event_id: &str,
        rung: &str,
        count: u64,
    ) -> DbResult<Vec<LiveSegment>> {
        let mut rows: Vec<LiveSegment> = live_segment::Entity::find()
            .filter(live_segment::Column::EventId.eq(event_id))
            .filter(live_segment::Column::Rung.eq(rung))
            .order_by_desc(live_segment::Column::Sequence)
            .limit(count)
            .all(self.conn())
            .await?
            .into_iter()
            .map(LiveSegment::from)
            .collect();
        rows.reverse();
        Ok(rows)
    }

    /// One segment, if it is stored and listed.
    pub async fn live_segment(
        &self,
        event_id: &str,
        rung: &str,
        sequence: i64,
    ) -> DbResult<Option<LiveSegment>> {
        Ok(
            live_segment::Entity::find_by_id((event_id.to_owned(), rung.to_owned(), sequence))
                .one(self.conn())
                .await?
                .map(LiveSegment::from),
        )
    }
}

impl Db {
    /// How many of a rendition's segments before `sequence` start after a discontinuity: the
    /// playlist's `EXT-X-DISCONTINUITY-SEQUENCE` when its window starts at `sequence`.
    pub async fn live_discontinuities_before(
        &self,
        event_id: &str,
        rung: &str,
        sequence: i64,
    ) -> DbResult<i64> {
        let count = live_segment::Entity::find()
            .filter(live_segment::Column::EventId.eq(event_id))
            .filter(live_segment::Column::Rung.eq(rung))
            .filter(live_segment::Column::Sequence.lt(sequence))
            .filter(live_segment::Column::Discontinuity.eq(true))
            .count(self.conn())
            .await?;
        Ok(i64::try_from(count).unwrap_or(i64::MAX))
    }
}
