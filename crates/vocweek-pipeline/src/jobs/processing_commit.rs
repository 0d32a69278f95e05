//! The end of an asset's processing, whichever job reaches it (the processing job itself, or
//! the stitch of a chunked video): what processing found, the renditions and the move to the
//! editors, committed with the job's completion in one transaction.

use serde_json::{Value, json};
use vocweek_db::assets::StateChange;
use vocweek_db::audit::Actor;
use vocweek_db::jobs::Job;
use vocweek_db::processing::Processed;
use vocweek_domain::AssetState;

use super::rendition_store::StoredRendition;
use super::{JobContext, JobError};

/// What processing found, committed with the state change.
#[derive(Default)]
pub struct Results {
    pub renditions: Vec<StoredRendition>,
    pub perceptual_hash: Option<u64>,
    pub captured_at: Option<chrono::DateTime<chrono::Utc>>,
    /// A title found in the content, for an article uploaded without one.
    pub title: Option<String>,
}

/// Sets `key` in an asset's metadata (an object; anything else is replaced by one).
pub fn set(metadata: &mut Value, key: &str, value: Value) {
    if !metadata.is_object() {
        *metadata = json!({});
    }
    if let Some(map) = metadata.as_object_mut() {
        map.insert(key.to_owned(), value);
    }
}

/// The asset's move from `processing` to the editors, with the metadata processing learnt.
pub fn processed<'a>(asset_id: &'a str, job: &Job, metadata: Option<Value>) -> StateChange<'a> {
    StateChange {
        asset_id,
        from: AssetState::Processing,
        to: AssetState::PendingReview,
        expected_version: None,
        actor: Actor::System,
        action: "processed",
        details: json!({ "job_id": job.id.get() }),
        failure: None,
        metadata,
    }
}

/// Commits the job's completion with its results in one transaction: renditions, the photo
/// hash, the EXIF capture time, a found title, the state change and its audit event.
pub async fn finish(
    ctx: &JobContext,
    job: &Job,
    change: Option<StateChange<'_>>,
    results: Results,
) -> Result<(), JobError> {
    let title = results
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let processed = change.map(|change| {
        let id = change.asset_id;
        Processed {
            renditions: results.renditions.iter().map(|r| r.as_new(id)).collect(),
            perceptual_hash: results.perceptual_hash,
            captured_at: results.captured_at,
            title,
            change,
        }
    });
    if !ctx
        .db
        .finish_processing(job.id, &ctx.worker_id, processed)
        .await?
    {
        return Err(JobError::LeaseLost);
    }
    Ok(())
}
