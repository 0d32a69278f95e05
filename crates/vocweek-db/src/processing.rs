//! The end of an asset's processing job as one unit of work: the job's completion, what
//! processing found (renditions, the photo hash, the capture time, a title) and the asset's
//! state change commit together or not at all, so a rerun (at-least-once delivery) never finds
//! half a result.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};

use crate::assets::{StateChange, change_state_in};
use crate::entities::asset;
use crate::jobs::{JobId, complete};
use crate::renditions::{NewRendition, record_rendition};
use crate::similar::store_photo_hash;
use crate::{Db, DbResult};

/// What processing found for an asset, recorded with its state change.
pub struct Processed<'a> {
    /// The asset's move out of `processing`, with the metadata processing learnt.
    pub change: StateChange<'a>,
    /// Renditions already written to the store (recorded, replacing earlier ones of a rerun).
    pub renditions: Vec<NewRendition<'a>>,
    /// A photo's perceptual hash, for near-duplicate search.
    pub perceptual_hash: Option<u64>,
    /// The camera's capture time, kept only when the uploader gave none.
    pub captured_at: Option<DateTime<Utc>>,
    /// A title found in the content (an article uploaded without one), already trimmed.
    pub title: Option<&'a str>,
}

impl Db {
    /// Completes a processing job with its result in one transaction. `None`: the job leaves
    /// nothing to record (the asset is gone, or a rerun finds the work already committed).
    /// `false`: the lease was lost and nothing was recorded, since another worker owns the
    /// job now. A state change that finds the asset moved on is a `Conflict`.
    pub async fn finish_processing(
        &self,
        job_id: JobId,
        worker: &str,
        processed: Option<Processed<'_>>,
    ) -> DbResult<bool> {
        let txn = self.begin().await?;
        if !complete(&txn, job_id, worker).await? {
            txn.rollback().await?;
            return Ok(false);
        }
        if let Some(processed) = processed {
            let id = processed.change.asset_id;
            for rendition in processed.renditions {
                record_rendition(&txn, rendition).await?;
            }
            if let Some(hash) = processed.perceptual_hash {
                store_photo_hash(&txn, id, hash).await?;
            }
            if let Some(at) = processed.captured_at {
                set_captured_at_if_missing(&txn, id, at).await?;
            }
            if let Some(title) = processed.title {
                set_title(&txn, id, title).await?;
            }
            change_state_in(&txn, processed.change).await?;
        }
        txn.commit().await?;
        Ok(true)
    }
}

/// Replaces an asset's title (an article titled by its first heading).
async fn set_title<C: ConnectionTrait>(conn: &C, asset_id: &str, title: &str) -> DbResult<()> {
    asset::Entity::update_many()
        .col_expr(asset::Column::Title, Expr::value(title))
        .filter(asset::Column::Id.eq(asset_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Records the camera's capture time unless the uploader gave one.
async fn set_captured_at_if_missing<C: ConnectionTrait>(
    conn: &C,
    asset_id: &str,
    at: DateTime<Utc>,
) -> DbResult<()> {
    asset::Entity::update_many()
        .col_expr(asset::Column::CapturedAt, Expr::value(Some(at)))
        .filter(asset::Column::Id.eq(asset_id))
        .filter(asset::Column::CapturedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}
