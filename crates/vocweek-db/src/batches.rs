//! Recommendation batches: a desk's ordered selection of recommended items for the Ministry.
//! Beside the batch's own rows: which items another batch already sent (`earlier`), and what
//! happened to a sent batch's items since (`after_send`).

mod after_send;
mod earlier;

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Select, Set,
};
use serde_json::json;
use vocweek_domain::{AssetState, Desk};

use crate::assets::AssetRecord;
use crate::audit::{Actor, AuditEntry, record};
use crate::entities::{asset, batch, batch_item};
use crate::{Db, DbError, DbResult};

pub use crate::records::batch::Batch;
pub use earlier::EarlierSending;

pub const DRAFT: &str = "draft";
pub const SENT: &str = "sent";

/// Why an item may not join a draft batch (the first one refused, in the order named).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemRefusal {
    /// Named twice in the batch's items.
    Twice(String),
    /// No such item, or another desk's.
    NotFound(String),
    /// Not, or no longer, recommended: `state` is the item's state now.
    NotRecommended { id: String, state: String },
}

/// A batch with its items in order.
#[derive(Debug, Clone)]
pub struct BatchRecord {
    pub batch: Batch,
    pub items: Vec<AssetRecord>,
}

impl Db {
    pub async fn create_batch(
        &self,
        campaign_id: i32,
        desk: Desk,
        title: &str,
        note: &str,
        user_id: i32,
    ) -> DbResult<Batch> {
        let created = batch::ActiveModel {
            campaign_id: Set(campaign_id),
            desk: Set(desk.as_str().to_owned()),
            title: Set(title.trim().to_owned()),
            note: Set(note.trim().to_owned()),
            state: Set(DRAFT.to_owned()),
            created_by: Set(user_id),
            created_at: Set(Utc::now()),
            sent_at: Set(None),
            ..Default::default()
        }
        .insert(self.conn())
        .await?;
        Batch::try_from(created)
    }

    /// Batches of one desk (or all, for admins), newest first.
    pub async fn batches(&self, desk: Option<Desk>) -> DbResult<Vec<Batch>> {
        let mut query = batch::Entity::find().order_by_desc(batch::Column::Id);
        if let Some(desk) = desk {
            query = query.filter(batch::Column::Desk.eq(desk.as_str()));
        }
        query
            .all(self.conn())
            .await?
            .into_iter()
            .map(Batch::try_from)
            .collect()
    }

