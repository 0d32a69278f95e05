//! What a live transcode tells its caller while it runs (`LiveEvent`) and when the publish has
//! ended (`LiveFacts`). Serialised by the media child, read back by the parent: plain data.

use serde::{Deserialize, Serialize};

/// Something the caller must act on while the publish goes on.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveEvent {
    /// The renditions, once each has its codec: what the parent's master playlist needs. Sent
    /// once, before the first segment.
    Ladder(LiveLadder),
    /// A segment is complete and will not change: the parent may store and list it.
    Segment(LiveSegment),
}

/// The renditions of a live channel's publish.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveLadder {
    /// The output frame rate every encoded rendition has (and the copied one is checked at).
    pub frame_rate: f64,
    /// The top rendition is the publisher's own H.264, copied.
    pub top_rung_passthrough: bool,
    /// Largest first.
    pub rungs: Vec<LiveRung>,
}

/// One rendition, as a master playlist names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveRung {
    /// `720p`: also its subdirectory of the output directory.
    pub name: String,
    /// Its media playlist, relative to the output directory (`720p/720p.m3u8`). The muxer's
    /// own list of every segment; the parent serves playlists of its own.
    pub playlist: String,
    pub width: u32,
    pub height: u32,
    /// RFC 6381, sound included (`avc1.64001f,mp4a.40.2`).
    pub codecs: String,
}

/// A finished segment of one rendition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveSegment {
    /// The rendition's name (`720p`).
    pub rung: String,
    /// Relative to the output directory (`720p/720p_00003.ts`).
    pub file: String,
    /// Its number in the rendition: 0, 1, 2… with no gap; the same number is the same span of
    /// the publish in every rendition.
    pub sequence: u64,
    /// As the muxer's playlist gives it (`EXTINF`).
    pub duration_seconds: f64,
}

/// What a live transcode made, once the publish has ended and every rendition is closed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveFacts {
    pub ladder: LiveLadder,
    pub renditions: Vec<LiveRendition>,
    /// The longest rendition, in seconds.
    pub duration_seconds: f64,
    /// Packets that could not be read or decoded and were skipped.
    pub damaged_packets: u64,
    /// The publish's recording, complete (`RECORDING_FILE` in the output directory): the top
    /// rendition's pictures and the sound in one MP4, packet for packet what its segments
    /// carry. `None` when it could not be finished or the publish outlasted
    /// `MAX_RECORDING_SECONDS`; the replay is then remuxed from the segments.
    #[serde(default)]
    pub recording: Option<String>,
}

/// One rendition's totals, measured from its segments on disk (`master::measure_playlist`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveRendition {
    pub name: String,
    pub segments: u64,
    pub duration_seconds: f64,
    /// Peak segment bitrate in bit/s (HLS `BANDWIDTH`).
    pub bandwidth: u64,
    /// Whole-rendition average in bit/s (HLS `AVERAGE-BANDWIDTH`).
    pub average_bandwidth: u64,
}
