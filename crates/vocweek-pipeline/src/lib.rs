//! Ingest (stream → staging → hash → dedupe → commit) and background work (the worker loop and
//! the job handlers), and the documents vocweek writes (the batch export, the Excel tables, the
//! Word documents of `word/`). Glues domain, media, storage and db; knows nothing of HTTP.

mod batch_export;
mod error;
mod ingest;
pub mod jobs;
mod limits;
pub mod live;
mod live_recordings;
pub mod mail;
mod metrics;
mod segment_names;
pub mod settings;
mod staged_file;
mod statistics_xlsx;
mod upload;
mod upload_sweep;
pub mod webhooks;
pub mod word;
mod worker;
mod xlsx;

pub use batch_export::{ExportError, export_batch};
pub use error::{IngestError, WORKER_FAILURE_CODES};
pub use ingest::{Generated, IngestOutcome, Ingestor, UploadForm, Uploader};
pub use limits::{UploadLimits, parse_byte_size};
pub use metrics::Metrics;
pub use staged_file::{
    UPLOAD_HEAD_LEN, check_upload_head, hash_file, limit_from_head, stage_complete_file,
};
pub use statistics_xlsx::{
    STATISTICS_NOTES, StatisticsRow, StatisticsWorkbook, StatusRow, statistics_xlsx, total_of,
};
pub use upload::{StagedUpload, UploadWriter};
pub use upload_sweep::{run_upload_sweeper, sweep_expired_uploads, sweep_finished_parts};
pub use worker::{WorkerConfig, WorkerPool};
pub use xlsx::table_xlsx;
