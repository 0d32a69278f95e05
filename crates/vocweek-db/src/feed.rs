//! What partners are told: the feed's event log and the webhook deliveries, both written in the
//! transaction that changes an asset's state (an outbox: an event exists exactly when the
//! change does).
//!
//! Feed order is the event id. For a reader never to skip an event, ids must become visible in
//! id order: writers take a transaction-scoped lock before they take an id, so the next writer
//! gets its id only after the previous one committed (PostgreSQL: an advisory lock; SQLite
//! serialises writing transactions already). Each such transaction changes one asset, so the
//! lock cannot deadlock with row locks.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, Statement,
};
use serde_json::json;
use vocweek_domain::{AssetKind, AssetState};

use crate::entities::{asset, asset_theme, feed_event, webhook, webhook_delivery};
use crate::jobs::{NewJob, enqueue};
use crate::{Db, DbResult};

pub use crate::records::feed_event::FeedEvent;

pub const PUBLISHED: &str = "published";
pub const WITHDRAWN: &str = "withdrawn";
/// A live event partners can watch (its channel's master playlist serves every rendition).
pub const LIVE: &str = "live";
/// A live event that ended; its replay item, once made, has the event's id.
pub const ENDED: &str = "ended";

/// The job kind that delivers one webhook message.
pub const DELIVER_WEBHOOK: &str = "deliver_webhook";
/// Attempts per webhook message (with the default backoff — 2 s doubling, capped at 10 min —
/// the last comes about 40 minutes after the first).
pub const WEBHOOK_ATTEMPTS: i32 = 12;

/// Partners see approved and recommended items.
pub fn is_public(state: AssetState) -> bool {
    matches!(state, AssetState::Approved | AssetState::Recommended)
}

/// The webhook event type of a state change, and the feed event it appends (if any).
fn meaning(from: AssetState, to: AssetState) -> Option<(&'static str, Option<&'static str>)> {
    match (is_public(from), is_public(to)) {
        (false, true) => Some(("asset.published", Some(PUBLISHED))),
        (true, false) => Some(("asset.withdrawn", Some(WITHDRAWN))),
        (true, true) if to == AssetState::Recommended => Some(("asset.recommended", None)),
        _ => None,
    }
}

/// Takes the feed's write lock for the rest of the transaction (see the module comment).
async fn lock_feed<C: ConnectionTrait>(conn: &C) -> DbResult<()> {
    if conn.get_database_backend() == DbBackend::Postgres {
        conn.execute_raw(Statement::from_string(
            DbBackend::Postgres,
            // Any constant key: "vwfeed" in ASCII, 0x767766656564 (PostgreSQL 15 takes no
            // hexadecimal literals).
            "SELECT pg_advisory_xact_lock(130255191106916)",
        ))
        .await?;
    }
    Ok(())
}

/// Records what a state change means for partners, inside the caller's transaction.
pub(crate) async fn on_state_change<C: ConnectionTrait>(
    conn: &C,
    asset_id: &str,
    from: AssetState,
    to: AssetState,
) -> DbResult<()> {
    let Some((event_type, feed_event)) = meaning(from, to) else {
        return Ok(());
    };
    let Some(row) = asset::Entity::find_by_id(asset_id).one(conn).await? else {
        return Ok(());
    };
    announce(conn, &row, event_type, feed_event).await
}

/// A public asset is deleted: partners get a tombstone.
pub(crate) async fn on_delete<C: ConnectionTrait>(conn: &C, row: &asset::Model) -> DbResult<()> {
    if AssetState::parse(&row.state).is_ok_and(is_public) {
        announce(conn, row, "asset.withdrawn", Some(WITHDRAWN)).await?;
    }
    Ok(())
}

async fn announce<C: ConnectionTrait>(
    conn: &C,
    row: &asset::Model,
    event_type: &str,
    feed_event: Option<&str>,
) -> DbResult<()> {
    let themes: Vec<String> = asset_theme::Entity::find()
        .filter(asset_theme::Column::AssetId.eq(row.id.as_str()))
        .order_by_asc(asset_theme::Column::Theme)
        .all(conn)
        .await?
        .into_iter()
        .map(|t| t.theme)
        .collect();
    let now = Utc::now();
    if let Some(event) = feed_event {
        append_feed_event(
            conn,
            FeedTags {
                id: &row.id,
                kind: &row.kind,
                city: &row.city,
                category: row.category.as_deref().unwrap_or_default(),
                themes: &themes,
            },
            event,
            now,
        )
        .await?;
    }
    let data = json!({
        "asset_id": row.id,
        "kind": row.kind,
        "title": row.title,
        "city": row.city,
        "category": row.category,
        "themes": themes,
        "activity_date": row.activity_date,
        "credit": row.credit,
        "portrait_consent": row.portrait_consent,
    });
    queue_webhooks(conn, event_type, data, now).await
}

/// What a feed entry is filtered by, kept with it (see the migration: a tombstone outlives its
/// item).
pub(crate) struct FeedTags<'a> {
    /// The item's id; for a live event, the id its replay item takes.
    pub id: &'a str,
    pub kind: &'a str,
    pub city: &'a str,
    pub category: &'a str,
    pub themes: &'a [String],
}

