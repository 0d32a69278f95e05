//! One body written to an upload, its first bytes checked as they arrive (an unsupported file is
//! refused at 64 KiB, not after 4 GB: `head_gate`), then the asset when the last byte
//! arrived. PATCH and creation-with-upload both end here.

use actix_web::web;
use vocweek_db::resumable_uploads::ResumableUpload;
use vocweek_pipeline::Uploader;

use super::complete::{Finished, finish};
use super::head_gate::HeadGate;
use super::lease::Lease;
use super::receive::{Append, append};
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
    let gate = HeadGate::new(state, upload, uploader)?;
    let offset = append(state, lease, body_append, &gate, body).await?;
    let length = upload.length.map(|l| l.max(0) as u64);
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
