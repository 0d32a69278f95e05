//! The text of live HLS playlists (RFC 8216), from what is listed: a master playlist naming
//! each rendition with its measured bandwidth, and a rendition's media playlist over a window
//! of its segments. Pure text, no I/O.

use std::fmt::Write;

/// A rendition as the master playlist names it.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Relative to the master playlist (`<event>/720p.m3u8`).
    pub uri: String,
    /// Peak segment bitrate in bit/s.
    pub bandwidth: u64,
    pub average_bandwidth: u64,
    pub width: u32,
    pub height: u32,
    pub codecs: String,
    pub frame_rate: f64,
}

/// A segment as a media playlist lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Relative to the media playlist (`720p_00003.ts`).
    pub uri: String,
    pub duration_ms: i32,
    pub discontinuity: bool,
}

pub fn master(variants: &[Variant]) -> String {
    let mut text = String::from("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n");
    for v in variants {
        // Writing into a String cannot fail.
        let _ = write!(
            text,
            "#EXT-X-STREAM-INF:BANDWIDTH={},AVERAGE-BANDWIDTH={},RESOLUTION={}x{},CODECS=\"{}\",FRAME-RATE={:.3}\n{}\n",
            v.bandwidth.max(1),
            v.average_bandwidth.max(1),
            v.width,
            v.height,
            v.codecs,
            v.frame_rate,
            v.uri
        );
    }
    text
}

/// A media playlist of `entries`, the first numbered `first_sequence`, with
/// `discontinuities_before` discontinuities earlier in the rendition (they have slid out of
/// the window, and a player counts them to match renditions). `ended`: the event is over and
/// nothing will be added (`EXT-X-ENDLIST`).
pub fn media(
    first_sequence: i64,
    discontinuities_before: i64,
    entries: &[Entry],
    ended: bool,
) -> String {
    // The target must be at least every segment's rounded duration (RFC 8216 4.3.3.1).
    let target = entries
        .iter()
        .map(|e| (i64::from(e.duration_ms.max(0)) + 999) / 1000)
        .max()
        .unwrap_or(2)
        .max(2);
    let mut text = String::new();
    let _ = write!(
        text,
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:{target}\n#EXT-X-MEDIA-SEQUENCE:{first_sequence}\n#EXT-X-DISCONTINUITY-SEQUENCE:{discontinuities_before}\n"
    );
    for entry in entries {
        if entry.discontinuity {
            text.push_str("#EXT-X-DISCONTINUITY\n");
        }
        let _ = write!(
            text,
            "#EXTINF:{}.{:03},\n{}\n",
            entry.duration_ms / 1000,
            entry.duration_ms % 1000,
            entry.uri
        );
    }
    if ended {
        text.push_str("#EXT-X-ENDLIST\n");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_window_with_a_discontinuity() {
        let entries = [
            Entry {
                uri: "720p_00004.ts".to_owned(),
                duration_ms: 2000,
                discontinuity: false,
            },
            Entry {
                uri: "720p_00005.ts".to_owned(),
                duration_ms: 2533,
                discontinuity: true,
            },
        ];
        let text = media(4, 1, &entries, false);
        assert_eq!(
            text,
            "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:3\n#EXT-X-MEDIA-SEQUENCE:4\n\
             #EXT-X-DISCONTINUITY-SEQUENCE:1\n#EXTINF:2.000,\n720p_00004.ts\n\
             #EXT-X-DISCONTINUITY\n#EXTINF:2.533,\n720p_00005.ts\n"
        );
        assert!(media(4, 1, &entries, true).ends_with("#EXT-X-ENDLIST\n"));
    }

    #[test]
    fn the_master_names_every_rendition() {
        let text = master(&[Variant {
            uri: "ev/720p.m3u8".to_owned(),
            bandwidth: 3_000_000,
            average_bandwidth: 2_500_000,
            width: 1280,
            height: 720,
            codecs: "avc1.64001f,mp4a.40.2".to_owned(),
            frame_rate: 30.0,
        }]);
        assert!(text.contains(
            "BANDWIDTH=3000000,AVERAGE-BANDWIDTH=2500000,RESOLUTION=1280x720,CODECS=\"avc1.64001f,mp4a.40.2\",FRAME-RATE=30.000\nev/720p.m3u8\n"
        ), "{text}");
    }
}
