//! The pictures kept with an article: an editor's choice of one into the queue is written
//! on the article (its metadata names the photo item) with an entry in its history.

use chrono::Utc;
use sea_orm::{EntityTrait, Set};
use serde_json::{Value, json};

use crate::audit::{Actor, AuditEntry, record};
use crate::entities::asset;
use crate::{Db, DbError, DbResult};

impl Db {
    /// Marks picture `index` (0-based) of article `article_id` as chosen into the queue as
    /// photo item `photo_id`, in one transaction with its history entry.
    pub async fn record_picture_chosen(
        &self,
        article_id: &str,
        index: usize,
        photo_id: &str,
        actor: Actor,
    ) -> DbResult<()> {
        let txn = self.begin().await?;
        let article = asset::Entity::find_by_id(article_id.to_owned())
            .one(&txn)
            .await?
            .ok_or_else(|| DbError::NotFound(format!("asset {article_id}")))?;
        let mut metadata = article.metadata.clone();
        let Some(entry) = metadata.pointer_mut(&format!("/article/pictures/{index}")) else {
            return Err(DbError::NotFound(format!(
                "picture {} of asset {article_id}",
                index + 1
            )));
        };
        entry["asset_id"] = Value::String(photo_id.to_owned());
        let mut update: asset::ActiveModel = article.into();
        update.metadata = Set(metadata);
        update.updated_at = Set(Utc::now());
        asset::Entity::update(update).exec(&txn).await?;
        record(
            &txn,
            AuditEntry {
                asset_id: Some(article_id),
                actor,
                action: "picture_chosen",
                from: None,
                to: None,
                details: json!({ "picture": index + 1, "asset_id": photo_id }),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
