//! Assets: the ingest commit (with dedupe by content hash), reads, the queue listing, and
//! state changes under optimistic locking.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
    sea_query::{Expr, ExprTrait, Query},
};
use serde_json::{Value, json};
use vocweek_domain::{AssetKind, AssetState, Desk, Tags};

use crate::audit::{Actor, AuditEntry, record, with_member};
use crate::entities::{asset, asset_theme, submission};
use crate::error::is_unique_violation;
use crate::jobs::{NewJob, enqueue};
use crate::{Db, DbError, DbResult};

pub use crate::records::asset::Asset;

/// An asset with its themes: what the API shows.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetRecord {
    pub asset: Asset,
    pub themes: Vec<String>,
}

/// A freshly ingested original, hashed and stored, ready to be recorded.
#[derive(Debug, Clone)]
pub struct NewAsset {
    pub id: String,
    pub campaign_id: i32,
    pub unit_id: i32,
    pub desk: Desk,
    pub kind: AssetKind,
    pub blake3: String,
    pub size: i64,
    pub mime: String,
    pub original_filename: String,
    pub title: String,
    pub description: String,
    pub tags: Tags,
    pub captured_at: Option<DateTime<Utc>>,
    pub activity_date: NaiveDate,
    /// 作者/摄影, already checked (`vocweek_domain::checked_credit`); empty when not named.
    pub credit: String,
    /// 肖像使用已授权, as the unit declared it.
    pub portrait_consent: bool,
    /// Initial metadata (`{}` for an upload; the parent article for an embedded picture).
    pub metadata: Value,
    /// The unit's person who sent it (a personal account's session); `None` for the unit's
    /// shared token and for pictures taken out of an article.
    pub member_id: Option<i32>,
}

/// What the ingest commit did.
#[derive(Debug, Clone)]
pub enum Recorded {
    /// New bytes: a new asset in `processing`, with its processing job queued.
    Created(AssetRecord),
    /// These bytes were already stored: the existing asset, now also submitted by this unit.
    Duplicate(AssetRecord),
}

/// Whose items a reader may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Admins and partners (partners further restricted by state in their own API).
    Everything,
    Desk(Desk),
    /// An uploading unit: what it submitted, including duplicates of others' files.
    Unit(i32),
}

/// Filters of the asset listing; all optional, combined with AND.
#[derive(Debug, Clone, Default)]
pub struct AssetFilter {
    pub state: Option<AssetState>,
    pub kind: Option<AssetKind>,
    pub city: Option<String>,
    pub category: Option<String>,
    pub theme: Option<String>,
    pub unit: Option<i32>,
    pub day: Option<NaiveDate>,
    /// Part of the title (the web queue's search box).
    pub title_contains: Option<String>,
    /// Keyset cursor: the id of the last item of the previous page.
    pub cursor: Option<String>,
    /// Oldest first instead of newest first (the cursor then moves forward in time).
    pub oldest_first: bool,
    pub limit: u64,
}

/// One page of the listing, newest first.
#[derive(Debug, Clone)]
pub struct AssetPage {
    pub items: Vec<AssetRecord>,
    pub next_cursor: Option<String>,
}

impl Db {
    /// Records an ingested original in ONE transaction: the asset, its themes, the submission,
    /// an audit event and its processing job. Callers look the hash up first (they must know
    /// whether to store the blob) and call `record_duplicate` for known bytes; a concurrent
    /// upload of the same bytes that wins the unique hash turns this one into a duplicate too.
    pub async fn record_upload(&self, new: NewAsset, job: NewJob<'_>) -> DbResult<Recorded> {
        let txn = self.begin().await?;
        let now = self.clock().now();
        match insert_asset(&txn, &new, now).await {
            Ok(created) => {
                insert_submission(&txn, &new, now).await?;
                record(
                    &txn,
                    AuditEntry {
                        asset_id: Some(&new.id),
                        actor: Actor::Unit(new.unit_id),
                        action: "uploaded",
                        from: None,
                        to: Some(AssetState::Processing.as_str()),
                        details: with_member(
                            json!({ "filename": new.original_filename, "size": new.size }),
                            new.member_id,
                        ),
                    },
                )
                .await?;
                enqueue(&txn, job).await?;
                txn.commit().await?;
                Ok(Recorded::Created(created))
            }
            Err(DbError::Database(err)) if is_unique_violation(&err) => {
                txn.rollback().await?;
                let existing = self
                    .asset_by_blake3(&new.blake3)
                    .await?
                    .ok_or_else(|| DbError::NotFound(format!("asset {}", new.blake3)))?;
                self.record_duplicate(existing, &new).await
            }
            Err(other) => Err(other),
        }
    }

