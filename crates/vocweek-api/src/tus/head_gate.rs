//! The type check at an upload's first bytes, run inside the request that brings them: a file
//! refused for its type stops at the first 64 KiB, instead of the rest of a 30 MB body being
//! stored before the refusal (README: "an unsupported file is refused after its first 64 KiB").

use actix_web::web;
use vocweek_db::resumable_uploads::ResumableUpload;
use vocweek_pipeline::{IngestError, UPLOAD_HEAD_LEN, Uploader, check_upload_head};

use super::metadata::{self, UploadMetadata};
use crate::{ApiError, AppState};

/// What the first bytes of one upload are checked against.
pub struct HeadGate<'a> {
    state: &'a web::Data<AppState>,
    uploader: &'a Uploader,
    metadata: UploadMetadata,
    length: Option<u64>,
}

impl<'a> HeadGate<'a> {
    pub fn new(
        state: &'a web::Data<AppState>,
        upload: &ResumableUpload,
        uploader: &'a Uploader,
    ) -> Result<Self, ApiError> {
        Ok(Self {
            state,
            uploader,
            metadata: metadata::parse(&upload.metadata)?,
            length: upload.length.map(|length| length.max(0) as u64),
        })
    }

    /// How many bytes from the start the check reads: the head, or all of a shorter file.
    pub fn len(&self) -> u64 {
        let head = UPLOAD_HEAD_LEN as u64;
        self.length.map_or(head, |length| length.min(head))
    }

    /// The type the head shows, its size limit, and what of the form depends on the type (a
    /// photo or a video needs a title; only an article may go without). Answers the type's size
    /// limit: an upload of deferred length may grow no further than that from here on.
    pub fn check(&self, head: &[u8]) -> Result<u64, IngestError> {
        let size = self.length.unwrap_or(head.len() as u64);
        let limits = self.state.ingestor.limits();
        let filename = &self.metadata.filename;
        let sniffed = check_upload_head(head, filename, self.metadata.form.kind, size, limits)?;
        self.state.ingestor.check_form(
            &self.metadata.form,
            self.uploader,
            Some(sniffed.kind),
            filename,
        )?;
        Ok(limits.for_kind(sniffed.kind))
    }
}
