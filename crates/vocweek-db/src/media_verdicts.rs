//! Verdicts on bytes that killed a media child, by BLAKE3: the first verdict stands.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

use crate::entities::media_verdict;
use crate::{Db, DbResult};

/// A recorded verdict: the stable code and the reason given the first time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaVerdict {
    pub code: String,
    pub reason: String,
}

impl Db {
    pub async fn media_verdict(&self, blake3: &str) -> DbResult<Option<MediaVerdict>> {
        Ok(media_verdict::Entity::find_by_id(blake3.to_owned())
            .one(self.conn())
            .await?
            .map(|row| MediaVerdict {
                code: row.code,
                reason: row.reason,
            }))
    }

    /// Records a verdict unless one is there (two workers may reach one for the same bytes).
    pub async fn record_media_verdict(&self, blake3: &str, verdict: &MediaVerdict) -> DbResult<()> {
        if self.media_verdict(blake3).await?.is_some() {
            return Ok(());
        }
        let inserted = media_verdict::ActiveModel {
            blake3: Set(blake3.to_owned()),
            code: Set(verdict.code.clone()),
            reason: Set(verdict.reason.clone()),
            created_at: Set(Utc::now()),
        }
        .insert(self.conn())
        .await;
        if let Err(e) = inserted {
            tracing::debug!(error = %e, blake3, "another worker recorded the verdict first");
        }
        Ok(())
    }
}
