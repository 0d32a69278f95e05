//! A unit replaces the file of an item the editors returned: the item keeps its id, title,
//! tags, submissions and history; the file it had becomes a numbered earlier version
//! (`asset_versions`, whose bytes stay stored); what was made from the old file (renditions,
//! the photo hash and its bands) goes; and the item is processed again. One transaction, under
//! the version the unit saw.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    sea_query::Expr,
};
use serde_json::{Value, json};
use vocweek_domain::AssetState;

use crate::assets::{AssetRecord, StateChange, change_state_in};
use crate::audit::{Actor, with_member};
use crate::entities::{asset, asset_version, photo_hash, photo_hash_band, rendition};
use crate::error::is_unique_violation;
use crate::jobs::{NewJob, enqueue};
use crate::{Db, DbError, DbResult};

/// The file that replaces an asset's current one, already stored at its BLAKE3 address.
#[derive(Debug, Clone)]
pub struct FileReplacement<'a> {
    pub asset_id: &'a str,
    /// The version of the asset the unit saw.
    pub version: i32,
    pub blake3: &'a str,
    pub size: i64,
    pub mime: &'a str,
    pub original_filename: &'a str,
    /// The asset's metadata from now on: what an upload starts with (processing adds the rest).
    pub metadata: Value,
    pub actor: Actor,
    /// The unit's person who sent the new file (their personal account); `None` for the unit's
    /// shared token. Named in the `file_replaced` event.
    pub member_id: Option<i32>,
}

/// What the replacement did.
#[derive(Debug, Clone)]
pub enum Replacement {
    /// The asset, now in `processing` with its new file and its processing job queued.
    Replaced(Box<AssetRecord>),
    /// Another asset has these bytes (it took them while this replacement ran): nothing was
    /// written. Dedupe holds for replacements too: one stored file, one item.
    Duplicate { asset_id: String },
}

impl Db {
    /// Replaces the file of a `returned` asset at `version` in ONE transaction: the old file's
    /// row in `asset_versions`, the asset's new hash, size, type, name and metadata (failure
    /// cleared), its renditions and photo hashes removed, the move `returned → processing` with
    /// its `file_replaced` audit event, and `job`. `Conflict` when the asset is no longer at
    /// `version` or no longer returned; `Duplicate` when the unique hash index finds a twin.
    ///
    /// The renditions' blobs stay where they are: `job` must clear them before it writes the
    /// new ones (the new renditions take the same keys, so a deletion after this commit could
    /// race with the worker and take a new file).
    pub async fn replace_original(
        &self,
        replacement: FileReplacement<'_>,
        job: NewJob<'_>,
    ) -> DbResult<Replacement> {
        let id = replacement.asset_id;
        let txn = self.begin().await?;
        let Some(current) = asset::Entity::find_by_id(id.to_owned()).one(&txn).await? else {
            txn.rollback().await?;
            return Err(DbError::NotFound(format!("asset {id}")));
        };
        if current.version != replacement.version || current.state != AssetState::Returned.as_str()
        {
            txn.rollback().await?;
            return Err(DbError::Conflict(format!("asset {id}")));
        }
        match replace_in(&txn, &current, &replacement, job).await {
            Ok(()) => txn.commit().await?,
            Err(DbError::Database(err)) if is_unique_violation(&err) => {
                txn.rollback().await?;
                // Only the hash is unique among what was written once the row was ours.
                return match self.asset_by_blake3(replacement.blake3).await? {
                    Some(twin) => Ok(Replacement::Duplicate {
                        asset_id: twin.asset.id,
                    }),
                    None => Err(DbError::Conflict(format!("asset {id}"))),
                };
            }
            Err(other) => {
                txn.rollback().await?;
                return Err(other);
            }
        }
        let replaced = self
            .asset(id)
            .await?
            .ok_or_else(|| DbError::NotFound(format!("asset {id}")))?;
        Ok(Replacement::Replaced(Box::new(replaced)))
    }
}

/// The writes of a replacement, in the caller's transaction, over the row `current` read.
async fn replace_in<C: ConnectionTrait>(
    conn: &C,
    current: &asset::Model,
    new: &FileReplacement<'_>,
    job: NewJob<'_>,
) -> DbResult<()> {
    let id = new.asset_id;
    // The file columns first, under the version and state just read; the state change below
    // names the same version and moves it on.
    let updated = asset::Entity::update_many()
        .col_expr(asset::Column::Blake3, Expr::value(new.blake3))
        .col_expr(asset::Column::Size, Expr::value(new.size))
        .col_expr(asset::Column::Mime, Expr::value(new.mime))
        .col_expr(
            asset::Column::OriginalFilename,
            Expr::value(new.original_filename),
        )
        .col_expr(asset::Column::FailureCode, Expr::value(None::<String>))
        .col_expr(asset::Column::FailureReason, Expr::value(None::<String>))
        .filter(asset::Column::Id.eq(id))
        .filter(asset::Column::Version.eq(new.version))
        .filter(asset::Column::State.eq(AssetState::Returned.as_str()))
        .exec(conn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(DbError::Conflict(format!("asset {id}")));
    }
    let number = next_number(conn, id).await?;
    asset_version::ActiveModel {
        asset_id: Set(id.to_owned()),
        number: Set(number),
        blake3: Set(current.blake3.clone()),
        size: Set(current.size),
        mime: Set(current.mime.clone()),
        original_filename: Set(current.original_filename.clone()),
        replaced_at: Set(chrono::Utc::now()),
        replaced_by: Set(new.actor.label()),
    }
    .insert(conn)
    .await?;
    forget_derived(conn, id).await?;
    change_state_in(
        conn,
        StateChange {
            asset_id: id,
            from: AssetState::Returned,
            to: AssetState::Processing,
            expected_version: Some(new.version),
            actor: new.actor.clone(),
            action: "file_replaced",
            details: with_member(
                json!({
                    "number": number,
                    "old": {
                        "blake3": current.blake3,
                        "size": current.size,
                        "filename": current.original_filename,
                    },
                    "new": {
                        "blake3": new.blake3,
                        "size": new.size,
                        "filename": new.original_filename,
                    },
                }),
                new.member_id,
            ),
            failure: None,
            metadata: Some(new.metadata.clone()),
        },
    )
    .await?;
    enqueue(conn, job).await?;
    Ok(())
}

/// The number the current file gets as it becomes an earlier version: 1 for the first file.
async fn next_number<C: ConnectionTrait>(conn: &C, asset_id: &str) -> DbResult<i32> {
    let last = asset_version::Entity::find()
        .filter(asset_version::Column::AssetId.eq(asset_id))
        .order_by_desc(asset_version::Column::Number)
        .one(conn)
        .await?;
    Ok(last.map_or(1, |row| row.number + 1))
}

/// What processing made of the old file: its renditions' rows (their blobs are the job's to
/// clear) and its perceptual hash, so that no near-duplicate search finds the old picture.
async fn forget_derived<C: ConnectionTrait>(conn: &C, asset_id: &str) -> DbResult<()> {
    rendition::Entity::delete_many()
        .filter(rendition::Column::AssetId.eq(asset_id))
        .exec(conn)
        .await?;
    photo_hash_band::Entity::delete_many()
        .filter(photo_hash_band::Column::AssetId.eq(asset_id))
        .exec(conn)
        .await?;
    photo_hash::Entity::delete_by_id(asset_id.to_owned())
        .exec(conn)
        .await?;
    Ok(())
}