    /// Records that `new`'s unit sent bytes already stored as `existing`: a submission (once per
    /// unit) and an audit event; nothing else is written.
    pub async fn record_duplicate(
        &self,
        existing: AssetRecord,
        new: &NewAsset,
    ) -> DbResult<Recorded> {
        let txn = self.begin().await?;
        let attempt = NewAsset {
            id: existing.asset.id.clone(),
            ..new.clone()
        };
        match insert_submission(&txn, &attempt, self.clock().now()).await {
            Ok(()) => {
                record(
                    &txn,
                    AuditEntry {
                        asset_id: Some(&existing.asset.id),
                        actor: Actor::Unit(new.unit_id),
                        action: "duplicate_submitted",
                        from: None,
                        to: None,
                        details: with_member(
                            json!({ "filename": new.original_filename, "title": new.title }),
                            new.member_id,
                        ),
                    },
                )
                .await?;
                txn.commit().await?;
            }
            // The same unit sent the same file again: it is already recorded as a sender.
            Err(DbError::Database(err)) if is_unique_violation(&err) => txn.rollback().await?,
            Err(other) => return Err(other),
        }
        Ok(Recorded::Duplicate(existing))
    }

    pub async fn asset_by_blake3(&self, hash: &str) -> DbResult<Option<AssetRecord>> {
        let found = asset::Entity::find()
            .filter(asset::Column::Blake3.eq(hash))
            .one(self.conn())
            .await?;
        self.with_themes_one(found).await
    }

    pub async fn asset(&self, id: &str) -> DbResult<Option<AssetRecord>> {
        let found = asset::Entity::find_by_id(id.to_owned())
            .one(self.conn())
            .await?;
        self.with_themes_one(found).await
    }

    /// Whether `scope` may see the asset.
    pub async fn asset_visible(&self, record: &AssetRecord, scope: Scope) -> DbResult<bool> {
        Ok(match scope {
            Scope::Everything => true,
            Scope::Desk(desk) => record.asset.desk == desk,
            Scope::Unit(unit_id) => submission::Entity::find()
                .filter(submission::Column::AssetId.eq(&record.asset.id))
                .filter(submission::Column::UnitId.eq(unit_id))
                .one(self.conn())
                .await?
                .is_some(),
        })
    }

    /// The queue listing: newest first, keyset-paginated on the time-ordered id.
    pub async fn list_assets(&self, scope: Scope, filter: &AssetFilter) -> DbResult<AssetPage> {
        let mut condition = Condition::all();
        match scope {
            Scope::Everything => {}
            Scope::Desk(desk) => condition = condition.add(asset::Column::Desk.eq(desk.as_str())),
            Scope::Unit(unit_id) => {
                condition = condition.add(submitted_by(unit_id));
            }
        }
        if let Some(unit_id) = filter.unit {
            condition = condition.add(submitted_by(unit_id));
        }
        if let Some(state) = filter.state {
            condition = condition.add(asset::Column::State.eq(state.as_str()));
        }
        if let Some(kind) = filter.kind {
            condition = condition.add(asset::Column::Kind.eq(kind.as_str()));
        }
        if let Some(city) = &filter.city {
            condition = condition.add(asset::Column::City.eq(city));
        }
        if let Some(category) = &filter.category {
            condition = condition.add(asset::Column::Category.eq(category));
        }
        if let Some(day) = filter.day {
            condition = condition.add(asset::Column::ActivityDate.eq(day));
        }
        if let Some(theme) = &filter.theme {
            condition = condition.add(has_theme(theme));
        }
        if let Some(text) = filter.title_contains.as_deref().filter(|t| !t.is_empty()) {
            condition = condition.add(asset::Column::Title.contains(text));
        }
        if let Some(cursor) = &filter.cursor {
            condition = condition.add(if filter.oldest_first {
                asset::Column::Id.gt(cursor)
            } else {
                asset::Column::Id.lt(cursor)
            });
        }
        let limit = filter.limit.clamp(1, 200);
        let query = asset::Entity::find().filter(condition);
        let query = if filter.oldest_first {
            query.order_by_asc(asset::Column::Id)
        } else {
            query.order_by_desc(asset::Column::Id)
        };
        let mut rows = query.limit(limit + 1).all(self.conn()).await?;
        let next_cursor = if rows.len() as u64 > limit {
            rows.truncate(limit as usize);
            rows.last().map(|row| row.id.clone())
        } else {
            None
        };
        Ok(AssetPage {
            items: self.with_themes(rows).await?,
            next_cursor,
        })
    }

