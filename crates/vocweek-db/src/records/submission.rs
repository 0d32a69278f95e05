//! A submission's row as the other crates see it.

use chrono::{DateTime, Utc};

use crate::entities::submission;

/// One unit's sending of an item's bytes (the first upload, or the same bytes sent again).
#[derive(Clone, Debug, PartialEq)]
pub struct Submission {
    pub asset_id: String,
    pub unit_id: i32,
    /// The unit's person who sent it (上传人); `None` for the unit's shared token and for a
    /// picture taken out of an article.
    pub member_id: Option<i32>,
    pub original_filename: String,
    pub title: String,
    pub created_at: DateTime<Utc>,
    /// A picture taken out of an article by its job, not a file the unit uploaded.
    pub extracted: bool,
}

impl From<submission::Model> for Submission {
    fn from(row: submission::Model) -> Self {
        Submission {
            asset_id: row.asset_id,
            unit_id: row.unit_id,
            member_id: row.member_id,
            original_filename: row.original_filename,
            title: row.title,
            created_at: row.created_at,
            extracted: row.extracted,
        }
    }
}
