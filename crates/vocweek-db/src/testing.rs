//! Seeding and inspecting rows for tests and benchmarks, behind the `testing` feature (only
//! they turn it on). Some states take the product many steps to reach — 100,000 stored
//! photos, items already waiting for review — and a few tests break or count rows on purpose;
//! they do it here, so their SQL stays in the one crate that speaks it and a seeded asset's
//! column list exists once, beside the entity it must match.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    Statement,
};
use serde_json::json;
use vocweek_domain::{AssetKind, AssetState, Desk};

use crate::entities::{asset, job};
use crate::jobs::{Job, JobState};
use crate::{Db, DbError, DbResult};

/// The columns [`insert_assets_from`] fills, in the order its `SELECT` must produce them.
/// The others are nullable and stay NULL (no category, capture time, failure or review) or
/// take their defaults (no credit, no portrait consent).
pub const ASSET_COLUMNS: &str = "id, campaign_id, unit_id, desk, kind, state, blake3, size, \
     mime, original_filename, title, description, city, activity_date, metadata, version, \
     created_at, updated_at";

/// An asset row put in place directly, without an upload, a processing job or an audit event.
/// Its metadata is `{}`, and it was last updated when it was created.
#[derive(Debug, Clone)]
pub struct TestAsset {
    pub id: String,
    pub campaign_id: i32,
    pub unit_id: i32,
    pub desk: Desk,
    pub kind: AssetKind,
    pub state: AssetState,
    /// Unique per asset (64 hex digits for a real one; any unique text will do here).
    pub blake3: String,
    pub size: i64,
    pub mime: String,
    pub original_filename: String,
    pub title: String,
    pub description: String,
    pub city: String,
    pub activity_date: NaiveDate,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

impl TestAsset {
    /// A 1-byte JPEG on the edu desk waiting for review (version 1), of `city`, dated the
    /// shipped campaign's first day and created at its midnight (UTC). Its hash is made from
    /// its id, so distinct ids never collide on the unique hash. Other fields are changed with
    /// struct update syntax.
    pub fn photo(id: &str, campaign_id: i32, unit_id: i32, city: &str) -> TestAsset {
        // A valid date: the default (1970-01-01) is never taken.
        let day = NaiveDate::from_ymd_opt(2021, 5, 22).unwrap_or_default();
        TestAsset {
            id: id.to_owned(),
            campaign_id,
            unit_id,
            desk: Desk::Edu,
            kind: AssetKind::Photo,
            state: AssetState::PendingReview,
            blake3: blake3::hash(id.as_bytes()).to_hex().to_string(),
            size: 1,
            mime: "image/jpeg".to_owned(),
            original_filename: "x.jpg".to_owned(),
            title: "x".to_owned(),
            description: String::new(),
            city: city.to_owned(),
            activity_date: day,
            version: 1,
            created_at: day.and_time(NaiveTime::MIN).and_utc(),
        }
    }
}

/// Inserts one asset row as given.
pub async fn insert_asset(db: &Db, new: &TestAsset) -> DbResult<()> {
    asset::ActiveModel {
        id: Set(new.id.clone()),
        campaign_id: Set(new.campaign_id),
        unit_id: Set(new.unit_id),
        desk: Set(new.desk.as_str().to_owned()),
        kind: Set(new.kind.as_str().to_owned()),
        state: Set(new.state.as_str().to_owned()),
        blake3: Set(new.blake3.clone()),
        size: Set(new.size),
        mime: Set(new.mime.clone()),
        original_filename: Set(new.original_filename.clone()),
        title: Set(new.title.clone()),
        description: Set(new.description.clone()),
        city: Set(new.city.clone()),
        category: Set(None),
        subcategory: Set(None),
        captured_at: Set(None),
        activity_date: Set(new.activity_date),
        credit: Set(String::new()),
        portrait_consent: Set(false),
        metadata: Set(json!({})),
        failure_code: Set(None),
        failure_reason: Set(None),
        review_note: Set(None),
        reviewed_at: Set(None),
        version: Set(new.version),
        created_at: Set(new.created_at),
        updated_at: Set(new.created_at),
    }
    .insert(db.conn())
    .await?;
    Ok(())
}

/// Inserts the assets a `SELECT` produces, one row per asset with the [`ASSET_COLUMNS`] in
/// order: many thousands in one statement, made by the database (a series and expressions of
/// its dialect), where one insert each would take minutes.
pub async fn insert_assets_from(db: &Db, select: &str) -> DbResult<()> {
    execute(
        db,
        &format!("INSERT INTO assets ({ASSET_COLUMNS}) {select}"),
    )
    .await
}

/// Runs SQL of the caller's: a test breaking something on purpose, or seeding rows no function
/// here makes (photo hashes, themes).
pub async fn execute(db: &Db, sql: &str) -> DbResult<()> {
    db.conn().execute_unprepared(sql).await?;
    Ok(())
}

/// `SELECT COUNT(*) FROM {from}`: `from` is a table, optionally with a `WHERE` clause.
pub async fn count(db: &Db, from: &str) -> DbResult<i64> {
    let conn = db.conn();
    let sql = format!("SELECT COUNT(*) AS n FROM {from}");
    let row = conn
        .query_one_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await?
        .ok_or_else(|| DbError::Corrupt(format!("counting {from} returned no row")))?;
    Ok(row.try_get::<i64>("", "n")?)
}

/// Creates an empty PostgreSQL database `name` (a plain identifier the caller made up) on the
/// server `db` is connected to, for a test of its own.
pub async fn create_database(db: &Db, name: &str) -> DbResult<()> {
    execute(db, &format!("CREATE DATABASE {name}")).await
}

/// The jobs in `state`, oldest first: who holds what, for tests that kill workers.
pub async fn jobs_in_state(db: &Db, state: JobState) -> DbResult<Vec<Job>> {
    job::Entity::find()
        .filter(job::Column::State.eq(state.as_str()))
        .order_by_asc(job::Column::Id)
        .all(db.conn())
        .await?
        .into_iter()
        .map(Job::try_from)
        .collect()
}