    /// Moves an asset from `from` to `to` if it is still in `from`, with its audit event and
    /// what it means for partners, in one transaction. `Conflict` when somebody moved it first.
    pub async fn change_state(&self, change: StateChange<'_>) -> DbResult<()> {
        let txn = self.begin().await?;
        change_state_in(&txn, change).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Several assets by id with one query (and one for their themes); missing ids are left
    /// out, order is not kept.
    pub async fn assets_by_ids(&self, ids: &[String]) -> DbResult<Vec<AssetRecord>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = asset::Entity::find()
            .filter(asset::Column::Id.is_in(ids.iter().cloned()))
            .all(self.conn())
            .await?;
        self.with_themes(rows).await
    }

    async fn with_themes_one(&self, row: Option<asset::Model>) -> DbResult<Option<AssetRecord>> {
        Ok(match row {
            None => None,
            Some(row) => self.with_themes(vec![row]).await?.pop(),
        })
    }

    /// Attaches themes to a page of assets with one query.
    pub(crate) async fn with_themes(&self, rows: Vec<asset::Model>) -> DbResult<Vec<AssetRecord>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = rows.iter().map(|row| row.id.clone()).collect();
        let mut themes: HashMap<String, Vec<String>> = HashMap::new();
        for row in asset_theme::Entity::find()
            .filter(asset_theme::Column::AssetId.is_in(ids))
            .order_by_asc(asset_theme::Column::Theme)
            .all(self.conn())
            .await?
        {
            themes.entry(row.asset_id).or_default().push(row.theme);
        }
        rows.into_iter()
            .map(|row| -> DbResult<AssetRecord> {
                Ok(AssetRecord {
                    themes: themes.remove(&row.id).unwrap_or_default(),
                    asset: Asset::try_from(row)?,
                })
            })
            .collect()
    }
}

/// A checked state change of one asset.
pub struct StateChange<'a> {
    pub asset_id: &'a str,
    pub from: AssetState,
    pub to: AssetState,
    /// The version the decider saw; `None` for system moves that only check the state.
    pub expected_version: Option<i32>,
    pub actor: Actor,
    pub action: &'a str,
    pub details: Value,
    /// `(code, reason)` when the asset fails.
    pub failure: Option<(&'a str, &'a str)>,
    /// Replaces the asset's metadata (what processing learnt).
    pub metadata: Option<Value>,
}

/// Moves an asset from `from` to `to` if it is still in `from`, in the caller's transaction,
/// with its audit event. `Conflict` when somebody moved it first.
pub(crate) async fn change_state_in<C: ConnectionTrait>(
    conn: &C,
    change: StateChange<'_>,
) -> DbResult<()> {
    change.from.transition(change.to)?;
    let mut update = asset::Entity::update_many()
        .col_expr(asset::Column::State, Expr::value(change.to.as_str()))
        .col_expr(
            asset::Column::Version,
            Expr::col(asset::Column::Version).add(1),
        )
        .col_expr(asset::Column::UpdatedAt, Expr::value(Utc::now()));
    if let Some((code, reason)) = change.failure {
        update = update
            .col_expr(asset::Column::FailureCode, Expr::value(code))
            .col_expr(asset::Column::FailureReason, Expr::value(reason));
    }
    if let Some(metadata) = &change.metadata {
        update = update.col_expr(asset::Column::Metadata, Expr::value(metadata.clone()));
    }
    let mut filter = Condition::all()
        .add(asset::Column::Id.eq(change.asset_id))
        .add(asset::Column::State.eq(change.from.as_str()));
    if let Some(version) = change.expected_version {
        filter = filter.add(asset::Column::Version.eq(version));
    }
    let result = update.filter(filter).exec(conn).await?;
    if result.rows_affected != 1 {
        return Err(DbError::Conflict(format!("asset {}", change.asset_id)));
    }
    crate::feed::on_state_change(conn, change.asset_id, change.from, change.to).await?;
    record(
        conn,
        AuditEntry {
            asset_id: Some(change.asset_id),
            actor: change.actor,
            action: change.action,
            from: Some(change.from.as_str()),
            to: Some(change.to.as_str()),
            details: change.details,
        },
    )
    .await
}

