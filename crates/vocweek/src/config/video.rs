//! `[video]`: the transcode ladder and the limits of one transcode.

use serde::Deserialize;
use vocweek_media::photo::Target;
use vocweek_media::video::VideoSettings;

use super::PhotosConfig;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VideoConfig {
    /// The HLS ladder as short sides in pixels; never above the source.
    pub rungs: Vec<u32>,
    /// Short side of the MP4 download (the source's when smaller).
    pub download_rung: u32,
    /// libx264 preset (`ultrafast` … `veryslow`) and constant rate factor.
    pub preset: String,
    pub crf: u8,
    pub segment_seconds: u32,
    pub audio_bitrate_kbps: u32,
    pub max_frame_rate: f64,
    /// Largest accepted picture, checked from the header before decoding.
    pub max_pixels: u64,
    pub max_side: u32,
    /// Videos transcoded at once in this process (each keeps every core busy).
    pub concurrency: usize,
    /// A transcode is stopped after this many times the video's duration…
    pub time_limit_factor: f64,
    /// …but never before this many seconds.
    pub time_limit_min_seconds: u64,
}

impl Default for VideoConfig {
    fn default() -> Self {
        let defaults = VideoSettings::default();
        VideoConfig {
            rungs: defaults.rungs,
            download_rung: defaults.download_rung,
            preset: defaults.preset,
            crf: defaults.crf,
            segment_seconds: defaults.segment_seconds,
            audio_bitrate_kbps: defaults.audio_bitrate / 1000,
            max_frame_rate: defaults.max_frame_rate,
            max_pixels: defaults.max_pixels,
            max_side: defaults.max_side,
            concurrency: 1,
            time_limit_factor: 4.0,
            time_limit_min_seconds: 600,
        }
    }
}

impl VideoConfig {
    /// The media settings; the poster and thumbnail follow the photo sizes.
    pub fn settings(&self, photos: &PhotosConfig) -> VideoSettings {
        VideoSettings {
            rungs: self.rungs.clone(),
            download_rung: self.download_rung,
            preset: self.preset.clone(),
            crf: self.crf,
            gop_seconds: 2.0,
            segment_seconds: self.segment_seconds,
            audio_bitrate: self.audio_bitrate_kbps.saturating_mul(1000),
            max_frame_rate: self.max_frame_rate,
            max_pixels: self.max_pixels,
            max_side: self.max_side,
            poster: Target {
                long_edge: photos.preview_size,
                quality: photos.preview_quality,
            },
            thumb: Target {
                long_edge: photos.thumb_size,
                quality: photos.thumb_quality,
            },
        }
    }
}
