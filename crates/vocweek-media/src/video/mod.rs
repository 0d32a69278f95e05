//! Video: probe a file, then one pass that decodes it once and feeds every rendition of the
//! HLS ladder (a scaler and an H.264 encoder per rung), the MP4 download and the poster. A
//! source that already is the top rung's H.264 is copied into it instead (`passthrough`).
//!
//! Segments are MPEG-TS, not fMP4: every segment is a self-contained file any player or
//! `ffprobe` can decode on its own (no init segment to pair it with), which keeps checks and
//! CDN debugging simple, and every browser we target plays it (hls.js on MSE, Safari natively).
//! fMP4's smaller overhead matters for HEVC/AV1 ladders, which we do not produce.
//!
//! A long video is cut into chunks transcoded separately (`plan_chunks`, `transcode_chunk`)
//! and joined (`stitch`) into the same renditions.
//!
//! A live channel's publish is transcoded by the same machinery as it arrives
//! (`transcode_live`, `live/`).

mod audio_path;
mod avc_config;
mod chunk;
mod chunk_plan;
mod chunk_range;
mod cleanup;
mod clip;
mod clip_copy;
mod clip_encode;
mod clip_plan;
mod clip_writer;
mod conform;
mod control;
mod declared_size;
mod fourcc;
mod h264_nal;
mod h264_sps;
mod header;
mod ladder;
mod live;
mod master;
mod outputs;
mod passthrough;
mod pipeline;
mod poster;
mod probe;
mod remux;
mod replay;
mod run;
mod settings;
mod source_gops;
mod stitch;
mod stream_end;
mod transcode;
mod video_path;

pub use chunk::{ChunkFacts, ChunkOutput, ChunkRung, ChunkSegment, transcode_chunk};
pub use chunk_plan::{ChunkPlan, ChunkSpec, plan_chunks};
pub use clip::{ClipFacts, cut_clip};
pub use control::Control;
pub use ladder::{Rung, choose_rungs};
pub use live::{
    LiveEvent, LiveFacts, LiveLadder, LiveRendition, LiveRung, LiveSegment, RECORDING_FILE,
    transcode_live,
};
pub use master::{RenditionStats, measure_playlist};
pub use probe::{AudioFacts, VideoFacts, VideoProbe, probe_file};
pub use replay::live_replay;
pub use settings::VideoSettings;
pub use stitch::{DOWNLOAD_FILE, StitchDownload, check_chunks, stitch};
pub use transcode::{DownloadFile, TranscodeOutput, transcode};

/// Initialises the libraries once per process and keeps their log to errors only (our own
/// errors carry the details that matter).
pub(crate) fn init() -> Result<(), crate::MediaError> {
    static INIT: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    INIT.get_or_init(|| {
        ffmpeg_next::init().map_err(|e| e.to_string())?;
        ffmpeg_next::util::log::set_level(ffmpeg_next::util::log::Level::Fatal);
        Ok(())
    })
    .clone()
    .map_err(|e| crate::MediaError::Internal(format!("ffmpeg did not initialise: {e}")))
}
