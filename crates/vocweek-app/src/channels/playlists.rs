//! What a viewer of a channel is served: the master playlist of its latest event (live, or
//! the DVR window), each rendition's media playlist, and its segments — all from the segment
//! rows, so any node serves a channel another node ingests.

use vocweek_db::live::{LiveEvent, LiveSegment};
use vocweek_media::video::LiveLadder;
use vocweek_pipeline::live::{parse_segment_file, segment_file, segment_key};

use super::playlist_text::{Entry, Variant, master, media};
use super::{ChannelError, Channels, Viewer};

/// How many segments the playlists list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlaylistWindows {
    /// The sliding live playlist (a player starts three segments from its end).
    pub live_segments: u64,
    /// The DVR playlist: the configured window in 2 s segments.
    pub dvr_segments: u64,
}

/// A file of a channel's live HLS.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveFile {
    /// A playlist's text.
    Playlist(String),
    /// A listed segment, by its key in the store.
    Segment { key: String },
}

/// Segments whose sizes give a master playlist's bandwidths: the last minute, about.
const MEASURED_SEGMENTS: u64 = 30;

impl Channels {
    /// The master playlist of the channel's latest event, once every rendition has a segment:
    /// each with the bandwidth its last segments measured. `dvr`: the renditions' DVR
    /// playlists instead of the live ones.
    pub async fn live_master(
        &self,
        viewer: Viewer<'_>,
        id: &str,
        dvr: bool,
    ) -> Result<String, ChannelError> {
        let channel = self.watchable(viewer, id).await?;
        let event = self
            .db
            .latest_live_event(&channel.id)
            .await?
            .ok_or(ChannelError::NotLive)?;
        let ladder = ladder_of(&event)?;
        let mut variants = Vec::new();
        for rung in &ladder.rungs {
            let segments = self
                .db
                .last_live_segments(&event.id, &rung.name, MEASURED_SEGMENTS)
                .await?;
            // Every rendition from its first segment on, or none: a player that started on
            // a ladder of one would never switch.
            let Some((bandwidth, average_bandwidth)) = measured(&segments) else {
                return Err(ChannelError::NotLive);
            };
            let suffix = if dvr { "_dvr" } else { "" };
            variants.push(Variant {
                uri: format!("{}/{}{suffix}.m3u8", event.id, rung.name),
                bandwidth,
                average_bandwidth,
                width: rung.width,
                height: rung.height,
                codecs: rung.codecs.clone(),
                frame_rate: ladder.frame_rate,
            });
        }
        if variants.is_empty() {
            return Err(ChannelError::NotLive);
        }
        Ok(master(&variants))
    }

    /// A file under `<event>/` of the channel's HLS: a rendition's live (`720p.m3u8`) or DVR
    /// (`720p_dvr.m3u8`) playlist, or a listed segment (`720p_00003.ts`).
    pub async fn live_file(
        &self,
        viewer: Viewer<'_>,
        id: &str,
        event_id: &str,
        file: &str,
    ) -> Result<LiveFile, ChannelError> {
        let channel = self.watchable(viewer, id).await?;
        let event = self
            .db
            .live_event(event_id)
            .await?
            .filter(|event| event.channel_id == channel.id)
            .ok_or(ChannelError::NotFound)?;
        if let Some(stem) = file.strip_suffix(".m3u8") {
            let (rung, window) = match stem.strip_suffix("_dvr") {
                Some(rung) => (rung, self.windows.dvr_segments),
                None => (stem, self.windows.live_segments),
            };
            let ladder = ladder_of(&event)?;
            if !ladder.rungs.iter().any(|r| r.name == rung) {
                return Err(ChannelError::NotFound);
            }
            return self.media_playlist(&event, rung, window).await;
        }
        let (rung, sequence) = parse_segment_file(file).ok_or(ChannelError::NotFound)?;
        self.db
            .live_segment(&event.id, rung, sequence)
            .await?
            .ok_or(ChannelError::NotFound)?;
        let key = segment_key(&event.id, rung, sequence).map_err(|_| ChannelError::NotFound)?;
        Ok(LiveFile::Segment { key })
    }

    async fn media_playlist(
        &self,
        event: &LiveEvent,
        rung: &str,
        window: u64,
    ) -> Result<LiveFile, ChannelError> {
        let segments = self.db.last_live_segments(&event.id, rung, window).await?;
        let first = segments.first().ok_or(ChannelError::NotLive)?;
        let before = self
            .db
            .live_discontinuities_before(&event.id, rung, first.sequence)
            .await?;
        let entries: Vec<Entry> = segments
            .iter()
            .map(|s| Entry {
                uri: segment_file(rung, s.sequence),
                duration_ms: s.duration_ms,
                discontinuity: s.discontinuity,
            })
            .collect();
        Ok(LiveFile::Playlist(media(
            first.sequence,
            before,
            &entries,
            !event.is_live(),
        )))
    }
}

fn ladder_of(event: &LiveEvent) -> Result<LiveLadder, ChannelError> {
    let ladder = event.ladder.clone().ok_or(ChannelError::NotLive)?;
    serde_json::from_value(ladder).map_err(|e| {
        ChannelError::Database(vocweek_db::DbError::Corrupt(format!(
            "live event {}'s ladder: {e}",
            event.id
        )))
    })
}

/// (peak, average) bit/s over `segments`; `None` without any.
fn measured(segments: &[LiveSegment]) -> Option<(u64, u64)> {
    let bits_per_second = |bytes: i64, ms: i64| -> u64 {
        if ms <= 0 {
            return 0;
        }
        u64::try_from(bytes.saturating_mul(8000) / ms).unwrap_or(0)
    };
    let peak = segments
        .iter()
        .map(|s| bits_per_second(s.bytes, i64::from(s.duration_ms)))
        .max()?;
    let bytes: i64 = segments.iter().map(|s| s.bytes).sum();
    let ms: i64 = segments.iter().map(|s| i64::from(s.duration_ms)).sum();
    Some((peak, bits_per_second(bytes, ms)))
}
