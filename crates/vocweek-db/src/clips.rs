//! Clips cut from a video item: an editor's request (a `make_clip` job, and an entry in the
//! source's history) and, once the clip is cut, the one transaction that makes it an item —
//! in `processing` with its processing job, like an upload — linked both ways in the histories.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use vocweek_domain::AssetState;

use crate::assets::{NewAsset, insert_asset, insert_submission};
use crate::audit::{Actor, AuditEntry, record};
use crate::entities::asset;
use crate::jobs::{JobId, NewJob, complete, enqueue};
use crate::{Db, DbResult};

/// The job kind that cuts a clip.
pub const MAKE_CLIP: &str = "make_clip";
/// A cut is retried a few times (a store hiccup); a video it cannot cut fails at once.
const CLIP_ATTEMPTS: i32 = 3;

/// What a clip job is asked: the clip's id (chosen when asked, so the editor can follow it),
/// its source and its in- and out-points on the source's player, and who asked.
#[derive(Debug, Clone, PartialEq)]
pub struct ClipRequest {
    pub clip_id: String,
    pub source_id: String,
    pub from_seconds: f64,
    pub to_seconds: f64,
    pub user_id: i32,
}

impl ClipRequest {
    /// As the job's payload.
    pub fn payload(&self) -> Value {
        json!({
            "clip_id": self.clip_id,
            "source_id": self.source_id,
            "from_seconds": self.from_seconds,
            "to_seconds": self.to_seconds,
            "user_id": self.user_id,
        })
    }

    /// From the job's payload; `None` when a field is missing or of another type.
    pub fn from_payload(payload: &Value) -> Option<ClipRequest> {
        Some(ClipRequest {
            clip_id: payload["clip_id"].as_str()?.to_owned(),
            source_id: payload["source_id"].as_str()?.to_owned(),
            from_seconds: payload["from_seconds"].as_f64()?,
            to_seconds: payload["to_seconds"].as_f64()?,
            user_id: i32::try_from(payload["user_id"].as_i64()?).ok()?,
        })
    }
}

/// What recording a cut clip did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClipRecorded {
    /// The clip is an item in `processing`, its processing job queued.
    Recorded,
    /// A rerun: the clip was recorded already.
    AlreadyRecorded,
    /// The same bytes are an item already (the same stretch cut before): that item, linked
    /// from the source's history.
    SameAs(String),
    /// Another worker holds the job now; nothing was written.
    LeaseLost,
}

impl Db {
    /// Queues the cut of `from_seconds`–`to_seconds` of `source_id`, asked by `user_id`, with
    /// the request in the source's history; answers the request with the clip's future id.
    pub async fn request_clip(
        &self,
        source_id: &str,
        from_seconds: f64,
        to_seconds: f64,
        user_id: i32,
    ) -> DbResult<ClipRequest> {
        let request = ClipRequest {
            clip_id: uuid::Uuid::now_v7().to_string(),
            source_id: source_id.to_owned(),
            from_seconds,
            to_seconds,
            user_id,
        };
        let txn = self.begin().await?;
        let payload = request.payload();
        enqueue(
            &txn,
            NewJob {
                kind: MAKE_CLIP,
                asset_id: None,
                payload,
                max_attempts: CLIP_ATTEMPTS,
            },
        )
        .await?;
        record(
            &txn,
            AuditEntry {
                asset_id: Some(&request.source_id),
                actor: Actor::User(request.user_id),
                action: "clip_requested",
                from: None,
                to: None,
                details: json!({
                    "clip_id": request.clip_id,
                    "from_seconds": request.from_seconds,
                    "to_seconds": request.to_seconds,
                }),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(request)
    }

    /// Records the cut clip `new` (its original stored already) as an item in `processing`
    /// with `processing` queued, its history naming its source and the source's naming it,
    /// and completes the job — in one transaction.
    pub async fn record_clip(
        &self,
        job_id: JobId,
        worker: &str,
        request: &ClipRequest,
        new: NewAsset,
        processing: NewJob<'_>,
    ) -> DbResult<ClipRecorded> {
        let txn = self.begin().await?;
        if !complete(&txn, job_id, worker).await? {
            txn.rollback().await?;
            return Ok(ClipRecorded::LeaseLost);
        }
        if asset::Entity::find_by_id(new.id.clone())
            .one(&txn)
            .await?
            .is_some()
        {
            txn.commit().await?;
            return Ok(ClipRecorded::AlreadyRecorded);
        }
        let same = asset::Entity::find()
            .filter(asset::Column::Blake3.eq(&new.blake3))
            .one(&txn)
            .await?
            .map(|existing| existing.id);
        let clip_id = match &same {
            Some(existing) => existing.clone(),
            None => {
                let now = self.clock().now();
                insert_asset(&txn, &new, now).await?;
                insert_submission(&txn, &new, now).await?;
                record(
                    &txn,
                    AuditEntry {
                        asset_id: Some(&new.id),
                        actor: Actor::User(request.user_id),
                        action: "clipped",
                        from: None,
                        to: Some(AssetState::Processing.as_str()),
                        details: json!({
                            "source_id": request.source_id,
                            "from_seconds": request.from_seconds,
                            "to_seconds": request.to_seconds,
                        }),
                    },
                )
                .await?;
                enqueue(&txn, processing).await?;
                new.id.clone()
            }
        };
        record(
            &txn,
            AuditEntry {
                asset_id: Some(&request.source_id),
                actor: Actor::System,
                action: "clip_made",
                from: None,
                to: None,
                details: json!({
                    "clip_id": clip_id,
                    "from_seconds": request.from_seconds,
                    "to_seconds": request.to_seconds,
                }),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(match same {
            Some(existing) => ClipRecorded::SameAs(existing),
            None => ClipRecorded::Recorded,
        })
    }

    /// The source cannot be cut as asked (`code`, `reason`): said in the source's history,
    /// the job completed — retrying would fail the same way.
    pub async fn record_clip_failed(
        &self,
        job_id: JobId,
        worker: &str,
        request: &ClipRequest,
        code: &str,
        reason: &str,
    ) -> DbResult<bool> {
        let txn = self.begin().await?;
        if !complete(&txn, job_id, worker).await? {
            txn.rollback().await?;
            return Ok(false);
        }
        record(
            &txn,
            AuditEntry {
                asset_id: Some(&request.source_id),
                actor: Actor::System,
                action: "clip_failed",
                from: None,
                to: None,
                details: json!({
                    "clip_id": request.clip_id,
                    "from_seconds": request.from_seconds,
                    "to_seconds": request.to_seconds,
                    "code": code,
                    "reason": reason,
                }),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(true)
    }
}