/// "The asset carries `theme`", as a correlated `EXISTS` probed through the `(theme, asset_id)`
/// key for each row the newest-first walk reaches. `id IN (SELECT asset_id …)` costs the same on
/// an analyzed PostgreSQL, but SQLite (which keeps no statistics here) first copies every asset
/// of the theme into a temporary index — a fifth of 100,000 items on each page request
/// (BENCHMARKS.md, "Review queue").
fn has_theme(theme: &str) -> Expr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(asset_theme::Entity)
            .and_where(asset_theme::Column::Theme.eq(theme))
            .and_where(
                Expr::col((asset_theme::Entity, asset_theme::Column::AssetId))
                    .equals((asset::Entity, asset::Column::Id)),
            )
            .to_owned(),
    )
}

fn submitted_by(unit_id: i32) -> Expr {
    asset::Column::Id.in_subquery(
        Query::select()
            .column(submission::Column::AssetId)
            .from(submission::Entity)
            .and_where(submission::Column::UnitId.eq(unit_id))
            .to_owned(),
    )
}

/// `now` is the database's clock, so a test can place an upload on any day.
pub(crate) async fn insert_asset<C: ConnectionTrait>(
    conn: &C,
    new: &NewAsset,
    now: DateTime<Utc>,
) -> DbResult<AssetRecord> {
    let saved = asset::ActiveModel {
        id: Set(new.id.clone()),
        campaign_id: Set(new.campaign_id),
        unit_id: Set(new.unit_id),
        desk: Set(new.desk.as_str().to_owned()),
        kind: Set(new.kind.as_str().to_owned()),
        state: Set(AssetState::Processing.as_str().to_owned()),
        blake3: Set(new.blake3.clone()),
        size: Set(new.size),
        mime: Set(new.mime.clone()),
        original_filename: Set(new.original_filename.clone()),
        title: Set(new.title.clone()),
        description: Set(new.description.clone()),
        city: Set(new.tags.city.clone()),
        category: Set(new.tags.category.clone()),
        subcategory: Set(new.tags.subcategory.clone()),
        captured_at: Set(new.captured_at),
        activity_date: Set(new.activity_date),
        credit: Set(new.credit.clone()),
        portrait_consent: Set(new.portrait_consent),
        metadata: Set(new.metadata.clone()),
        failure_code: Set(None),
        failure_reason: Set(None),
        review_note: Set(None),
        reviewed_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(conn)
    .await?;
    if !new.tags.themes.is_empty() {
        asset_theme::Entity::insert_many(new.tags.themes.iter().map(|theme| {
            asset_theme::ActiveModel {
                asset_id: Set(new.id.clone()),
                theme: Set(theme.clone()),
            }
        }))
        .exec(conn)
        .await?;
    }
    Ok(AssetRecord {
        asset: Asset::try_from(saved)?,
        themes: new.tags.themes.clone(),
    })
}

pub(crate) async fn insert_submission<C: ConnectionTrait>(
    conn: &C,
    new: &NewAsset,
    now: DateTime<Utc>,
) -> DbResult<()> {
    submission::ActiveModel {
        asset_id: Set(new.id.clone()),
        unit_id: Set(new.unit_id),
        original_filename: Set(new.original_filename.clone()),
        title: Set(new.title.clone()),
        created_at: Set(now),
        // The article job names the article a picture came from; uploads have no such field.
        extracted: Set(new.metadata.get("article_id").is_some()),
        member_id: Set(new.member_id),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}
