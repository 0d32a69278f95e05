//! One body written to an upload, then what its new offset calls for: learning the type as soon
//! as the first bytes are there (an unsupported file is refused early, not after 4 GB), and the
//! asset when the last byte arrived. PATCH and creation-with-upload both end here.

use actix_web::web;
use vocweek_db::resumable_uploads::ResumableUpload;
use vocweek_pipeline::{UPLOAD_HEAD_LEN, Uploader, check_upload_head};

use super::complete::{Finished, finish, refuse};
use super::lease::Lease;
use super::metadata;
use super::receive::{Append, append, storage};
use crate::{ApiError, AppState};

pub struct Written {
    pub offset: u64,
    pub finished: Option<Finished>,
}

pub async fn write(
    state: &web::Data<AppState>,
    lease: &Lease,
    upload: &ResumableUpload,
    uploader: &Uploader,
    body_append: Append,
    body: web::Payload,
) -> Result<Written, ApiError> {
    let start = body_append.start;
    let offset = append(state, lease, body_append, body).await?;
    let length = upload.length.map(|l| l.max(0) as u64);
    let head_now_complete = start < UPLOAD_HEAD_LEN as u64
        && (offset >= UPLOAD_HEAD_LEN as u64 || Some(offset) == length)
        && offset > 0;
    if head_now_complete {
        let head = state
            .tus
            .partials
            .head(&upload.id, UPLOAD_HEAD_LEN)
            .await
            .map_err(storage)?;
        let parsed = metadata::parse(&upload.metadata)?;
        let size = length.unwrap_or(offset);
        // The type now known, the form is checked again for what depends on it (a photo or a
        // video needs a title; only an article may go without).
        let checked = check_upload_head(
            &head,
            &parsed.filename,
            parsed.form.kind,
            size,
            state.ingestor.limits(),
        )
        .and_then(|sniffed| {
            state
                .ingestor
                .check_form(&parsed.form, uploader, Some(sniffed.kind), &parsed.filename)
        });
        if let Err(err) = checked {
            return Err(refuse(state, &upload.id, err).await);
        }
    }
    let finished = if Some(offset) == length {
        Some(finish(state, upload, uploader).await?)
    } else {
        None
    };
    Ok(Written { offset, finished })
}

/// Runs a body's write on its own task: if the client goes away and the server drops the
/// request's handler, the bytes that arrived are still synced and recorded, and the lease is
/// given back.
pub async fn detached<T: 'static>(
    work: impl std::future::Future<Output = Result<T, ApiError>> + 'static,
) -> Result<T, ApiError> {
    actix_web::rt::spawn(work)
        .await
        .map_err(|e| ApiError::internal(&e))?
}
