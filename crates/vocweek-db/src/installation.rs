//! Secrets of the installation that every node must share (the key that signs media URLs):
//! made by whichever node needs one first, read by all.

use chrono::Utc;
use rand::RngCore;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

use crate::entities::installation_secret;
use crate::{Db, DbResult};

impl Db {
    /// The secret called `name`, 32 random bytes as hex, created on first use. Two nodes
    /// creating it at once: one insert wins and both read the winner.
    pub async fn installation_secret(&self, name: &str) -> DbResult<String> {
        if let Some(found) = installation_secret::Entity::find_by_id(name.to_owned())
            .one(self.conn())
            .await?
        {
            return Ok(found.value);
        }
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut bytes);
        let inserted = installation_secret::ActiveModel {
            name: Set(name.to_owned()),
            value: Set(hex::encode(bytes)),
            created_at: Set(Utc::now()),
        }
        .insert(self.conn())
        .await;
        if let Err(e) = inserted {
            tracing::debug!(error = %e, name, "another node created the secret first");
        }
        installation_secret::Entity::find_by_id(name.to_owned())
            .one(self.conn())
            .await?
            .map(|row| row.value)
            .ok_or_else(|| crate::DbError::NotFound(format!("installation secret {name}")))
    }
}
