//! One card of the queue (`templates/queue/card.html`): an item's thumbnail, title, tags in
//! Chinese, and why it is not ready yet when it is not.

use std::collections::HashMap;

use vocweek_app::consent_missing;
use vocweek_db::assets::{Asset, AssetRecord};
use vocweek_domain::{AssetKind, AssetState, ReviewAction, Vocabulary};
use vocweek_messages::Lang;

use super::media_view::format_duration;
use crate::layout::{kind_zh, state_zh};

pub(super) struct Card {
    pub id: String,
    pub version: i32,
    pub title: String,
    pub kind: &'static str,
    pub state: &'static str,
    /// The state's slug, for the badge's colour class (`state-<slug>` in site.css).
    pub state_slug: &'static str,
    /// Shown instead of a thumbnail that does not exist.
    pub missing_picture: Option<&'static str>,
    pub duration: Option<String>,
    /// An item this one probably duplicates.
    pub similar_to: Option<String>,
    /// 未授权肖像: an item the editor could recommend next, whose unit declared no portrait
    /// consent (the recommendation will ask for the editor's confirmation).
    pub unconsented: bool,
    pub unit: String,
    pub city: String,
    pub category: String,
    pub themes: String,
    pub day: String,
    /// Percent done, while processing.
    pub progress: Option<String>,
    pub failure: Option<String>,
}

/// What a card needs besides its item: names of units and the processing items' progress.
pub(super) struct CardContext<'a> {
    pub vocabulary: &'a Vocabulary,
    pub units: &'a HashMap<i32, String>,
    pub progress: &'a HashMap<String, f64>,
}

impl Card {
    pub fn new(item: &AssetRecord, context: &CardContext<'_>) -> Card {
        let vocabulary = context.vocabulary;
        let asset = &item.asset;
        let city = vocabulary
            .city(&asset.city)
            .map_or(asset.city.as_str(), |c| c.zh.as_str());
        let category = asset
            .category
            .as_deref()
            .and_then(|c| vocabulary.category(c))
            .map_or("未分类", |c| c.zh.as_str());
        let themes: Vec<&str> = item
            .themes
            .iter()
            .map(|t| {
                vocabulary
                    .theme(t)
                    .map_or(t.as_str(), |term| term.zh.as_str())
            })
            .collect();
        let similar_to = asset
            .metadata
            .get("similar_to")
            .and_then(|s| s.as_array())
            .and_then(|s| s.first())
            .and_then(|s| s["asset_id"].as_str())
            .map(str::to_owned);
        let progress = (asset.state == AssetState::Processing).then(|| {
            let percent = context.progress.get(&asset.id).copied().unwrap_or(0.0) * 100.0;
            format!("{percent:.0}")
        });
        Card {
            id: asset.id.clone(),
            version: asset.version,
            title: asset.title.clone(),
            kind: kind_zh(asset.kind.as_str()),
            state: state_zh(asset.state.as_str()),
            state_slug: asset.state.as_str(),
            missing_picture: missing_picture(asset),
            duration: asset
                .metadata
                .pointer("/video/duration_seconds")
                .and_then(|d| d.as_f64())
                .map(format_duration),
            similar_to,
            unconsented: consent_missing(asset)
                && ReviewAction::Recommend.target(asset.state).is_ok(),
            unit: context
                .units
                .get(&asset.unit_id)
                .cloned()
                .unwrap_or_default(),
            city: city.to_owned(),
            category: category.to_owned(),
            themes: themes.join("、"),
            day: asset.activity_date.to_string(),
            progress,
            failure: asset
                .failure_code
                .as_deref()
                .map(|code| vocweek_messages::failure(Lang::ZhCn, code)),
        }
    }
}

/// The word instead of a thumbnail (still processing, failed, an article, a case, sound only),
/// so a card never shows an empty frame.
pub(super) fn missing_picture(asset: &Asset) -> Option<&'static str> {
    match (asset.state, asset.kind) {
        (AssetState::Processing, _) => Some("处理中…"),
        (AssetState::Failed, _) => Some("处理失败"),
        (_, AssetKind::Article) => Some("文稿"),
        (_, AssetKind::Case) => Some("典型案例"),
        (_, AssetKind::Video)
            if asset
                .metadata
                .pointer("/video/video")
                .is_some_and(|v| v.is_null()) =>
        {
            Some("仅音频")
        }
        _ => None,
    }
}
