//! The last byte arrived: the upload becomes an asset through the same ingest as
//! `POST /api/v1/assets` (type, limits, tags, dedupe, jobs), and the outcome is recorded on the
//! upload so a client that lost the answer learns it from HEAD.

use vocweek_db::resumable_uploads::ResumableUpload;
use vocweek_pipeline::{IngestError, Uploader, stage_complete_file};

use super::metadata;
use super::receive::storage;
use crate::{ApiError, AppState};

/// The asset an upload became.
pub struct Finished {
    pub asset_id: String,
    pub duplicate: bool,
}

/// Called under the upload's lease, which keeps two writers apart; the outcome is recorded
/// whether or not the lease outlived a long ingest.
pub async fn finish(
    state: &actix_web::web::Data<AppState>,
    upload: &ResumableUpload,
    uploader: &Uploader,
) -> Result<Finished, ApiError> {
    let parsed = metadata::parse(&upload.metadata)?;
    state.tus.partials.sync(&upload.id).await.map_err(storage)?;
    let staging = state
        .tus
        .partials
        .link_for_ingest(&upload.id, state.store.staging_dir())
        .await
        .map_err(storage)?;
    let limits = state.ingestor.limits();
    let filename = parsed.filename.clone();
    let declared = parsed.form.kind;
    let known = upload
        .length
        .and_then(|length| state.tus.hashes.finished(&upload.id, length.max(0) as u64));
    let staged = tokio::task::spawn_blocking(move || {
        stage_complete_file(staging, &filename, declared, limits, known)
    })
    .await
    .map_err(|e| ApiError::internal(&e))?;
    let outcome = match staged {
        Ok(staged) => state.ingestor.commit(staged, parsed.form, uploader).await,
        Err(err) => Err(err),
    };
    match outcome {
        Ok(outcome) => {
            let asset_id = outcome.asset.asset.id;
            state
                .db
                .complete_resumable(&upload.id, &asset_id, outcome.duplicate)
                .await?;
            remove_bytes(state, &upload.id).await;
            Ok(Finished {
                asset_id,
                duplicate: outcome.duplicate,
            })
        }
        // Ours (database, disk, store — down, full or broken): the bytes stay and the next
        // HEAD tries again; the client hears 503/507/500, never that its file was refused.
        Err(err) if err.is_ours() => Err(err.into()),
        Err(err) => Err(refuse(state, &upload.id, err).await),
    }
}

/// The bytes are refused for good (type, limit, tags): recorded on the upload, bytes removed.
pub async fn refuse(
    state: &actix_web::web::Data<AppState>,
    id: &str,
    err: IngestError,
) -> ApiError {
    let answer = ApiError::from(err);
    if let Err(db) = state
        .db
        .fail_resumable(id, answer.code, &answer.message)
        .await
    {
        return ApiError::internal(&db);
    }
    remove_bytes(state, id).await;
    answer
}

async fn remove_bytes(state: &actix_web::web::Data<AppState>, id: &str) {
    if let Err(err) = state.tus.partials.remove(id).await {
        // The expiry sweep removes it later.
        tracing::warn!(upload = %id, error = %err, "removing an upload's bytes failed");
    }
}
