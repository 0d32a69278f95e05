//! An item's 文件版本: the files its unit sent before the current one (a returned item's file
//! replaced by a corrected one), numbered from the first, then the current file. Every earlier
//! file is kept; the history says who replaced it and when.

use vocweek_db::assets::Asset;
use vocweek_db::versions::AssetVersion;

use super::facts::human_size;
use crate::layout::beijing;

/// One row of the versions table.
pub(super) struct VersionRow {
    /// `第 1 版`; the last row `第 n 版（当前）`.
    pub number: String,
    pub filename: String,
    pub size: String,
    /// When it was replaced, Beijing time; empty for the current file.
    pub replaced_at: String,
}

/// The rows, or none when the file was never replaced (the section is then left out).
pub(super) fn versions(earlier: &[AssetVersion], asset: &Asset) -> Vec<VersionRow> {
    if earlier.is_empty() {
        return Vec::new();
    }
    let current = earlier.iter().map(|v| v.number).max().unwrap_or(0) + 1;
    earlier
        .iter()
        .map(|version| VersionRow {
            number: format!("第 {} 版", version.number),
            filename: version.original_filename.clone(),
            size: human_size(version.size),
            replaced_at: beijing(version.replaced_at),
        })
        .chain(std::iter::once(VersionRow {
            number: format!("第 {current} 版（当前）"),
            filename: asset.original_filename.clone(),
            size: human_size(asset.size),
            replaced_at: String::new(),
        }))
        .collect()
}
