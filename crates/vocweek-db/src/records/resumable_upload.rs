//! A resumable (tus) upload's row as the other crates see it.

use crate::entities::resumable_upload;

/// One tus upload: the `resumable_uploads` row. Its state stays text, one of
/// `resumable_uploads::RECEIVING`, `COMPLETE` and `FAILED`.
#[derive(Clone, Debug, PartialEq)]
pub struct ResumableUpload {
    pub id: String,
    pub unit_id: i32,
    /// `None` while the length is deferred.
    pub length: Option<i64>,
    /// Bytes received, synced to disk and verified: the tus Upload-Offset.
    pub received: i64,
    /// The Upload-Metadata header as the client sent it.
    pub metadata: String,
    pub filename: String,
    /// `receiving`, `complete` or `failed`.
    pub state: String,
    pub locked_by: Option<String>,
    /// Epoch milliseconds.
    pub locked_until: Option<i64>,
    pub asset_id: Option<String>,
    pub duplicate: bool,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    /// Epoch milliseconds, like the two below.
    pub expires_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<resumable_upload::Model> for ResumableUpload {
    fn from(row: resumable_upload::Model) -> Self {
        ResumableUpload {
            id: row.id,
            unit_id: row.unit_id,
            length: row.length,
            received: row.received,
            metadata: row.metadata,
            filename: row.filename,
            state: row.state,
            locked_by: row.locked_by,
            locked_until: row.locked_until,
            asset_id: row.asset_id,
            duplicate: row.duplicate,
            error_code: row.error_code,
            error_message: row.error_message,
            expires_at: row.expires_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}
