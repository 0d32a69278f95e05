//! What an item's page shows of the item itself (`templates/queue/media.html`): the picture,
//! the article's link or the video player, pictures an older setting made items, and the
//! original's download link (a case's Word document).

use vocweek_db::assets::Asset;
use vocweek_domain::{AssetKind, AssetState};

pub(super) struct MediaView {
    pub id: String,
    pub photo: bool,
    pub article: bool,
    /// A 典型案例: its original is the Word document written from its form.
    pub case: bool,
    pub video: Option<VideoView>,
    /// Pictures an older setting (`articles.embedded_pictures = "queue"`) made items at once.
    pub legacy_pictures: Vec<String>,
}

/// A video: the player once the transcode is done; until then what it is waiting for.
pub(super) struct VideoView {
    pub player: Option<Player>,
    pub failed: bool,
}

/// The HLS player (hls.js, `static/player.js`).
pub(super) struct Player {
    /// A poster frame exists (not a sound-only file).
    pub poster: bool,
    pub duration: String,
}

impl MediaView {
    pub fn of(asset: &Asset) -> MediaView {
        let legacy_pictures: Vec<String> = asset
            .metadata
            .pointer("/article/image_assets")
            .and_then(|v| v.as_array())
            .map(|ids| {
                ids.iter()
                    .filter_map(|v| v.as_str())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        MediaView {
            id: asset.id.clone(),
            photo: asset.kind == AssetKind::Photo,
            article: asset.kind == AssetKind::Article,
            case: asset.kind == AssetKind::Case,
            video: (asset.kind == AssetKind::Video).then(|| video(asset)),
            legacy_pictures,
        }
    }
}

fn video(asset: &Asset) -> VideoView {
    let player = asset.metadata.get("video").map(|facts| Player {
        poster: facts.get("video").is_some_and(|v| !v.is_null()),
        duration: facts["duration_seconds"]
            .as_f64()
            .map(format_duration)
            .unwrap_or_default(),
    });
    VideoView {
        player,
        failed: asset.state == AssetState::Failed,
    }
}

/// The 剪辑片段 form of a video that plays (processed, not failed), with the clip just asked
/// for (`?clip=<id>`, where the form sends the editor back).
pub(super) struct ClipForm {
    pub queued: Option<String>,
}

impl ClipForm {
    pub fn of(asset: &Asset, query: &str) -> Option<ClipForm> {
        let plays = asset.kind == AssetKind::Video
            && asset.metadata.get("video").is_some()
            && !matches!(asset.state, AssetState::Processing | AssetState::Failed);
        plays.then(|| ClipForm {
            queued: query
                .split('&')
                .find_map(|pair| pair.strip_prefix("clip="))
                .filter(|id| id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'))
                .map(str::to_owned),
        })
    }
}

/// `1:02:03` or `2:03`.
pub(super) fn format_duration(seconds: f64) -> String {
    let total = seconds.max(0.0).round() as u64;
    let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{secs:02}")
    } else {
        format!("{minutes}:{secs:02}")
    }
}
