//! An item as the batch page lists it (`templates/batches/item.html`), in the batch or offered
//! for it: its thumbnail (the rendition the queue's cards show), title, kind, unit and city in
//! Chinese, and the batches that already took it to the Ministry (已报送过).

use std::collections::HashMap;

use vocweek_app::batches::EarlierSending;
use vocweek_db::assets::{Asset, AssetRecord};
use vocweek_domain::{AssetKind, Vocabulary};

use crate::layout::{beijing, kind_zh};

pub(super) struct ItemRow {
    pub id: String,
    pub title: String,
    pub kind: &'static str,
    /// Shown instead of a thumbnail that does not exist.
    pub missing_picture: Option<&'static str>,
    pub unit: String,
    pub city: String,
    /// The batches that already sent it (已报送过), oldest first.
    pub sent_before: Vec<SentBefore>,
}

/// A batch that already sent an item to the Ministry.
pub(super) struct SentBefore {
    pub batch_id: i32,
    pub batch_title: String,
    /// Beijing time.
    pub sent_at: String,
}

/// What a row needs besides its item.
pub(super) struct RowContext<'a> {
    pub vocabulary: &'a Vocabulary,
    pub units: &'a HashMap<i32, String>,
    /// The batch's marks: its items' and its candidates' earlier sendings.
    pub already_sent: &'a [EarlierSending],
}

impl ItemRow {
    pub fn new(record: &AssetRecord, context: &RowContext<'_>) -> ItemRow {
        let asset = &record.asset;
        ItemRow {
            id: asset.id.clone(),
            title: asset.title.clone(),
            kind: kind_zh(asset.kind.as_str()),
            missing_picture: missing_picture(asset),
            unit: context
                .units
                .get(&asset.unit_id)
                .cloned()
                .unwrap_or_default(),
            city: context
                .vocabulary
                .city(&asset.city)
                .map_or_else(|| asset.city.clone(), |city| city.zh.clone()),
            sent_before: context
                .already_sent
                .iter()
                .filter(|earlier| earlier.asset_id == asset.id)
                .map(|earlier| SentBefore {
                    batch_id: earlier.batch_id,
                    batch_title: earlier.batch_title.clone(),
                    sent_at: beijing(earlier.sent_at),
                })
                .collect(),
        }
    }
}

/// The word instead of a thumbnail for an item that has none: a batch holds recommended items
/// only, so processed ones; an article or a case has no thumbnail, nor a video with sound only.
fn missing_picture(asset: &Asset) -> Option<&'static str> {
    let sound_only = asset
        .metadata
        .pointer("/video/video")
        .is_some_and(|video| video.is_null());
    match asset.kind {
        AssetKind::Article => Some("文稿"),
        AssetKind::Case => Some("典型案例"),
        AssetKind::Video if sound_only => Some("仅音频"),
        _ => None,
    }
}