    pub async fn batch(&self, id: i32) -> DbResult<Option<BatchRecord>> {
        let Some(batch) = batch::Entity::find_by_id(id).one(self.conn()).await? else {
            return Ok(None);
        };
        let rows = batch_item::Entity::find()
            .filter(batch_item::Column::BatchId.eq(id))
            .order_by_asc(batch_item::Column::Position)
            .all(self.conn())
            .await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            if let Some(asset) = self.asset(&row.asset_id).await? {
                items.push(asset);
            }
        }
        Ok(Some(BatchRecord {
            batch: Batch::try_from(batch)?,
            items,
        }))
    }

    /// Replaces a draft batch's items with `asset_ids`, in that order. Each must be a
    /// recommended item of the batch's desk, named once: checked in the transaction that writes
    /// the items, with the batch's row and the items' rows held, so an item decided (or a batch
    /// sent) since the caller last looked is refused rather than written.
    ///
    /// `Err(DbError::AlreadySent)` for a sent batch; `Ok(Err(_))` for the first item refused
    /// (nothing is written then).
    pub async fn set_batch_items(
        &self,
        id: i32,
        asset_ids: &[String],
    ) -> DbResult<Result<BatchRecord, ItemRefusal>> {
        let txn = self.begin().await?;
        let desk = batch::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| DbError::NotFound(format!("batch {id}")))?
            .desk;
        hold_draft(&txn, id).await?;
        // Before this batch's old items go: an item's deletion takes the item's row, then (ON
        // DELETE CASCADE) its batch items; taking the items' rows first keeps the same order,
        // so the two cannot deadlock. They are taken in the order of their ids, as a send takes
        // its items, so a save and a send sharing items cannot wait on each other in a circle.
        items_in_id_order(asset_ids).lock_shared().all(&txn).await?;
        if let Some(refusal) = refusal_in(&txn, &desk, asset_ids).await? {
            txn.rollback().await?;
            return Ok(Err(refusal));
        }
        batch_item::Entity::delete_many()
            .filter(batch_item::Column::BatchId.eq(id))
            .exec(&txn)
            .await?;
        for (position, asset_id) in asset_ids.iter().enumerate() {
            batch_item::ActiveModel {
                batch_id: Set(id),
                asset_id: Set(asset_id.clone()),
                position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            }
            .insert(&txn)
            .await?;
        }
        txn.commit().await?;
        self.batch(id)
            .await?
            .ok_or_else(|| DbError::NotFound(format!("batch {id}")))
            .map(Ok)
    }

    /// Marks a batch sent, with an audit event on each of its items. In the same transaction,
    /// with the batch and its items held, reads which of the items another batch already sent
    /// and asks `resend` whether they go again: `Ok(Err(_))` is `resend`'s refusal, and nothing
    /// is written then. (What is refused is the caller's rule; what was sent is read here, so
    /// two batches holding the same item cannot both pass the check as they are sent.)
    pub async fn send_batch<E>(
        &self,
        id: i32,
        actor: Actor,
        resend: impl FnOnce(&[EarlierSending]) -> Result<(), E>,
    ) -> DbResult<Result<BatchRecord, E>> {
        let current = self
            .batch(id)
            .await?
            .ok_or_else(|| DbError::NotFound(format!("batch {id}")))?;
        if current.batch.state != DRAFT {
            return Err(DbError::AlreadySent(format!("batch {id}")));
        }
        if current.items.is_empty() {
            return Err(DbError::Invalid("an empty batch cannot be sent".to_owned()));
        }
        let txn = self.begin().await?;
        hold_draft(&txn, id).await?;
        // The items as they are now that the batch is held, not as read before.
        let items = batch_item::Entity::find()
            .filter(batch_item::Column::BatchId.eq(id))
            .order_by_asc(batch_item::Column::Position)
            .all(&txn)
            .await?;
        if items.is_empty() {
            return Err(DbError::Invalid("an empty batch cannot be sent".to_owned()));
        }
        let asset_ids: Vec<String> = items.iter().map(|item| item.asset_id.clone()).collect();
        // The items' rows, for update and in the order of their ids (PostgreSQL; SQLite's
        // IMMEDIATE transaction holds every row): a second batch holding one of them waits
        // here until this send ends, then reads this batch as sent.
        items_in_id_order(&asset_ids)
            .lock_exclusive()
            .all(&txn)
            .await?;
        let earlier = earlier::sent_in_other_batches(&txn, id, &asset_ids).await?;
        if let Err(refusal) = resend(&earlier) {
            txn.rollback().await?;
            return Ok(Err(refusal));
        }
        batch::Entity::update_many()
            .col_expr(batch::Column::State, Expr::value(SENT))
            .col_expr(batch::Column::SentAt, Expr::value(Some(Utc::now())))
            .filter(batch::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        for item in &items {
            // The batches that had sent this item before, so its history says it went again.
            let sent_before: Vec<i32> = earlier
                .iter()
                .filter(|sending| sending.asset_id == item.asset_id)
                .map(|sending| sending.batch_id)
                .collect();
            record(
                &txn,
                AuditEntry {
                    asset_id: Some(&item.asset_id),
                    actor: actor.clone(),
                    action: "sent_to_ministry",
                    from: None,
                    to: None,
                    details: json!({
                        "batch_id": id,
                        "batch_title": current.batch.title,
                        "sent_before": sent_before,
                    }),
                },
            )
            .await?;
        }
        txn.commit().await?;
        self.batch(id)
            .await?
            .ok_or_else(|| DbError::NotFound(format!("batch {id}")))
            .map(Ok)
    }
}

/// The first of `asset_ids` that may not join a draft of `desk`, each item read in `txn` and
/// held for share (PostgreSQL: a decision on it waits for the commit; SQLite's IMMEDIATE
/// transaction holds every row), so what is checked is what is written.
async fn refusal_in(
    txn: &DatabaseTransaction,
    desk: &str,
    asset_ids: &[String],
) -> DbResult<Option<ItemRefusal>> {
    let mut seen = HashSet::new();
    for asset_id in asset_ids {
        if !seen.insert(asset_id.as_str()) {
            return Ok(Some(ItemRefusal::Twice(asset_id.clone())));
        }
        let Some(item) = asset::Entity::find_by_id(asset_id.clone())
            .lock_shared()
            .one(txn)
            .await?
            .filter(|item| item.desk == desk)
        else {
            return Ok(Some(ItemRefusal::NotFound(asset_id.clone())));
        };
        if item.state != AssetState::Recommended.as_str() {
            return Ok(Some(ItemRefusal::NotRecommended {
                id: asset_id.clone(),
                state: item.state,
            }));
        }
    }
    Ok(None)
}

/// The rows of `asset_ids` in the order of their ids: the one order in which every
/// transaction that holds several items takes them.
fn items_in_id_order(asset_ids: &[String]) -> Select<asset::Entity> {
    asset::Entity::find()
        .filter(asset::Column::Id.is_in(asset_ids.iter().cloned()))
        .order_by_asc(asset::Column::Id)
}

/// Takes the batch's row for this transaction if it is still a draft (a no-op update: the row
/// stays locked until the end on PostgreSQL; SQLite's IMMEDIATE transaction holds every row), so
/// a save and a send racing each other cannot both see a draft and both write.
async fn hold_draft(txn: &DatabaseTransaction, id: i32) -> DbResult<()> {
    let held = batch::Entity::update_many()
        .col_expr(batch::Column::State, Expr::value(DRAFT))
        .filter(batch::Column::Id.eq(id))
        .filter(batch::Column::State.eq(DRAFT))
        .exec(txn)
        .await?;
    if held.rows_affected != 1 {
        return Err(DbError::AlreadySent(format!("batch {id}")));
    }
    Ok(())
}
