//! A rendition's row as the other crates see it.

use chrono::{DateTime, Utc};

use crate::entities::rendition;

/// One derived file of an asset (`thumb`, `preview`, `poster`, `download`, `hls`…): the
/// `renditions` row. Its name stays text: each kind of media brings its own.
#[derive(Clone, Debug, PartialEq)]
pub struct Rendition {
    pub id: i32,
    pub asset_id: String,
    pub name: String,
    pub storage_key: String,
    pub mime: String,
    pub size: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub created_at: DateTime<Utc>,
}

impl From<rendition::Model> for Rendition {
    fn from(row: rendition::Model) -> Self {
        Rendition {
            id: row.id,
            asset_id: row.asset_id,
            name: row.name,
            storage_key: row.storage_key,
            mime: row.mime,
            size: row.size,
            width: row.width,
            height: row.height,
            created_at: row.created_at,
        }
    }
}
