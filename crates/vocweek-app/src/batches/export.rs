//! Exporting a batch for the Ministry: one zip, streamed while it is written
//! (`vocweek_pipeline::export_batch`): `清单.xlsx`, `manifest.json`, `originals/`, `previews/`.
//! Any batch the actor reaches, draft or sent.

use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use vocweek_pipeline::export_batch;

use super::{BatchError, Batches};
use crate::Actor;

/// The zip's bytes as they are written; an error cuts the download short rather than end a zip
/// that looks whole.
pub type ZipStream = BoxStream<'static, Result<Bytes, std::io::Error>>;

/// A started export.
pub struct BatchExport {
    /// The batch exported (it names the download).
    pub batch_id: i32,
    pub zip: ZipStream,
}

impl std::fmt::Debug for BatchExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchExport")
            .field("batch_id", &self.batch_id)
            .finish_non_exhaustive()
    }
}

impl Batches {
    /// Starts the export of batch `id`, its cities, categories and themes named in the active
    /// campaign's vocabulary.
    pub async fn export(&self, actor: &Actor, id: i32) -> Result<BatchExport, BatchError> {
        let record = self.batch(actor, id).await?;
        let campaign = self.ingestor.campaign();
        let zip = export_batch(&self.db, &self.store, &campaign.vocabulary, &record).await?;
        Ok(BatchExport {
            batch_id: record.batch.id,
            zip: zip.boxed(),
        })
    }
}
