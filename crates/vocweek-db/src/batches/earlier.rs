//! Which items another batch already took to the Ministry: the read behind the 已报送过 mark
//! and behind the refusal to send an item twice unless the sender confirms (that rule is the
//! use case's; this only reads).

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::SENT;
use crate::entities::{batch, batch_item};
use crate::{Db, DbError, DbResult};

/// An item of a batch that was sent to the Ministry: the item, and that batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierSending {
    pub asset_id: String,
    pub batch_id: i32,
    pub batch_title: String,
    pub sent_at: DateTime<Utc>,
}

impl Db {
    /// Each of `asset_ids` that is an item of a sent batch other than `batch_id`, once per such
    /// batch, the oldest sending first.
    pub async fn sent_in_other_batches(
        &self,
        batch_id: i32,
        asset_ids: &[String],
    ) -> DbResult<Vec<EarlierSending>> {
        sent_in_other_batches(self.conn(), batch_id, asset_ids).await
    }
}

/// [`Db::sent_in_other_batches`] on `conn`: the send reads it inside its own transaction.
pub(super) async fn sent_in_other_batches<C: ConnectionTrait>(
    conn: &C,
    batch_id: i32,
    asset_ids: &[String],
) -> DbResult<Vec<EarlierSending>> {
    if asset_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = batch_item::Entity::find()
        .filter(batch_item::Column::AssetId.is_in(asset_ids.iter().cloned()))
        .filter(batch_item::Column::BatchId.ne(batch_id))
        .filter(
            batch_item::Column::BatchId.in_subquery(
                Query::select()
                    .column(batch::Column::Id)
                    .from(batch::Entity)
                    .and_where(batch::Column::State.eq(SENT))
                    .to_owned(),
            ),
        )
        .all(conn)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let batch_ids: BTreeSet<i32> = rows.iter().map(|row| row.batch_id).collect();
    let batches: HashMap<i32, batch::Model> = batch::Entity::find()
        .filter(batch::Column::Id.is_in(batch_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|row| (row.id, row))
        .collect();
    let mut earlier = Vec::with_capacity(rows.len());
    for row in rows {
        // A batch gone between the two reads (nothing deletes one today) took nothing.
        let Some(sent) = batches.get(&row.batch_id) else {
            continue;
        };
        let sent_at = sent
            .sent_at
            .ok_or_else(|| DbError::Corrupt(format!("batch {} is sent without a time", sent.id)))?;
        earlier.push(EarlierSending {
            asset_id: row.asset_id,
            batch_id: sent.id,
            batch_title: sent.title.clone(),
            sent_at,
        });
    }
    earlier.sort_by(|a, b| {
        (a.sent_at, a.batch_id, &a.asset_id).cmp(&(b.sent_at, b.batch_id, &b.asset_id))
    });
    Ok(earlier)
}
