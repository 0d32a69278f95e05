//! A chunk's record: what its transcode learnt (`ChunkFacts`) and the named renditions it
//! stored (chunk 0's poster and thumbnail, recorded by the stitch's commit), kept in the store
//! at `renditions/<asset>/chunks/<index>.json` from the chunk's end until the stitch has
//! committed. The store, not the database: a record is as large as its segment list, and only
//! the stitch ever reads it.

use serde::{Deserialize, Serialize};
use tokio::io::AsyncReadExt;
use vocweek_media::video::ChunkFacts;
use vocweek_sandbox::OutputFile;
use vocweek_storage::{StagingFile, asset_prefix, rendition_key};

use super::rendition_store::StoredRendition;
use super::{JobContext, JobError};

/// The most chunks one video is split into: a plan beyond it (days of video in short chunks,
/// or a child's nonsense) is refused, and no stitch reads more records.
pub const MAX_CHUNKS: u32 = 10_000;
/// Where an asset's chunk records are, under its renditions.
const CHUNKS_DIR: &str = "chunks";
/// The largest record read back: a chunk's facts list a few hundred segments at most, a few
/// tens of KiB; anything near this is not a record this code wrote.
const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;
/// The most bytes of records one stitch holds, whatever the number of chunks.
const MAX_RECORDS_BYTES: u64 = 256 * 1024 * 1024;

/// What a chunk leaves for the stitch.
#[derive(Debug, Serialize, Deserialize)]
pub struct ChunkRecord {
    pub facts: ChunkFacts,
    pub renditions: Vec<RecordedRendition>,
}

/// A named rendition a chunk stored, to be recorded by the stitch's commit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordedRendition {
    pub name: String,
    pub key: String,
    pub mime: String,
    pub size: i64,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

impl From<&StoredRendition> for RecordedRendition {
    fn from(stored: &StoredRendition) -> Self {
        RecordedRendition {
            name: stored.name.clone(),
            key: stored.key.clone(),
            mime: stored.mime.clone(),
            size: stored.size,
            width: stored.dimensions.map(|(w, _)| w),
            height: stored.dimensions.map(|(_, h)| h),
        }
    }
}

impl RecordedRendition {
    /// The rendition to record, if its key is one of the asset's: a record is read back from
    /// the store, and a rendition row must never point at another asset's blob.
    pub fn into_stored(self, asset_id: &str) -> Result<StoredRendition, JobError> {
        let own = format!("{}/", asset_prefix(asset_id)?);
        if !self.key.starts_with(&own) {
            return Err(invalid(format!(
                "a chunk record names a rendition outside its asset: {}",
                self.key
            )));
        }
        Ok(StoredRendition {
            name: self.name,
            key: self.key,
            mime: self.mime,
            size: self.size,
            dimensions: self.width.zip(self.height),
        })
    }
}

/// `renditions/<asset>/chunks`, removed once the stitch has committed.
pub fn records_prefix(asset_id: &str) -> Result<String, JobError> {
    Ok(rendition_key(asset_id, CHUNKS_DIR)?)
}

fn record_key(asset_id: &str, index: u32) -> Result<String, JobError> {
    Ok(rendition_key(
        asset_id,
        &format!("{CHUNKS_DIR}/{index:05}.json"),
    )?)
}

/// A chunk child's files must stay out of the records' directory: a subverted child could
/// otherwise put words in another chunk's mouth.
pub fn refuse_files_among_records(files: &[OutputFile]) -> Result<(), JobError> {
    let intruder = files
        .iter()
        .find(|file| file.key.split('/').next() == Some(CHUNKS_DIR));
    match intruder {
        Some(file) => Err(JobError::Permanent {
            code: "media-process-crashed".to_owned(),
            reason: format!(
                "the video media process named an output among the chunk records: {:?}",
                file.key
            ),
        }),
        None => Ok(()),
    }
}

/// Stores the record of chunk `record.facts.index` (a rerun overwrites it).
pub async fn write_record(
    ctx: &JobContext,
    asset_id: &str,
    record: &ChunkRecord,
) -> Result<(), JobError> {
    let key = record_key(asset_id, record.facts.index)?;
    let bytes = serde_json::to_vec(record)
        .map_err(|e| JobError::Transient(format!("writing the chunk record: {e}")))?;
    let staged = StagingFile::new_in(ctx.store.staging_dir());
    tokio::fs::write(staged.path(), &bytes)
        .await
        .map_err(|e| JobError::Transient(format!("staging the chunk record: {e}")))?;
    ctx.store.put_file(&key, staged).await?;
    Ok(())
}

/// The records of chunks `0..count`, in order. A missing one is a storage error (retried);
/// one that is not a record of its chunk cannot become one by retrying.
pub async fn read_records(
    ctx: &JobContext,
    asset_id: &str,
    count: u32,
) -> Result<Vec<ChunkRecord>, JobError> {
    let mut records = Vec::new();
    let mut total = 0u64;
    for index in 0..count {
        let key = record_key(asset_id, index)?;
        let (reader, size) = ctx.store.open(&key).await?;
        if size > MAX_RECORD_BYTES {
            return Err(invalid(format!("chunk record {key} is {size} bytes")));
        }
        // Bounded by what was read, not by the size the store declared.
        let mut bytes = Vec::new();
        reader
            .take(MAX_RECORD_BYTES + 1)
            .read_to_end(&mut bytes)
            .await
            .map_err(|e| JobError::Transient(format!("reading {key}: {e}")))?;
        let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        total = total.saturating_add(read);
        if read > MAX_RECORD_BYTES || total > MAX_RECORDS_BYTES {
            return Err(invalid(format!(
                "chunk record {key} is {read} bytes ({total} with the earlier ones)"
            )));
        }
        let record: ChunkRecord = serde_json::from_slice(&bytes)
            .map_err(|e| invalid(format!("chunk record {key}: {e}")))?;
        if record.facts.index != index {
            return Err(invalid(format!(
                "chunk record {key} is the record of chunk {}",
                record.facts.index
            )));
        }
        records.push(record);
    }
    Ok(records)
}

fn invalid(reason: String) -> JobError {
    JobError::Permanent {
        code: "job-invalid".to_owned(),
        reason,
    }
}
