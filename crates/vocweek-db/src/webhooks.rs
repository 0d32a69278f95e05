//! Partners' webhook subscriptions and the log of every delivery (what was sent, how each
//! attempt ended). The messages themselves are written by `feed.rs` with the state change.

use base64::Engine;
use chrono::Utc;
use rand::RngCore;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::entities::{webhook, webhook_delivery};
use crate::jobs::{JobId, complete};
use crate::{Db, DbError, DbResult};

pub use crate::records::webhook::Webhook;
pub use crate::records::webhook_delivery::WebhookDelivery;

pub const PENDING: &str = "pending";
pub const DELIVERED: &str = "delivered";
pub const FAILED: &str = "failed";

/// How an attempt ended, for the log.
#[derive(Debug, Clone)]
pub struct AttemptOutcome {
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    pub error: Option<String>,
    /// Delivered (2xx), or given up (the last attempt, or a receiver that may never be called).
    pub state: &'static str,
}

impl Db {
    /// Registers a partner's URL; the signing secret (`whsec_…`, as the Standard Webhooks
    /// libraries expect it) is returned once with the new row.
    pub async fn create_webhook(&self, partner_id: i32, url: &str) -> DbResult<Webhook> {
        let mut key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        let secret = format!(
            "whsec_{}",
            base64::engine::general_purpose::STANDARD.encode(key)
        );
        let created = webhook::ActiveModel {
            partner_id: Set(partner_id),
            url: Set(url.to_owned()),
            secret: Set(secret),
            created_at: Set(Utc::now()),
            disabled_at: Set(None),
            ..Default::default()
        }
        .insert(self.conn())
        .await?;
        Ok(Webhook::from(created))
    }

    /// Active webhooks; of one partner, or all (`None`, admins).
    pub async fn webhooks(&self, partner_id: Option<i32>) -> DbResult<Vec<Webhook>> {
        let mut query = webhook::Entity::find().filter(webhook::Column::DisabledAt.is_null());
        if let Some(partner) = partner_id {
            query = query.filter(webhook::Column::PartnerId.eq(partner));
        }
        Ok(query
            .order_by_asc(webhook::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(Webhook::from)
            .collect())
    }

    pub async fn webhook(&self, id: i32) -> DbResult<Option<Webhook>> {
        Ok(webhook::Entity::find_by_id(id)
            .one(self.conn())
            .await?
            .map(Webhook::from))
    }

    /// Stops deliveries to a webhook (its log stays).
    pub async fn disable_webhook(&self, id: i32) -> DbResult<()> {
        webhook::Entity::update_many()
            .col_expr(webhook::Column::DisabledAt, Expr::value(Some(Utc::now())))
            .filter(webhook::Column::Id.eq(id))
            .exec(self.conn())
            .await?;
        Ok(())
    }

    /// A webhook's deliveries, newest first.
    pub async fn deliveries(&self, webhook_id: i32, limit: u64) -> DbResult<Vec<WebhookDelivery>> {
        Ok(webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::WebhookId.eq(webhook_id))
            .order_by_desc(webhook_delivery::Column::Id)
            .limit(limit)
            .all(self.conn())
            .await?
            .into_iter()
            .map(WebhookDelivery::from)
            .collect())
    }

    pub async fn delivery(&self, id: i32) -> DbResult<Option<(WebhookDelivery, Webhook)>> {
        let Some(delivery) = webhook_delivery::Entity::find_by_id(id)
            .one(self.conn())
            .await?
        else {
            return Ok(None);
        };
        let hook = webhook::Entity::find_by_id(delivery.webhook_id)
            .one(self.conn())
            .await?
            .ok_or_else(|| DbError::NotFound(format!("webhook {}", delivery.webhook_id)))?;
        Ok(Some((WebhookDelivery::from(delivery), Webhook::from(hook))))
    }
}

// How a delivery job records its attempts: the last one with the job's completion.
impl Db {
    /// Records an attempt that will be retried (the job itself is put back by the worker).
    pub async fn record_delivery_attempt(
        &self,
        delivery_id: i32,
        outcome: &AttemptOutcome,
    ) -> DbResult<()> {
        record_attempt(self.conn(), delivery_id, outcome).await
    }

    /// Completes a delivery job and records its final attempt (`None`: nothing to record — the
    /// delivery is gone or already settled) in one transaction, so the log never says delivered
    /// while the job runs again, nor the reverse. `false`: the lease was lost and nothing was
    /// recorded (another worker owns the job now).
    pub async fn finish_delivery(
        &self,
        job_id: JobId,
        worker: &str,
        outcome: Option<(i32, AttemptOutcome)>,
    ) -> DbResult<bool> {
        // `begin`: IMMEDIATE on SQLite, so this read-then-write waits for a worker's commit
        // instead of failing with BUSY_SNAPSHOT.
        let txn = self.begin().await?;
        if let Some((delivery_id, outcome)) = outcome {
            record_attempt(&txn, delivery_id, &outcome).await?;
        }
        if !complete(&txn, job_id, worker).await? {
            txn.rollback().await?;
            return Ok(false);
        }
        txn.commit().await?;
        Ok(true)
    }
}

/// Records one attempt (in the caller's transaction when it also completes the job).
async fn record_attempt<C: ConnectionTrait>(
    conn: &C,
    delivery_id: i32,
    outcome: &AttemptOutcome,
) -> DbResult<()> {
    let now = Utc::now();
    let mut update = webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::Attempts,
            Expr::col(webhook_delivery::Column::Attempts).add(1),
        )
        .col_expr(
            webhook_delivery::Column::LastStatus,
            Expr::value(outcome.status.map(i32::from)),
        )
        .col_expr(
            webhook_delivery::Column::LastError,
            Expr::value(outcome.error.clone()),
        )
        .col_expr(webhook_delivery::Column::State, Expr::value(outcome.state))
        .col_expr(webhook_delivery::Column::UpdatedAt, Expr::value(now));
    if outcome.state == DELIVERED {
        update = update.col_expr(
            webhook_delivery::Column::DeliveredAt,
            Expr::value(Some(now)),
        );
    }
    update
        .filter(webhook_delivery::Column::Id.eq(delivery_id))
        .exec(conn)
        .await?;
    Ok(())
}
