//! Recommendation batches: a desk's ordered selection of recommended items for the Ministry.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use vocweek_domain::{AssetState, Desk};

use crate::assets::AssetRecord;
use crate::audit::{Actor, AuditEntry, record};
use crate::entities::{batch, batch_item};
use crate::{Db, DbError, DbResult};

pub const DRAFT: &str = "draft";
pub const SENT: &str = "sent";

/// A batch with its items in order.
#[derive(Debug, Clone)]
pub struct BatchRecord {
    pub batch: batch::Model,
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
    ) -> DbResult<batch::Model> {
        Ok(batch::ActiveModel {
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
        .await?)
    }

    /// Batches of one desk (or all, for admins), newest first.
    pub async fn batches(&self, desk: Option<Desk>) -> DbResult<Vec<batch::Model>> {
        let mut query = batch::Entity::find().order_by_desc(batch::Column::Id);
        if let Some(desk) = desk {
            query = query.filter(batch::Column::Desk.eq(desk.as_str()));
        }
        Ok(query.all(self.conn()).await?)
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
        Ok(Some(BatchRecord { batch, items }))
    }

    /// Replaces a draft batch's items with `asset_ids`, in that order. Each must be a
    /// recommended item of the batch's desk.
    pub async fn set_batch_items(&self, id: i32, asset_ids: &[String]) -> DbResult<BatchRecord> {
        let current = self
            .batch(id)
            .await?
            .ok_or_else(|| DbError::NotFound(format!("batch {id}")))?;
        if current.batch.state != DRAFT {
            return Err(DbError::AlreadySent(format!("batch {id}")));
        }
        let mut seen = std::collections::HashSet::new();
        for asset_id in asset_ids {
            if !seen.insert(asset_id) {
                return Err(DbError::Invalid(format!(
                    "asset {asset_id} is listed twice"
                )));
            }
            let asset = self
                .asset(asset_id)
                .await?
                .filter(|a| a.asset.desk == current.batch.desk)
                .ok_or_else(|| DbError::NotFound(format!("asset {asset_id}")))?;
            if asset.asset.state != AssetState::Recommended.as_str() {
                return Err(DbError::Invalid(format!(
                    "asset {asset_id} is {}, not recommended",
                    asset.asset.state
                )));
            }
        }
        let txn = self.begin().await?;
        hold_draft(&txn, id).await?;
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
    }

    /// Marks a batch sent, with an audit event on each of its items.
    pub async fn send_batch(&self, id: i32, actor: Actor) -> DbResult<BatchRecord> {
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
        let mut sent: batch::ActiveModel = current.batch.clone().into();
        sent.state = Set(SENT.to_owned());
        sent.sent_at = Set(Some(Utc::now()));
        sent.update(&txn).await?;
        for item in &items {
            record(
                &txn,
                AuditEntry {
                    asset_id: Some(&item.asset_id),
                    actor: actor.clone(),
                    action: "sent_to_ministry",
                    from: None,
                    to: None,
                    details: json!({ "batch_id": id, "batch_title": current.batch.title }),
                },
            )
            .await?;
        }
        txn.commit().await?;
        self.batch(id)
            .await?
            .ok_or_else(|| DbError::NotFound(format!("batch {id}")))
    }
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
