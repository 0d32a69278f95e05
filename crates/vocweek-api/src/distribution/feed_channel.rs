//! A live event in the partner feed: `live` while it runs, with links to its channel's
//! playlists, then `ended` with its replay item's id once that is recorded (the entry is
//! written again then, so a reader past the first `ended` learns of the replay too).

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use vocweek_app::ChannelState;
use vocweek_db::live::{LiveChannel, LiveEvent};

use super::feed_item::Links;
use super::live_media::live_subject;

/// A live event and its channel.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerChannelJson {
    /// The channel: its playlists are under `/media/{id}/live/`.
    pub id: String,
    /// This event (one broadcast, reconnects included); its replay item has the same id.
    pub event_id: String,
    pub title: String,
    pub city: String,
    pub category: String,
    pub subcategory: String,
    pub themes: Vec<String>,
    pub scheduled_start: DateTime<Utc>,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// `live`; `interrupted` (the encoder dropped and may come back within the grace period,
    /// the playlists continue with a discontinuity); `ended`.
    pub state: String,
    /// Until the event ends: the live master playlist (a sliding window at the live edge).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<LinkJson>,
    /// Until the event ends: the same renditions with their DVR windows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dvr: Option<LinkJson>,
    /// The replay item once recorded (in review; it is published under this id when approved).
    pub replay_asset_id: Option<String>,
}

/// A playlist's address, with the API key or signed.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkJson {
    /// `GET` with `Authorization: Bearer <API key>`.
    pub url: String,
    /// Works without a key until `signed_url_expires`, for the player on a partner's page; the
    /// links inside the playlists it answers carry the same signature.
    pub signed_url: String,
    pub signed_url_expires: DateTime<Utc>,
}

pub fn partner_channel(
    channel: &LiveChannel,
    event: &LiveEvent,
    links: &Links<'_>,
) -> PartnerChannelJson {
    let state = ChannelState::of(Some(event));
    let running = state != ChannelState::Ended;
    let link = |name: &str| {
        running.then(|| {
            let (url, signed_url) = links.live(&channel.id, name);
            LinkJson {
                url,
                signed_url,
                signed_url_expires: links.expires,
            }
        })
    };
    PartnerChannelJson {
        live: link("master.m3u8"),
        dvr: link("dvr.m3u8"),
        id: channel.id.clone(),
        event_id: event.id.clone(),
        title: channel.title.clone(),
        city: channel.city.clone(),
        category: channel.category.clone(),
        subcategory: channel.subcategory.clone(),
        themes: channel.themes.clone(),
        scheduled_start: channel.scheduled_start,
        started_at: event.started_at,
        ended_at: event.ended_at,
        state: state.code().to_owned(),
        replay_asset_id: event.replay_asset_id.clone(),
    }
}

impl Links<'_> {
    /// `/media/{channel}/live/{name}`, plain and signed for the channel.
    pub fn live(&self, channel_id: &str, name: &str) -> (String, String) {
        let url = format!("{}/media/{channel_id}/live/{name}", self.base);
        let signed = format!(
            "{url}?{}",
            self.signer
                .query(&live_subject(channel_id), self.expires.timestamp())
        );
        (url, signed)
    }
}
