//! The master playlist, with bitrates measured from the segments actually written: with CRF
//! the encoder's nominal bitrate means nothing, and players pick a rendition by BANDWIDTH.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::MediaError;

/// One rendition as the master playlist and the asset describe it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RenditionStats {
    pub name: String,
    pub playlist: String,
    /// Pixel size, for video renditions.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Peak segment bitrate in bit/s (HLS `BANDWIDTH`).
    pub bandwidth: u64,
    /// Whole-rendition average in bit/s (HLS `AVERAGE-BANDWIDTH`).
    pub average_bandwidth: u64,
    pub segments: Vec<String>,
    pub duration_seconds: f64,
    #[serde(skip)]
    pub codecs: String,
    #[serde(skip)]
    pub frame_rate: Option<f64>,
}

/// Reads a media playlist's segments and their durations and sizes off disk.
pub fn measure_playlist(
    dir: &Path,
    playlist: &str,
) -> Result<(Vec<String>, f64, u64, u64), MediaError> {
    let text = std::fs::read_to_string(dir.join(playlist))
        .map_err(|e| MediaError::Internal(format!("reading {playlist}: {e}")))?;
    let mut segments = Vec::new();
    let mut measured = Vec::new();
    let mut pending: Option<f64> = None;
    for line in text.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("#EXTINF:") {
            let seconds = rest.split(',').next().unwrap_or("0");
            pending = seconds.trim().parse::<f64>().ok();
        } else if !line.is_empty() && !line.starts_with('#') {
            let duration = pending.take().unwrap_or(0.0);
            let size = std::fs::metadata(dir.join(line))
                .map_err(|e| MediaError::Internal(format!("segment {line}: {e}")))?
                .len();
            measured.push((duration, size));
            segments.push(line.to_owned());
        }
    }
    let (total_duration, peak, average) = bit_rates(measured);
    Ok((segments, total_duration, peak, average))
}

/// Segments given as (seconds, bytes): their total seconds, the peak segment bit rate (HLS
/// `BANDWIDTH`, never below the average) and the average (`AVERAGE-BANDWIDTH`), in bit/s.
pub(crate) fn bit_rates(segments: impl IntoIterator<Item = (f64, u64)>) -> (f64, u64, u64) {
    let mut total_duration = 0.0;
    let mut total_bits = 0u64;
    let mut peak = 0u64;
    for (duration, size) in segments {
        let bits = size.saturating_mul(8);
        total_bits = total_bits.saturating_add(bits);
        total_duration += duration;
        if duration > 0.0 {
            peak = peak.max((bits as f64 / duration).ceil() as u64);
        }
    }
    let average = if total_duration > 0.0 {
        (total_bits as f64 / total_duration).ceil() as u64
    } else {
        0
    };
    (total_duration, peak.max(average), average)
}

/// `master.m3u8`: the download-sized rendition first (players start with the first entry), then
/// the others from the largest down.
pub fn master_playlist(renditions: &[RenditionStats], first: usize) -> String {
    let mut text = String::from("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n");
    let order = std::iter::once(first).chain((0..renditions.len()).filter(|&i| i != first));
    for rendition in order.filter_map(|i| renditions.get(i)) {
        let _ = write!(
            text,
            "#EXT-X-STREAM-INF:BANDWIDTH={},AVERAGE-BANDWIDTH={}",
            rendition.bandwidth, rendition.average_bandwidth
        );
        if let (Some(w), Some(h)) = (rendition.width, rendition.height) {
            let _ = write!(text, ",RESOLUTION={w}x{h}");
        }
        if let Some(rate) = rendition.frame_rate {
            let _ = write!(text, ",FRAME-RATE={rate:.3}");
        }
        let _ = writeln!(text, ",CODECS=\"{}\"", rendition.codecs);
        let _ = writeln!(text, "{}", rendition.playlist);
    }
    text
}

/// The RFC 6381 name of an H.264 stream (`avc1.64001f`) from the SPS in a keyframe packet
/// (Annex B: the encoder repeats SPS/PPS before every keyframe).
pub fn avc1_codec(packet: &[u8]) -> Option<String> {
    let mut i = 0;
    while i + 3 < packet.len() {
        if packet[i] == 0 && packet[i + 1] == 0 && packet[i + 2] == 1 {
            let nal = packet.get(i + 3..i + 7)?;
            if nal[0] & 0x1f == 7 {
                return Some(format!("avc1.{:02x}{:02x}{:02x}", nal[1], nal[2], nal[3]));
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    None
}

/// HLS names AAC-LC `mp4a.40.2`.
pub const AAC_LC: &str = "mp4a.40.2";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_sps_profile_and_level() {
        let packet = [
            0, 0, 0, 1, 0x09, 0xf0, 0, 0, 1, 0x67, 0x64, 0x00, 0x1f, 0xac, 0, 0, 1, 0x68,
        ];
        assert_eq!(avc1_codec(&packet).as_deref(), Some("avc1.64001f"));
        assert_eq!(avc1_codec(&[0, 0, 1, 0x65, 1, 2, 3]), None);
    }

    #[test]
    fn measures_segments_and_writes_the_master() {
        let dir = std::env::temp_dir().join(format!("vocweek-master-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a_0.ts"), vec![0u8; 750_000]).unwrap();
        std::fs::write(dir.join("a_1.ts"), vec![0u8; 250_000]).unwrap();
        std::fs::write(
            dir.join("a.m3u8"),
            "#EXTM3U\n#EXTINF:6.000000,\na_0.ts\n#EXTINF:4.000000,\na_1.ts\n#EXT-X-ENDLIST\n",
        )
        .unwrap();
        let (segments, duration, peak, average) = measure_playlist(&dir, "a.m3u8").unwrap();
        assert_eq!(segments, ["a_0.ts", "a_1.ts"]);
        assert!((duration - 10.0).abs() < 1e-9);
        assert_eq!(peak, 1_000_000);
        assert_eq!(average, 800_000);
        let stats = RenditionStats {
            name: "360p".into(),
            playlist: "a.m3u8".into(),
            width: Some(640),
            height: Some(360),
            bandwidth: peak,
            average_bandwidth: average,
            segments,
            duration_seconds: duration,
            codecs: "avc1.64001e,mp4a.40.2".into(),
            frame_rate: Some(30.0),
        };
        let master = master_playlist(&[stats], 0);
        assert!(master.contains(
            "#EXT-X-STREAM-INF:BANDWIDTH=1000000,AVERAGE-BANDWIDTH=800000,RESOLUTION=640x360,FRAME-RATE=30.000,CODECS=\"avc1.64001e,mp4a.40.2\"\na.m3u8\n"
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
