//! `/media/{channel}/live/…`: a live channel's HLS for partners and the players on their
//! pages — the master playlist of the channel's latest event (`master.m3u8`, or with DVR
//! windows `dvr.m3u8`), each rendition's playlist and its segments (`{event}/720p.m3u8`,
//! `{event}/720p_00003.ts`) — with an API key or the signed link the feed hands out. The link
//! is signed for the channel ([`live_subject`]), not for an item, and every link inside a
//! playlist carries the same signature. What the playlists list is the channels use case's, as
//! for the API's own live routes; a segment is a stored blob answered like any media file
//! (ranges, ETag, the store's redirect).

use actix_web::http::StatusCode;
use bytes::Bytes;
use vocweek_app::{LiveFile, Viewer};

use super::media::{Access, File, access, send_file, signed_links, signed_query};
use super::media_answer::{MediaAnswer, MediaBody, MediaRequest};
use crate::live_viewers::viewer_name;
use crate::{ApiError, AppState};

const PLAYLIST: &str = "application/vnd.apple.mpegurl";

/// What a channel's signed links are signed over: never an item's id, so a link to an item
/// opens no channel and the other way round.
pub fn live_subject(channel_id: &str) -> String {
    format!("live/{channel_id}")
}

/// The answer to `live` (the part of the name after `live/`) of the channel `request.asset`.
pub(super) async fn answer(
    state: &AppState,
    request: &MediaRequest<'_>,
    live: &str,
) -> Result<MediaAnswer, ApiError> {
    let channel = request.asset;
    let signed = signed_query(request)?;
    let access = access(state, request, &live_subject(channel), signed).await?;
    let actor = match &access {
        Access::Key(caller) => Some(caller.actor()),
        Access::Signed { .. } => None,
    };
    let viewer = actor.as_ref().map_or(Viewer::SignedLink, Viewer::Actor);
    let channels = &state.channels;
    let (event, file) = match live {
        "master.m3u8" | "dvr.m3u8" => {
            let text = channels
                .live_master(viewer, channel, live == "dvr.m3u8")
                .await?;
            return Ok(playlist(text, &access));
        }
        other => other
            .split_once('/')
            .ok_or_else(|| ApiError::not_found("live playlist"))?,
    };
    match channels.live_file(viewer, channel, event, file).await? {
        LiveFile::Playlist(text) => {
            let principal = match &access {
                Access::Key(caller) => Some(&caller.0),
                Access::Signed { .. } => None,
            };
            state
                .live_viewers
                .seen(channel, viewer_name(principal, request.client));
            Ok(playlist(text, &access))
        }
        LiveFile::Segment { key } => {
            let size = state
                .store
                .size(&key)
                .await
                .map_err(|e| ApiError::internal(&e))?
                .ok_or_else(|| ApiError::not_found("segment"))?;
            let segment = File {
                // A listed segment never changes: its name and size tell it apart.
                etag: format!("\"{event}-{file}-{size}\""),
                key,
                size,
                mime: "video/mp2t".to_owned(),
                disposition: None,
                playlist: false,
            };
            send_file(state, request, segment, &access).await
        }
    }
}

/// A live playlist changes every segment: a player or a CDN asks again each time.
fn playlist(text: String, access: &Access) -> MediaAnswer {
    MediaAnswer::new(StatusCode::OK)
        .header("Content-Type", PLAYLIST)
        .header("Cache-Control", "no-cache")
        .header("X-Content-Type-Options", "nosniff")
        .body(MediaBody::Bytes(Bytes::from(signed_links(text, access))))
}
