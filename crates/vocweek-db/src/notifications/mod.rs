//! Notices to units (issue 19): shown on the unit's 我的报送 page and mailed to its liaison.
//! A decision's notice is written in the decision's transaction (`review.rs`), so an item is
//! never returned without its unit being told, nor told of a decision that did not commit.
//! `(unit, kind, key)` is unique and recording is insert-or-ignore: a reminder or a missed
//! day is recorded once per unit and day, however often or by however many nodes it is asked
//! for. The rows are also the mail's outbox (`outbox.rs`).

mod outbox;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use vocweek_domain::NoticeKind;

use crate::entities::{notification, submission};
use crate::{Db, DbResult, now_millis};

pub use crate::records::notification::{MailState, NoticeParams, Notification};
pub use outbox::MailOutcome;

/// A notice to record.
pub(crate) struct NewNotice<'a> {
    pub unit_id: i32,
    pub kind: NoticeKind,
    pub asset_id: Option<&'a str>,
    /// With the unit and the kind, what makes it the same notice again: the decision, the day,
    /// the report.
    pub dedupe_key: &'a str,
    pub params: &'a NoticeParams,
}

/// Records a notice (its email pending, due now) unless the unit already has one of this kind
/// and key; `true` when it is new. In the caller's transaction when it goes with a change.
pub(crate) async fn record_once<C: ConnectionTrait>(
    conn: &C,
    notice: NewNotice<'_>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let row = notification::ActiveModel {
        unit_id: Set(notice.unit_id),
        kind: Set(notice.kind.as_str().to_owned()),
        asset_id: Set(notice.asset_id.map(str::to_owned)),
        params: Set(notice.params.to_json()),
        dedupe_key: Set(notice.dedupe_key.to_owned()),
        created_at: Set(now),
        read_at: Set(None),
        mail_state: Set(MailState::Pending.as_str().to_owned()),
        mail_attempts: Set(0),
        next_attempt_at: Set(now_millis()),
        last_error: Set(None),
        sent_at: Set(None),
        ..Default::default()
    };
    let inserted = notification::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                notification::Column::UnitId,
                notification::Column::Kind,
                notification::Column::DedupeKey,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(inserted > 0)
}

/// Tells every unit that sent `asset_id` (a duplicate's senders too; not the pictures an
/// article job took out of a document, which no unit uploaded) in the caller's transaction.
pub(crate) async fn notify_senders<C: ConnectionTrait>(
    conn: &C,
    asset_id: &str,
    kind: NoticeKind,
    dedupe_key: &str,
    params: &NoticeParams,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let senders: Vec<i32> = submission::Entity::find()
        .select_only()
        .column(submission::Column::UnitId)
        .distinct()
        .filter(submission::Column::AssetId.eq(asset_id))
        .filter(submission::Column::Extracted.eq(false))
        .into_tuple()
        .all(conn)
        .await?;
    for unit_id in senders {
        let notice = NewNotice {
            unit_id,
            kind,
            asset_id: Some(asset_id),
            dedupe_key,
            params,
        };
        record_once(conn, notice, now).await?;
    }
    Ok(())
}

/// The most notices a unit's page lists.
pub const NOTICES_SHOWN: u64 = 50;

impl Db {
    /// Records `kind` for each of `unit_ids` under `dedupe_key` (a day, a report), once per
    /// unit: returns how many were new (the others had it already). One transaction.
    pub async fn record_notices(
        &self,
        kind: NoticeKind,
        unit_ids: &[i32],
        dedupe_key: &str,
        params: &NoticeParams,
    ) -> DbResult<usize> {
        if unit_ids.is_empty() {
            return Ok(0);
        }
        let now = self.clock().now();
        let txn = self.begin().await?;
        let mut new = 0;
        for &unit_id in unit_ids {
            let notice = NewNotice {
                unit_id,
                kind,
                asset_id: None,
                dedupe_key,
                params,
            };
            if record_once(&txn, notice, now).await? {
                new += 1;
            }
        }
        txn.commit().await?;
        Ok(new)
    }

    /// A unit's notices, newest first, at most `limit` (capped at [`NOTICES_SHOWN`]).
    pub async fn unit_notices(&self, unit_id: i32, limit: u64) -> DbResult<Vec<Notification>> {
        notification::Entity::find()
            .filter(notification::Column::UnitId.eq(unit_id))
            .order_by_desc(notification::Column::Id)
            .limit(limit.clamp(1, NOTICES_SHOWN))
            .all(self.conn())
            .await?
            .into_iter()
            .map(Notification::try_from)
            .collect()
    }

    /// Marks notice `id` of unit `unit_id` read (again: no change). `false`: the unit has no
    /// such notice (another unit's is answered the same).
    pub async fn mark_notice_read(&self, unit_id: i32, id: i32) -> DbResult<bool> {
        let now = self.clock().now();
        let mine = || {
            sea_orm::Condition::all()
                .add(notification::Column::Id.eq(id))
                .add(notification::Column::UnitId.eq(unit_id))
        };
        notification::Entity::update_many()
            .col_expr(notification::Column::ReadAt, Expr::value(Some(now)))
            .filter(mine())
            .filter(notification::Column::ReadAt.is_null())
            .exec(self.conn())
            .await?;
        Ok(notification::Entity::find()
            .filter(mine())
            .one(self.conn())
            .await?
            .is_some())
    }

    /// The units that have a notice of `kind` under `dedupe_key` (today's reminder, say).
    pub async fn notified_units(&self, kind: NoticeKind, dedupe_key: &str) -> DbResult<Vec<i32>> {
        Ok(notification::Entity::find()
            .select_only()
            .column(notification::Column::UnitId)
            .filter(notification::Column::Kind.eq(kind.as_str()))
            .filter(notification::Column::DedupeKey.eq(dedupe_key))
            .order_by_asc(notification::Column::UnitId)
            .into_tuple()
            .all(self.conn())
            .await?)
    }
}
