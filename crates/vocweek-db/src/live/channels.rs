//! The `live_channels` table: creating a channel, reading it back, its key made anew or
//! revoked, the last refusal its page shows.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::records::{LiveChannel, NewLiveChannel};
use crate::entities::live_channel;
use crate::error::is_unique_violation;
use crate::{Db, DbError, DbResult};

impl Db {
    /// Stores a new channel with the hash of its key. Answers it as read back.
    pub async fn create_live_channel(&self, new: NewLiveChannel) -> DbResult<LiveChannel> {
        let themes = serde_json::to_string(&new.themes)
            .map_err(|e| DbError::Invalid(format!("themes: {e}")))?;
        let row = live_channel::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            campaign_id: Set(new.campaign_id),
            unit_id: Set(new.unit_id),
            title: Set(new.title),
            city: Set(new.city),
            category: Set(new.category),
            subcategory: Set(new.subcategory),
            themes: Set(themes),
            scheduled_start: Set(new.scheduled_start),
            key_hash: Set(Some(new.key_hash)),
            key_hint: Set(new.key_hint),
            last_refusal: Set(None),
            last_refusal_at: Set(None),
            created_by: Set(new.created_by),
            created_at: Set(self.clock().now()),
        };
        match row.insert(self.conn()).await {
            Ok(row) => LiveChannel::try_from(row),
            // 256 random bits colliding is not a thing that happens; a retry would be wrong.
            Err(err) if is_unique_violation(&err) => {
                Err(DbError::AlreadyExists("stream key".to_owned()))
            }
            Err(err) => Err(err.into()),
        }
    }

    pub async fn live_channel(&self, id: &str) -> DbResult<Option<LiveChannel>> {
        live_channel::Entity::find_by_id(id)
            .one(self.conn())
            .await?
            .map(LiveChannel::try_from)
            .transpose()
    }

    /// Every channel of the campaign, or of one unit, soonest scheduled first.
    pub async fn live_channels(
        &self,
        campaign_id: i32,
        unit_id: Option<i32>,
    ) -> DbResult<Vec<LiveChannel>> {
        let mut query =
            live_channel::Entity::find().filter(live_channel::Column::CampaignId.eq(campaign_id));
        if let Some(unit_id) = unit_id {
            query = query.filter(live_channel::Column::UnitId.eq(unit_id));
        }
        query
            .order_by_asc(live_channel::Column::ScheduledStart)
            .order_by_asc(live_channel::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(LiveChannel::try_from)
            .collect()
    }

    /// The channel whose key hashes to `key_hash`: how a publisher is admitted.
    pub async fn live_channel_by_key_hash(&self, key_hash: &str) -> DbResult<Option<LiveChannel>> {
        live_channel::Entity::find()
            .filter(live_channel::Column::KeyHash.eq(key_hash))
            .one(self.conn())
            .await?
            .map(LiveChannel::try_from)
            .transpose()
    }

    /// Replaces the channel's key (`Some`: a new key's hash and hint) or revokes it (`None`).
    /// A publisher already live keeps its publish; the next one needs the new key.
    pub async fn set_live_channel_key(
        &self,
        id: &str,
        key: Option<(&str, &str)>,
    ) -> DbResult<LiveChannel> {
        let (hash, hint) = match key {
            Some((hash, hint)) => (Some(hash.to_owned()), hint.to_owned()),
            None => (None, String::new()),
        };
        let changed = live_channel::Entity::update_many()
            .col_expr(live_channel::Column::KeyHash, Expr::value(hash))
            .col_expr(live_channel::Column::KeyHint, Expr::value(hint))
            .filter(live_channel::Column::Id.eq(id))
            .exec(self.conn())
            .await;
        match changed {
            Ok(result) if result.rows_affected == 0 => {
                Err(DbError::NotFound(format!("live channel {id}")))
            }
            Ok(_) => self
                .live_channel(id)
                .await?
                .ok_or_else(|| DbError::NotFound(format!("live channel {id}"))),
            Err(err) if is_unique_violation(&err) => {
                Err(DbError::AlreadyExists("stream key".to_owned()))
            }
            Err(err) => Err(err.into()),
        }
    }

    /// Remembers why a publisher was refused (a stable code), for the channel's page.
    pub async fn record_live_refusal(&self, id: &str, code: &str) -> DbResult<()> {
        live_channel::Entity::update_many()
            .col_expr(live_channel::Column::LastRefusal, Expr::value(code))
            .col_expr(
                live_channel::Column::LastRefusalAt,
                Expr::value(Some(Utc::now())),
            )
            .filter(live_channel::Column::Id.eq(id))
            .exec(self.conn())
            .await?;
        Ok(())
    }
}
