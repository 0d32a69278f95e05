//! Resumable (tus) uploads: one row per upload, holding what any API node needs to take the
//! next request: the length, the bytes acknowledged, who is writing now, and the outcome.
//!
//! One writer at a time: a PATCH takes a short lease (`locked_by`, `locked_until`) with a
//! conditional UPDATE and renews it while bytes arrive. A node that dies mid-PATCH stops renewing
//! and the lease lapses, so the upload is never stuck for longer than one lease.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set, sea_query::Expr,
};

use crate::entities::resumable_upload;
use crate::{Db, DbResult, now_millis};

pub use crate::records::resumable_upload::ResumableUpload;

pub const RECEIVING: &str = "receiving";
pub const COMPLETE: &str = "complete";
pub const FAILED: &str = "failed";

/// A new upload, as its creation request describes it.
pub struct NewResumable {
    pub id: String,
    pub unit_id: i32,
    pub length: Option<i64>,
    pub metadata: String,
    pub filename: String,
    pub expires_at: i64,
}

fn held_by(id: &str, holder: &str) -> Condition {
    Condition::all()
        .add(resumable_upload::Column::Id.eq(id))
        .add(resumable_upload::Column::LockedBy.eq(holder))
}

impl Db {
    pub async fn create_resumable(&self, new: NewResumable) -> DbResult<ResumableUpload> {
        let now = now_millis();
        let created = resumable_upload::ActiveModel {
            id: Set(new.id),
            unit_id: Set(new.unit_id),
            length: Set(new.length),
            received: Set(0),
            metadata: Set(new.metadata),
            filename: Set(new.filename),
            state: Set(RECEIVING.to_owned()),
            locked_by: Set(None),
            locked_until: Set(None),
            asset_id: Set(None),
            duplicate: Set(false),
            error_code: Set(None),
            error_message: Set(None),
            expires_at: Set(new.expires_at),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(self.conn())
        .await?;
        Ok(ResumableUpload::from(created))
    }

    pub async fn resumable(&self, id: &str) -> DbResult<Option<ResumableUpload>> {
        Ok(resumable_upload::Entity::find_by_id(id.to_owned())
            .one(self.conn())
            .await?
            .map(ResumableUpload::from))
    }

    /// Takes the write lease of a receiving upload. `false`: another writer holds it.
    pub async fn lock_resumable(&self, id: &str, holder: &str, lease_ms: i64) -> DbResult<bool> {
        let now = now_millis();
        let free = Condition::any()
            .add(resumable_upload::Column::LockedBy.is_null())
            .add(resumable_upload::Column::LockedUntil.lt(now));
        let result = resumable_upload::Entity::update_many()
            .col_expr(resumable_upload::Column::LockedBy, Expr::value(holder))
            .col_expr(
                resumable_upload::Column::LockedUntil,
                Expr::value(now + lease_ms),
            )
            .filter(resumable_upload::Column::Id.eq(id))
            .filter(resumable_upload::Column::State.eq(RECEIVING))
            .filter(free)
            .exec(self.conn())
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Records bytes written, synced (and verified) under the lease, pushes the expiry on and
    /// extends the lease. `false`: the lease was lost.
    pub async fn record_resumable_progress(
        &self,
        id: &str,
        holder: &str,
        lease_ms: i64,
        received: i64,
        expires_at: i64,
    ) -> DbResult<bool> {
        let now = now_millis();
        let result = resumable_upload::Entity::update_many()
            .col_expr(resumable_upload::Column::Received, Expr::value(received))
            .col_expr(resumable_upload::Column::ExpiresAt, Expr::value(expires_at))
            .col_expr(
                resumable_upload::Column::LockedUntil,
                Expr::value(now + lease_ms),
            )
            .col_expr(resumable_upload::Column::UpdatedAt, Expr::value(now))
            .filter(held_by(id, holder))
            .exec(self.conn())
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Sets a deferred length once (creation-defer-length), under the lease.
    pub async fn declare_resumable_length(
        &self,
        id: &str,
        holder: &str,
        length: i64,
    ) -> DbResult<bool> {
        let result = resumable_upload::Entity::update_many()
            .col_expr(resumable_upload::Column::Length, Expr::value(length))
            .filter(held_by(id, holder))
            .filter(resumable_upload::Column::Length.is_null())
            .exec(self.conn())
            .await?;
        Ok(result.rows_affected == 1)
    }

    pub async fn unlock_resumable(&self, id: &str, holder: &str) -> DbResult<()> {
        resumable_upload::Entity::update_many()
            .col_expr(
                resumable_upload::Column::LockedBy,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                resumable_upload::Column::LockedUntil,
                Expr::value(Option::<i64>::None),
            )
            .filter(held_by(id, holder))
            .exec(self.conn())
            .await?;
        Ok(())
    }

    /// The last byte arrived and ingest made (or found) the asset. Not tied to the lease: ingest
    /// of a 20 GB file may outlast it, and the outcome is the same whoever records it (a second
    /// ingest of the same bytes finds the same asset).
    pub async fn complete_resumable(
        &self,
        id: &str,
        asset_id: &str,
        duplicate: bool,
    ) -> DbResult<()> {
        self.end_resumable(id, COMPLETE, Some(asset_id), duplicate, None)
            .await
    }

    /// The bytes are all there but ingest refused them (type, limit, tags): kept as the answer
    /// to later requests, the bytes are gone.
    pub async fn fail_resumable(&self, id: &str, code: &str, message: &str) -> DbResult<()> {
        self.end_resumable(id, FAILED, None, false, Some((code, message)))
            .await
    }

    /// Ends a receiving upload once; a second outcome for the same upload changes nothing.
    async fn end_resumable(
        &self,
        id: &str,
        state: &str,
        asset_id: Option<&str>,
        duplicate: bool,
        error: Option<(&str, &str)>,
    ) -> DbResult<()> {
        resumable_upload::Entity::update_many()
            .col_expr(resumable_upload::Column::State, Expr::value(state))
            .col_expr(
                resumable_upload::Column::AssetId,
                Expr::value(asset_id.map(str::to_owned)),
            )
            .col_expr(resumable_upload::Column::Duplicate, Expr::value(duplicate))
            .col_expr(
                resumable_upload::Column::ErrorCode,
                Expr::value(error.map(|(code, _)| code.to_owned())),
            )
            .col_expr(
                resumable_upload::Column::ErrorMessage,
                Expr::value(error.map(|(_, message)| message.to_owned())),
            )
            .col_expr(
                resumable_upload::Column::LockedBy,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                resumable_upload::Column::LockedUntil,
                Expr::value(Option::<i64>::None),
            )
            .col_expr(
                resumable_upload::Column::UpdatedAt,
                Expr::value(now_millis()),
            )
            .filter(resumable_upload::Column::Id.eq(id))
            .filter(resumable_upload::Column::State.eq(RECEIVING))
            .exec(self.conn())
            .await?;
        Ok(())
    }

    /// Removes the row (termination or expiry). `false`: a writer holds it right now.
    pub async fn delete_resumable(&self, id: &str, now: i64) -> DbResult<bool> {
        let free = Condition::any()
            .add(resumable_upload::Column::LockedBy.is_null())
            .add(resumable_upload::Column::LockedUntil.lt(now));
        let result = resumable_upload::Entity::delete_many()
            .filter(resumable_upload::Column::Id.eq(id))
            .filter(free)
            .exec(self.conn())
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Uploads past their expiry, oldest first, in any state.
    pub async fn expired_resumables(&self, now: i64, limit: u64) -> DbResult<Vec<ResumableUpload>> {
        Ok(resumable_upload::Entity::find()
            .filter(resumable_upload::Column::ExpiresAt.lt(now))
            .order_by_asc(resumable_upload::Column::ExpiresAt)
            .limit(limit)
            .all(self.conn())
            .await?
            .into_iter()
            .map(ResumableUpload::from)
            .collect())
    }
}
