//! A unit's plan and summary report: the bytes went through the normal ingest (streamed,
//! sniffed, limited, stored at their BLAKE3 address); here is the record of who sent what when.
//! Every version is kept; the newest is the current one, the oldest dates the submission.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use vocweek_domain::reporting::DocumentPurpose;

use crate::entities::unit_document;
use crate::records::unit_document::UnitDocument;
use crate::{Db, DbResult};

#[derive(Debug, Clone)]
pub struct NewDocument {
    pub campaign_id: i32,
    pub unit_id: i32,
    pub purpose: DocumentPurpose,
    pub blake3: String,
    pub size: i64,
    pub mime: String,
    pub original_filename: String,
}

impl Db {
    pub async fn record_document(&self, new: NewDocument) -> DbResult<UnitDocument> {
        let submitted_at: DateTime<Utc> = self.clock().now();
        let recorded = unit_document::ActiveModel {
            campaign_id: Set(new.campaign_id),
            unit_id: Set(new.unit_id),
            purpose: Set(new.purpose.as_str().to_owned()),
            blake3: Set(new.blake3),
            size: Set(new.size),
            mime: Set(new.mime),
            original_filename: Set(new.original_filename),
            submitted_at: Set(submitted_at),
            ..Default::default()
        }
        .insert(self.conn())
        .await?;
        UnitDocument::try_from(recorded)
    }

    /// Every version a unit sent of one document, oldest first.
    pub async fn documents_of_unit(
        &self,
        campaign_id: i32,
        unit_id: i32,
        purpose: DocumentPurpose,
    ) -> DbResult<Vec<UnitDocument>> {
        let rows = unit_document::Entity::find()
            .filter(unit_document::Column::CampaignId.eq(campaign_id))
            .filter(unit_document::Column::UnitId.eq(unit_id))
            .filter(unit_document::Column::Purpose.eq(purpose.as_str()))
            .order_by_asc(unit_document::Column::Id)
            .all(self.conn())
            .await?;
        documents(rows)
    }

    /// Every version of every document a unit sent for a campaign, oldest first.
    pub async fn unit_documents(
        &self,
        campaign_id: i32,
        unit_id: i32,
    ) -> DbResult<Vec<UnitDocument>> {
        let rows = unit_document::Entity::find()
            .filter(unit_document::Column::CampaignId.eq(campaign_id))
            .filter(unit_document::Column::UnitId.eq(unit_id))
            .order_by_asc(unit_document::Column::Id)
            .all(self.conn())
            .await?;
        documents(rows)
    }

    /// Every document of a campaign, oldest first (for the desks' overview).
    pub async fn campaign_documents(&self, campaign_id: i32) -> DbResult<Vec<UnitDocument>> {
        let rows = unit_document::Entity::find()
            .filter(unit_document::Column::CampaignId.eq(campaign_id))
            .order_by_asc(unit_document::Column::Id)
            .all(self.conn())
            .await?;
        documents(rows)
    }

    /// Whether any unit's document is these bytes (so deleting an asset keeps the blob).
    pub async fn document_uses_blob(&self, blake3: &str) -> DbResult<bool> {
        Ok(unit_document::Entity::find()
            .filter(unit_document::Column::Blake3.eq(blake3))
            .one(self.conn())
            .await?
            .is_some())
    }

    /// Every stored document's BLAKE3 (for `vocweek fsck`: these originals are not orphans).
    pub async fn document_hashes(&self) -> DbResult<Vec<(i32, String, i64)>> {
        use sea_orm::QuerySelect;
        Ok(unit_document::Entity::find()
            .select_only()
            .column(unit_document::Column::Id)
            .column(unit_document::Column::Blake3)
            .column(unit_document::Column::Size)
            .into_tuple()
            .all(self.conn())
            .await?)
    }
}

/// Stored rows as records, in the same order.
fn documents(rows: Vec<unit_document::Model>) -> DbResult<Vec<UnitDocument>> {
    rows.into_iter().map(UnitDocument::try_from).collect()
}
