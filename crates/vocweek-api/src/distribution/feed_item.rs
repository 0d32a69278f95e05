//! A feed entry as partners receive it: the event, and for a publication the item with a link
//! to each of its files — plain (send the API key) and signed (hand it to a player or a CDN).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use vocweek_db::assets::AssetRecord;
use vocweek_db::feed::FeedEvent;
use vocweek_db::renditions::Rendition;
use vocweek_domain::AssetState;

use super::feed_channel::PartnerChannelJson;
use crate::distribution_state::MediaSigner;

/// One feed entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedItemJson {
    /// Pass it as `cursor` to continue after this entry.
    pub cursor: String,
    /// `published` (new or republished: store it), `withdrawn` (a tombstone: remove it),
    /// `live` (a live event partners can watch now) or `ended` (it ended; its replay item's
    /// id once recorded).
    pub event: String,
    /// The item's id; for `live` and `ended`, the event's, which its replay item takes (the
    /// replay's own entries follow under the same id once it is approved).
    pub asset_id: String,
    /// When it was approved, withdrawn, went live or ended.
    pub at: DateTime<Utc>,
    /// The item, in `published`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asset: Option<PartnerAssetJson>,
    /// The live event and its channel, in `live` and `ended`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<PartnerChannelJson>,
}

/// An approved item.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerAssetJson {
    pub id: String,
    /// `photo`, `video` or `article`.
    pub kind: String,
    pub title: String,
    pub description: String,
    pub city: String,
    pub category: Option<String>,
    pub subcategory: Option<String>,
    pub themes: Vec<String>,
    pub activity_date: NaiveDate,
    pub captured_at: Option<DateTime<Utc>>,
    /// 作者/摄影: who made it, to be credited when it is published; empty when the unit named
    /// nobody.
    pub credit: String,
    /// 肖像使用已授权: the unit has the consent of the people recognisable in it. `false` on a
    /// photo or video: check before publishing faces.
    pub portrait_consent: bool,
    /// Selected to be recommended to the Ministry of Education.
    pub recommended: bool,
    /// BLAKE3 of the original (also its ETag).
    pub blake3: String,
    /// What processing learnt: dimensions, duration…
    #[schema(value_type = Object)]
    pub metadata: serde_json::Value,
    /// `original`, and what was made of it: `thumb`, `preview`, `poster`, `download` (MP4),
    /// `hls` (the master playlist).
    pub files: BTreeMap<String, MediaFileJson>,
}

/// One downloadable file.
#[derive(Debug, Serialize, ToSchema)]
pub struct MediaFileJson {
    /// `GET` with `Authorization: Bearer <API key>`.
    pub url: String,
    /// Works without a key until `signed_url_expires` (for players and CDNs).
    pub signed_url: String,
    pub signed_url_expires: DateTime<Utc>,
    pub mime: String,
    pub size: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<i32>,
}

/// Absolute links need the address partners reach us at.
pub struct Links<'a> {
    pub base: &'a str,
    pub signer: &'a MediaSigner,
    pub expires: DateTime<Utc>,
}

impl Links<'_> {
    fn file(&self, asset_id: &str, path: &str) -> (String, String) {
        let url = format!("{}/media/{asset_id}/{path}", self.base);
        let signed = format!(
            "{url}?{}",
            self.signer.query(asset_id, self.expires.timestamp())
        );
        (url, signed)
    }
}

/// The URL path under `/media/{asset}/` of a rendition.
pub fn media_path(name: &str) -> String {
    if name == "hls" {
        "hls/master.m3u8".to_owned()
    } else {
        name.to_owned()
    }
}

pub fn cursor_of(event_id: i64) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("f1:{event_id}"))
}

/// The event id a cursor stands for; `None` for anything we did not hand out.
pub fn parse_cursor(cursor: &str) -> Option<i64> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()?;
    String::from_utf8(bytes)
        .ok()?
        .strip_prefix("f1:")?
        .parse()
        .ok()
        .filter(|id: &i64| *id >= 0)
}

pub fn item(
    event: &FeedEvent,
    record: Option<(&AssetRecord, &[Rendition])>,
    links: &Links<'_>,
) -> FeedItemJson {
    FeedItemJson {
        cursor: cursor_of(event.id),
        event: event.event.clone(),
        asset_id: event.asset_id.clone(),
        at: event.created_at,
        asset: record.map(|(record, renditions)| partner_asset(record, renditions, links)),
        channel: None,
    }
}

fn partner_asset(
    record: &AssetRecord,
    renditions: &[Rendition],
    links: &Links<'_>,
) -> PartnerAssetJson {
    let asset = &record.asset;
    let mut files = BTreeMap::new();
    let file = |path: &str, mime: &str, size: i64, width, height| {
        let (url, signed_url) = links.file(&asset.id, path);
        MediaFileJson {
            url,
            signed_url,
            signed_url_expires: links.expires,
            mime: mime.to_owned(),
            size,
            width,
            height,
        }
    };
    files.insert(
        "original".to_owned(),
        file("original", &asset.mime, asset.size, None, None),
    );
    for r in renditions {
        files.insert(
            r.name.clone(),
            file(&media_path(&r.name), &r.mime, r.size, r.width, r.height),
        );
    }
    PartnerAssetJson {
        id: asset.id.clone(),
        kind: asset.kind.as_str().to_owned(),
        title: asset.title.clone(),
        description: asset.description.clone(),
        city: asset.city.clone(),
        category: asset.category.clone(),
        subcategory: asset.subcategory.clone(),
        themes: record.themes.clone(),
        activity_date: asset.activity_date,
        captured_at: asset.captured_at,
        credit: asset.credit.clone(),
        portrait_consent: asset.portrait_consent,
        recommended: asset.state == AssetState::Recommended,
        blake3: asset.blake3.clone(),
        metadata: crate::json::partner_metadata(asset.metadata.clone()),
        files,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_foreign_ones_are_refused() {
        assert_eq!(parse_cursor(&cursor_of(42)), Some(42));
        assert_eq!(parse_cursor("42"), None);
        assert_eq!(parse_cursor(&cursor_of(-1)), None);
    }
}
