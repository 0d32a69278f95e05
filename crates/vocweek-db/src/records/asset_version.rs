//! An earlier file of an asset as the other crates see it.

use chrono::{DateTime, Utc};

use crate::entities::asset_version;

/// A file an asset had before its unit replaced it: the `asset_versions` row. The bytes stay
/// stored at their BLAKE3 address as long as the asset exists.
#[derive(Clone, Debug, PartialEq)]
pub struct AssetVersion {
    pub asset_id: String,
    /// 1 is the first file sent; the asset's current file comes after the last row.
    pub number: i32,
    pub blake3: String,
    pub size: i64,
    pub mime: String,
    pub original_filename: String,
    pub replaced_at: DateTime<Utc>,
    /// Who replaced it: `unit:<id>`, `user:<id>`, `partner:<id>` or `system`.
    pub replaced_by: String,
}

impl From<asset_version::Model> for AssetVersion {
    fn from(row: asset_version::Model) -> Self {
        AssetVersion {
            asset_id: row.asset_id,
            number: row.number,
            blake3: row.blake3,
            size: row.size,
            mime: row.mime,
            original_filename: row.original_filename,
            replaced_at: row.replaced_at,
            replaced_by: row.replaced_by,
        }
    }
}
