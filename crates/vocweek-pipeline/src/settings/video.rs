//! `[video]`: the transcode ladder and the limits of one transcode.

use std::time::Duration;

use serde::Deserialize;
use vocweek_media::video::VideoSettings;

use super::{PhotosConfig, SettingError, refuse};
use crate::jobs::TimeLimit;

/// The longest chunk of a chunked transcode, in seconds.
const MAX_CHUNK_SECONDS: u32 = 3600;

/// x264's presets, fastest first.
const PRESETS: [&str; 9] = [
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
];

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
    /// Copy a source that already is the top rung's H.264 into it instead of re-encoding it.
    pub passthrough: bool,
    /// Largest accepted picture, checked from the header before decoding.
    pub max_pixels: u64,
    pub max_side: u32,
    /// Videos transcoded at once in this process (each keeps every core busy).
    pub concurrency: usize,
    /// A transcode is stopped after this many times the video's duration…
    pub time_limit_factor: f64,
    /// …but never before this many seconds.
    pub time_limit_min_seconds: u64,
    /// A video longer than this many seconds is transcoded in chunks, as separate jobs any
    /// worker may take (0: never).
    pub chunk_above_seconds: u32,
    /// The length of a chunk, in seconds (rounded to whole segments).
    pub chunk_seconds: u32,
}

impl Default for VideoConfig {
    fn default() -> Self {
        let defaults = VideoSettings::default();
        let time_limit = TimeLimit::default();
        VideoConfig {
            rungs: defaults.rungs,
            download_rung: defaults.download_rung,
            preset: defaults.preset,
            crf: defaults.crf,
            segment_seconds: defaults.segment_seconds,
            audio_bitrate_kbps: defaults.audio_bitrate / 1000,
            max_frame_rate: defaults.max_frame_rate,
            passthrough: defaults.passthrough,
            max_pixels: defaults.max_pixels,
            max_side: defaults.max_side,
            concurrency: 1,
            time_limit_factor: time_limit.factor,
            time_limit_min_seconds: time_limit.minimum.as_secs(),
            chunk_above_seconds: defaults.chunk_above_seconds,
            chunk_seconds: defaults.chunk_seconds,
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
            passthrough: self.passthrough,
            max_pixels: self.max_pixels,
            max_side: self.max_side,
            poster: photos.preview(),
            thumb: photos.thumb(),
            chunk_above_seconds: self.chunk_above_seconds,
            chunk_seconds: self.chunk_seconds,
        }
    }

    /// How long one transcode may run.
    pub fn time_limit(&self) -> TimeLimit {
        TimeLimit {
            factor: self.time_limit_factor,
            minimum: Duration::from_secs(self.time_limit_min_seconds),
        }
    }

    /// Every refusal of the section.
    pub fn check(&self) -> Result<(), SettingError> {
        if !PRESETS.contains(&self.preset.as_str()) {
            return refuse(format!(
                "video.preset must be one of {}",
                PRESETS.join(", ")
            ));
        }
        if self.crf > 51 {
            return refuse("video.crf must be between 0 and 51");
        }
        if self.rungs.is_empty() || self.rungs.iter().any(|r| *r < 2) {
            return refuse("video.rungs must list at least one size of 2 px or more");
        }
        if !(2..=20).contains(&self.segment_seconds) || !self.segment_seconds.is_multiple_of(2) {
            return refuse(
                "video.segment_seconds must be an even number of seconds from 2 to 20 (the \
                 keyframe interval is 2 s)",
            );
        }
        if !(1.0..=240.0).contains(&self.max_frame_rate) {
            return refuse("video.max_frame_rate must be between 1 and 240");
        }
        if self.time_limit_factor < 0.5 {
            return refuse("video.time_limit_factor must be at least 0.5");
        }
        self.check_chunks()
    }

    /// A chunk holds at least two segments (a shorter one would be mostly the overlap each
    /// chunk decodes before its start) and at most an hour (a chunk is one job's work).
    fn check_chunks(&self) -> Result<(), SettingError> {
        let shortest = self.segment_seconds.saturating_mul(2);
        if !(shortest..=MAX_CHUNK_SECONDS).contains(&self.chunk_seconds) {
            return refuse(format!(
                "video.chunk_seconds must be from 2 × video.segment_seconds ({shortest}) to \
                 {MAX_CHUNK_SECONDS}"
            ));
        }
        if self.chunk_above_seconds != 0 && self.chunk_above_seconds < self.chunk_seconds {
            return refuse(
                "video.chunk_above_seconds must be 0 (never chunk) or at least \
                 video.chunk_seconds",
            );
        }
        Ok(())
    }
}