/// Appends one entry to the feed, under the feed's write lock.
pub(crate) async fn append_feed_event<C: ConnectionTrait>(
    conn: &C,
    tags: FeedTags<'_>,
    event: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    lock_feed(conn).await?;
    feed_event::ActiveModel {
        asset_id: Set(tags.id.to_owned()),
        event: Set(event.to_owned()),
        kind: Set(tags.kind.to_owned()),
        city: Set(tags.city.to_owned()),
        category: Set(tags.category.to_owned()),
        themes: Set(format!("|{}|", tags.themes.join("|"))),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Whether the feed has any entry under `id` (an item, or a live event announced).
pub(crate) async fn has_feed_event<C: ConnectionTrait>(conn: &C, id: &str) -> DbResult<bool> {
    Ok(feed_event::Entity::find()
        .filter(feed_event::Column::AssetId.eq(id))
        .one(conn)
        .await?
        .is_some())
}

/// One webhook message of `event_type` per enabled webhook, each with its delivery job.
pub(crate) async fn queue_webhooks<C: ConnectionTrait>(
    conn: &C,
    event_type: &str,
    data: serde_json::Value,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let hooks = webhook::Entity::find()
        .filter(webhook::Column::DisabledAt.is_null())
        .all(conn)
        .await?;
    if hooks.is_empty() {
        return Ok(());
    }
    let payload = json!({
        "type": event_type,
        "timestamp": now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": data,
    });
    for hook in hooks {
        let delivery = webhook_delivery::ActiveModel {
            message_id: Set(format!("msg_{}", uuid::Uuid::now_v7().simple())),
            webhook_id: Set(hook.id),
            event_type: Set(event_type.to_owned()),
            payload: Set(payload.to_string()),
            state: Set("pending".to_owned()),
            attempts: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        enqueue(
            conn,
            NewJob {
                kind: DELIVER_WEBHOOK,
                asset_id: None,
                payload: json!({ "delivery_id": delivery.id }),
                max_attempts: WEBHOOK_ATTEMPTS,
            },
        )
        .await?;
    }
    Ok(())
}

/// "A later event of the same asset exists": the feed shows each asset's latest event only.
fn superseded() -> SelectStatement {
    let later = Alias::new("later");
    Query::select()
        .expr(Expr::val(1))
        .from_as(feed_event::Entity, later.clone())
        .and_where(
            Expr::col((later.clone(), feed_event::Column::AssetId))
                .equals((feed_event::Entity, feed_event::Column::AssetId)),
        )
        .and_where(
            Expr::col((later, feed_event::Column::Id))
                .gt(Expr::col((feed_event::Entity, feed_event::Column::Id))),
        )
        .to_owned()
}

/// What a partner's feed request asks for.
#[derive(Debug, Clone, Default)]
pub struct FeedQuery {
    /// Events after this id (the cursor).
    pub after: i64,
    pub limit: u64,
    pub kind: Option<AssetKind>,
    pub city: Option<String>,
    pub category: Option<String>,
    pub theme: Option<String>,
    /// Without a cursor: events from this time on.
    pub since: Option<DateTime<Utc>>,
}

impl Db {
    /// One page of the feed: each asset's latest event only (an item published and withdrawn
    /// since the cursor shows only as the tombstone; an item withdrawn and published again
    /// shows once, at its new place), in id order.
    pub async fn feed_page(&self, query: &FeedQuery) -> DbResult<Vec<FeedEvent>> {
        let mut condition = Condition::all()
            .add(feed_event::Column::Id.gt(query.after))
            .add(Expr::exists(superseded()).not());
        if let Some(kind) = &query.kind {
            condition = condition.add(feed_event::Column::Kind.eq(kind.as_str()));
        }
        if let Some(city) = &query.city {
            condition = condition.add(feed_event::Column::City.eq(city.as_str()));
        }
        if let Some(category) = &query.category {
            condition = condition.add(feed_event::Column::Category.eq(category.as_str()));
        }
        if let Some(theme) = &query.theme {
            condition = condition.add(feed_event::Column::Themes.contains(format!("|{theme}|")));
        }
        if let Some(since) = query.since {
            condition = condition.add(feed_event::Column::CreatedAt.gte(since));
        }
        feed_event::Entity::find()
            .filter(condition)
            .order_by_asc(feed_event::Column::Id)
            .limit(query.limit)
            .all(self.conn())
            .await?
            .into_iter()
            .map(FeedEvent::try_from)
            .collect()
    }

    /// The newest publications still standing (for the Atom feed), newest first.
    pub async fn feed_latest(&self, limit: u64) -> DbResult<Vec<FeedEvent>> {
        feed_event::Entity::find()
            .filter(feed_event::Column::Event.eq(PUBLISHED))
            .filter(Expr::exists(superseded()).not())
            .order_by_desc(feed_event::Column::Id)
            .limit(limit)
            .all(self.conn())
            .await?
            .into_iter()
            .map(FeedEvent::try_from)
            .collect()
    }
}
