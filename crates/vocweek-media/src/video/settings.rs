//! How videos are transcoded; see `[video]` in the configuration.

use crate::photo::Target;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct VideoSettings {
    /// The ladder's rungs, as the short side in pixels (1080 = 1080p, also for portrait video).
    pub rungs: Vec<u32>,
    /// The MP4 download's short side (the source's when smaller).
    pub download_rung: u32,
    /// x264 preset and constant rate factor; each rung's bitrate is capped (VBV) as well.
    pub preset: String,
    pub crf: u8,
    /// A keyframe every this many seconds, in every rendition at the same instants.
    pub gop_seconds: f64,
    /// Target HLS segment length; a multiple of the GOP.
    pub segment_seconds: u32,
    pub audio_bitrate: u32,
    /// Highest output frame rate; faster sources are reduced to it.
    pub max_frame_rate: f64,
    /// A source that already is what the top rung would be (H.264 8-bit 4:2:0 at the rung's
    /// size, progressive and upright, within its bitrate cap, a keyframe at least every 4 s, a
    /// constant frame rate) becomes the top rung as it is, its packets copied, not re-encoded;
    /// the other rungs then put their keyframes where the source has them.
    pub passthrough: bool,
    /// Largest accepted picture, checked from the header before any decoding.
    pub max_pixels: u64,
    pub max_side: u32,
    /// The poster JPEG's long edge and quality.
    pub poster: Target,
    /// The thumbnail, made from the poster by the photo thumbnail code.
    pub thumb: Target,
    /// A video longer than this many seconds is cut into chunks of about `chunk_seconds`,
    /// transcoded as separate jobs (on any node) and stitched together; 0 never cuts one.
    #[serde(default = "default_chunk_above_seconds")]
    pub chunk_above_seconds: u32,
    /// The length a chunk aims at, in seconds: a whole number of segments.
    #[serde(default = "default_chunk_seconds")]
    pub chunk_seconds: u32,
}

/// Settings written before chunks existed still read: they get the defaults.
fn default_chunk_above_seconds() -> u32 {
    1200
}

fn default_chunk_seconds() -> u32 {
    120
}

impl Default for VideoSettings {
    fn default() -> Self {
        VideoSettings {
            rungs: vec![1080, 720, 480, 360],
            download_rung: 720,
            preset: "veryfast".to_owned(),
            crf: 23,
            gop_seconds: 2.0,
            segment_seconds: 6,
            audio_bitrate: 128_000,
            max_frame_rate: 60.0,
            passthrough: true,
            max_pixels: 8192 * 4320,
            max_side: 8192,
            poster: Target {
                long_edge: 1280,
                quality: 85,
            },
            thumb: Target {
                long_edge: 320,
                quality: 80,
            },
            chunk_above_seconds: default_chunk_above_seconds(),
            chunk_seconds: default_chunk_seconds(),
        }
    }
}

impl VideoSettings {
    /// The VBV cap for a rendition of `width`×`height`: about 3 Mbit/s at 720p, scaled by area
    /// (so 1080p ≈ 6.75, 480p ≈ 1.33, 360p ≈ 0.75 Mbit/s), never below 400 kbit/s.
    pub fn max_bitrate(&self, width: u32, height: u32) -> u32 {
        let area = f64::from(width) * f64::from(height);
        let per_pixel = 3_000_000.0 / (1280.0 * 720.0);
        ((area * per_pixel) as u32).max(400_000)
    }
}
