//! The audit trail: one row per thing that happened to an asset, written in the same
//! transaction as the change it records.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::Value;

use crate::entities::audit_event;
use crate::{Db, DbResult};

pub use crate::records::audit_event::AuditEvent;

/// Who did it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Unit(i32),
    User(i32),
    Partner(i32),
    /// A worker or the service itself.
    System,
}

impl Actor {
    fn parts(&self) -> (&'static str, Option<String>) {
        match self {
            Actor::Unit(id) => ("unit", Some(id.to_string())),
            Actor::User(id) => ("user", Some(id.to_string())),
            Actor::Partner(id) => ("partner", Some(id.to_string())),
            Actor::System => ("system", None),
        }
    }

    /// `unit:<id>`, `user:<id>`, `partner:<id>` or `system`: the actor in one text column.
    pub(crate) fn label(&self) -> String {
        match self.parts() {
            (kind, Some(id)) => format!("{kind}:{id}"),
            (kind, None) => kind.to_owned(),
        }
    }
}

/// One audit row; `from`/`to` are asset states when the event changed one.
pub struct AuditEntry<'a> {
    pub asset_id: Option<&'a str>,
    pub actor: Actor,
    pub action: &'a str,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub details: Value,
}

/// What a unit sent (an upload, the same bytes again, a replaced file) recorded with the unit's
/// person who sent it (`member_id`) when a person did: the history's 操作人 then says who.
pub(crate) fn with_member(mut details: Value, member_id: Option<i32>) -> Value {
    if let (Some(id), Some(map)) = (member_id, details.as_object_mut()) {
        map.insert("member_id".to_owned(), serde_json::json!(id));
    }
    details
}

pub(crate) async fn record<C: ConnectionTrait>(conn: &C, entry: AuditEntry<'_>) -> DbResult<()> {
    let (actor_kind, actor_id) = entry.actor.parts();
    audit_event::ActiveModel {
        asset_id: Set(entry.asset_id.map(str::to_owned)),
        actor_kind: Set(actor_kind.to_owned()),
        actor_id: Set(actor_id),
        action: Set(entry.action.to_owned()),
        from_state: Set(entry.from.map(str::to_owned)),
        to_state: Set(entry.to.map(str::to_owned)),
        details: Set(entry.details),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

impl Db {
    /// An asset's history, oldest first.
    pub async fn audit_trail(&self, asset_id: &str) -> DbResult<Vec<AuditEvent>> {
        audit_event::Entity::find()
            .filter(audit_event::Column::AssetId.eq(asset_id))
            .order_by_asc(audit_event::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(AuditEvent::try_from)
            .collect()
    }
}

impl Db {
    /// Audit events between `from` and `to` on the assets of `scope`, oldest first, with each
    /// asset's title (for the desk's CSV export).
    pub async fn audit_between(
        &self,
        scope: crate::assets::Scope,
        from: chrono::DateTime<Utc>,
        to: chrono::DateTime<Utc>,
    ) -> DbResult<Vec<(AuditEvent, String)>> {
        use sea_orm::sea_query::Query;

        use crate::entities::asset;
        let mut query = audit_event::Entity::find()
            .filter(audit_event::Column::CreatedAt.gte(from))
            .filter(audit_event::Column::CreatedAt.lt(to))
            .filter(audit_event::Column::AssetId.is_not_null())
            .order_by_asc(audit_event::Column::Id);
        if let crate::assets::Scope::Desk(desk) = scope {
            query = query.filter(
                audit_event::Column::AssetId.in_subquery(
                    Query::select()
                        .column(asset::Column::Id)
                        .from(asset::Entity)
                        .and_where(asset::Column::Desk.eq(desk.as_str()))
                        .to_owned(),
                ),
            );
        }
        let events = query.all(self.conn()).await?;
        let ids: Vec<String> = events.iter().filter_map(|e| e.asset_id.clone()).collect();
        let mut titles = std::collections::HashMap::new();
        for chunk in ids.chunks(500) {
            for row in asset::Entity::find()
                .filter(asset::Column::Id.is_in(chunk.iter().cloned()))
                .all(self.conn())
                .await?
            {
                titles.insert(row.id, row.title);
            }
        }
        events
            .into_iter()
            .map(|event| -> DbResult<(AuditEvent, String)> {
                let title = event
                    .asset_id
                    .as_ref()
                    .and_then(|id| titles.get(id).cloned())
                    .unwrap_or_default();
                Ok((AuditEvent::try_from(event)?, title))
            })
            .collect()
    }
}
