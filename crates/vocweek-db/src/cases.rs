//! 典型案例 (cases): an asset of kind `case` whose original is the Word document written from
//! its unit's form, and its links to the unit's photos and videos it attaches
//! (`case_attachments`), written with the case in its ingest transaction and read both ways for
//! the editors' pages. Deleting either end deletes the link (`ON DELETE CASCADE`).

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde_json::json;
use vocweek_domain::AssetState;

use crate::assets::{NewAsset, Recorded, insert_asset, insert_submission};
use crate::audit::{Actor, AuditEntry, record};
use crate::entities::case_attachment;
use crate::error::is_unique_violation;
use crate::jobs::{NewJob, enqueue};
use crate::{Db, DbError, DbResult};

impl Db {
    /// Records a case as an upload is recorded (the asset, its themes, the submission, an
    /// audit event and its processing job) together with the items it attaches, in their
    /// order, in ONE transaction. Callers look the hash up first, as for an upload; the same
    /// document sent again (the same case twice) is a duplicate submission of the existing
    /// case, which keeps its own attachments.
    pub async fn record_case(
        &self,
        new: NewAsset,
        attachments: &[String],
        job: NewJob<'_>,
    ) -> DbResult<Recorded> {
        let txn = self.begin().await?;
        let now = self.clock().now();
        match insert_asset(&txn, &new, now).await {
            Ok(created) => {
                insert_submission(&txn, &new, now).await?;
                if !attachments.is_empty() {
                    let rows = attachments.iter().enumerate().map(|(position, asset_id)| {
                        case_attachment::ActiveModel {
                            case_id: Set(new.id.clone()),
                            asset_id: Set(asset_id.clone()),
                            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
                        }
                    });
                    case_attachment::Entity::insert_many(rows)
                        .exec(&txn)
                        .await?;
                }
                record(
                    &txn,
                    AuditEntry {
                        asset_id: Some(&new.id),
                        actor: Actor::Unit(new.unit_id),
                        action: "uploaded",
                        from: None,
                        to: Some(AssetState::Processing.as_str()),
                        details: json!({
                            "filename": new.original_filename,
                            "size": new.size,
                            "attachments": attachments,
                        }),
                    },
                )
                .await?;
                enqueue(&txn, job).await?;
                txn.commit().await?;
                Ok(Recorded::Created(created))
            }
            Err(DbError::Database(err)) if is_unique_violation(&err) => {
                txn.rollback().await?;
                let existing = self
                    .asset_by_blake3(&new.blake3)
                    .await?
                    .ok_or_else(|| DbError::NotFound(format!("asset {}", new.blake3)))?;
                self.record_duplicate(existing, &new).await
            }
            Err(other) => Err(other),
        }
    }

    /// The ids of the items `case_id` attaches, in the order its unit chose them.
    pub async fn case_attachments(&self, case_id: &str) -> DbResult<Vec<String>> {
        Ok(case_attachment::Entity::find()
            .select_only()
            .column(case_attachment::Column::AssetId)
            .filter(case_attachment::Column::CaseId.eq(case_id))
            .order_by_asc(case_attachment::Column::Position)
            .into_tuple()
            .all(self.conn())
            .await?)
    }

    /// The ids of the cases that attach `asset_id`, oldest first (case ids are UUIDv7).
    pub async fn cases_attaching(&self, asset_id: &str) -> DbResult<Vec<String>> {
        Ok(case_attachment::Entity::find()
            .select_only()
            .column(case_attachment::Column::CaseId)
            .filter(case_attachment::Column::AssetId.eq(asset_id))
            .order_by_asc(case_attachment::Column::CaseId)
            .into_tuple()
            .all(self.conn())
            .await?)
    }
}
