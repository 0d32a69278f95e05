//! What happened to a sent batch's items after it was sent, read from their audit trail: the
//! batch keeps no copy of its items, so an edit or a decision after the send is found there
//! (which actions count is the use case's rule; this only reads).

use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::audit::AuditEvent;
use crate::entities::{audit_event, batch, batch_item};
use crate::{Db, DbError, DbResult};

impl Db {
    /// The audit events of batch `id`'s items whose action is one of `actions`, written after
    /// the batch was sent, oldest first; none for a draft.
    pub async fn item_events_after_send(
        &self,
        id: i32,
        actions: &[&str],
    ) -> DbResult<Vec<AuditEvent>> {
        let batch = batch::Entity::find_by_id(id)
            .one(self.conn())
            .await?
            .ok_or_else(|| DbError::NotFound(format!("batch {id}")))?;
        let Some(sent_at) = batch.sent_at else {
            return Ok(Vec::new());
        };
        if actions.is_empty() {
            return Ok(Vec::new());
        }
        audit_event::Entity::find()
            .filter(
                audit_event::Column::AssetId.in_subquery(
                    Query::select()
                        .column(batch_item::Column::AssetId)
                        .from(batch_item::Entity)
                        .and_where(batch_item::Column::BatchId.eq(id))
                        .to_owned(),
                ),
            )
            .filter(audit_event::Column::Action.is_in(actions.iter().copied()))
            .filter(audit_event::Column::CreatedAt.gt(sent_at))
            .order_by_asc(audit_event::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(AuditEvent::try_from)
            .collect()
    }
}
