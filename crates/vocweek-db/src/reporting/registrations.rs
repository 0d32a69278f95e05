//! Before the week each unit registers its special website and a liaison (seed 四(二)). A
//! registration is one row per campaign and unit; the first time each part was given is kept,
//! since that is what a deadline is checked against.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use vocweek_domain::reporting::Liaison;

use crate::entities::unit_registration;
use crate::records::unit_registration::UnitRegistration;
use crate::{Db, DbError, DbResult};

impl Db {
    pub async fn registration(
        &self,
        campaign_id: i32,
        unit_id: i32,
    ) -> DbResult<Option<UnitRegistration>> {
        Ok(
            unit_registration::Entity::find_by_id((campaign_id, unit_id))
                .one(self.conn())
                .await?
                .map(UnitRegistration::from),
        )
    }

    pub async fn registrations(&self, campaign_id: i32) -> DbResult<Vec<UnitRegistration>> {
        use sea_orm::{ColumnTrait, QueryFilter};
        Ok(unit_registration::Entity::find()
            .filter(unit_registration::Column::CampaignId.eq(campaign_id))
            .all(self.conn())
            .await?
            .into_iter()
            .map(UnitRegistration::from)
            .collect())
    }

    /// Saves whichever of `website` and `liaison` is given (already checked and normalised).
    pub async fn save_registration(
        &self,
        campaign_id: i32,
        unit_id: i32,
        website: Option<&str>,
        liaison: Option<&Liaison>,
    ) -> DbResult<UnitRegistration> {
        let now = self.clock().now();
        let txn = self.begin().await?;
        // The row exists from the first statement on (a write, so SQLite takes its write lock
        // before the read below, and two first saves of one unit cannot both insert).
        let empty = unit_registration::ActiveModel {
            campaign_id: Set(campaign_id),
            unit_id: Set(unit_id),
            website_url: Set(None),
            website_first_at: Set(None),
            liaison_name: Set(None),
            liaison_mobile: Set(None),
            liaison_email: Set(None),
            liaison_first_at: Set(None),
            updated_at: Set(now),
        };
        unit_registration::Entity::insert(empty)
            .on_conflict(
                OnConflict::columns([
                    unit_registration::Column::CampaignId,
                    unit_registration::Column::UnitId,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        let existing = unit_registration::Entity::find_by_id((campaign_id, unit_id))
            .one(&txn)
            .await?
            .ok_or_else(|| DbError::NotFound("registration".to_owned()))?;
        let mut row: unit_registration::ActiveModel = existing.into();
        if let Some(url) = website {
            if row.website_first_at.as_ref().is_none() {
                row.website_first_at = Set(Some(now));
            }
            row.website_url = Set(Some(url.to_owned()));
        }
        if let Some(liaison) = liaison {
            if row.liaison_first_at.as_ref().is_none() {
                row.liaison_first_at = Set(Some(now));
            }
            row.liaison_name = Set(Some(liaison.name.clone()));
            row.liaison_mobile = Set(Some(liaison.mobile.clone()));
            row.liaison_email = Set(Some(liaison.email.clone()));
        }
        row.updated_at = Set(now);
        let saved = row.update(&txn).await?;
        txn.commit().await?;
        Ok(UnitRegistration::from(saved))
    }
}
