//! One pass over the input: every packet is decoded once; each decoded picture goes through
//! the filter graph to every rung's encoder, each decoded sound frame through the resampler to
//! the one AAC encoder; every encoder and muxer is drained after each frame, so memory does not
//! grow with the duration.

use std::path::Path;

use ffmpeg_next as ff;
use serde::Serialize;

use super::cleanup::Before;
use super::control::Control;
use super::master::{AAC_LC, RenditionStats, master_playlist, measure_playlist};
use super::passthrough::{PassthroughPlan, plan};
use super::probe::{VideoProbe, open_input, read_probe};
use super::run::{Closed, Run};
use super::settings::VideoSettings;
use crate::MediaError;
use crate::photo::{Encoded, poster_renditions};

/// Everything a transcode wrote into its output directory, and what it learned.
#[derive(Debug, Serialize)]
pub struct TranscodeOutput {
    pub probe: VideoProbe,
    /// Seconds of content actually produced (the longest rendition), whatever the header said.
    pub duration_seconds: f64,
    pub frame_rate: Option<f64>,
    /// Some frames were flagged interlaced and were deinterlaced.
    pub interlaced: bool,
    /// The top rendition is the source's own H.264, copied packet for packet, not re-encoded
    /// (see `video.passthrough`); the other renditions have their keyframes where it has them.
    pub top_rung_passthrough: bool,
    /// Packets that could not be read or decoded and were skipped (damage recovered from).
    pub damaged_packets: u64,
    /// `master.m3u8`.
    pub master: String,
    pub renditions: Vec<RenditionStats>,
    /// The MP4 (or, for sound only, M4A) download: file name, type and size.
    pub download: Option<DownloadFile>,
    #[serde(skip)]
    pub poster: Option<Encoded>,
    #[serde(skip)]
    pub thumb: Option<Encoded>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DownloadFile {
    pub file: String,
    pub mime: &'static str,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

impl TranscodeOutput {
    /// Every file written, relative to the output directory.
    pub fn files(&self) -> Vec<String> {
        let mut files = vec![self.master.clone()];
        for rendition in &self.renditions {
            files.push(rendition.playlist.clone());
            files.extend(rendition.segments.iter().cloned());
        }
        files.extend(self.download.iter().map(|d| d.file.clone()));
        files
    }
}

/// Transcodes `input` into `out_dir` (created if needed): the HLS ladder, the master playlist,
/// the download and the poster. Blocking and CPU-heavy; `control` reports progress and can
/// cancel it from another thread. On failure (cancellation included) `out_dir` is left as it
/// was found: what this transcode wrote there is removed.
pub fn transcode(
    input: &Path,
    out_dir: &Path,
    settings: &VideoSettings,
    control: &Control,
) -> Result<TranscodeOutput, MediaError> {
    // The same code as an upload's: a zero-byte file is empty, not an unreadable video.
    if std::fs::metadata(input).is_ok_and(|meta| meta.len() == 0) {
        return Err(MediaError::Empty);
    }
    let before = Before::note(out_dir);
    // Every muxer has been dropped (its files closed) by the time this returns.
    let result = transcode_into(input, out_dir, settings, control, &before);
    if result.is_err() {
        before.restore();
    }
    result
}

fn transcode_into(
    input: &Path,
    out_dir: &Path,
    settings: &VideoSettings,
    control: &Control,
    before: &Before,
) -> Result<TranscodeOutput, MediaError> {
    super::init()?;
    std::fs::create_dir_all(out_dir)
        .map_err(|e| MediaError::Internal(format!("creating {}: {e}", out_dir.display())))?;
    super::probe::check_declared_size(input, settings)?;
    let context = open_input(input)?;
    let probe = read_probe(&context, input, settings)?;
    let start = start_seconds(&context, &probe);
    let Some(passthrough) = plan(input, &probe, start, settings, control)? else {
        return transcode_once(context, &probe, start, out_dir, settings, control, None);
    };
    match transcode_once(
        context,
        &probe,
        start,
        out_dir,
        settings,
        control,
        Some(&passthrough),
    ) {
        // The copy is the one thing this run does that the usual path does not, and a muxer
        // that refuses its stream (its header, a packet midway, its trailer) fails with an
        // internal error: then the usual path is taken from the start, as if the source had not
        // qualified. Other errors (cancelled, undecodable) would be the usual path's too.
        Err(error @ MediaError::Internal(_)) => {
            tracing::warn!(
                %error,
                "the copied top rung cannot be written; starting again with it encoded"
            );
            // Half-written playlists and segments go: the new run's would be mixed with them.
            before.restore();
            std::fs::create_dir_all(out_dir).map_err(|e| {
                MediaError::Internal(format!("creating {}: {e}", out_dir.display()))
            })?;
            // A fresh demuxer: the first one has been read up to where the copy failed.
            let context = open_input(input)?;
            transcode_once(context, &probe, start, out_dir, settings, control, None)
        }
        result => result,
    }
}

/// One transcode of the opened input into `out_dir`, the top rung copied when `passthrough`.
fn transcode_once(
    mut context: ff::format::context::Input,
    probe: &VideoProbe,
    start: f64,
    out_dir: &Path,
    settings: &VideoSettings,
    control: &Control,
    passthrough: Option<&PassthroughPlan>,
) -> Result<TranscodeOutput, MediaError> {
    let mut run = Run::new(&context, probe, start, out_dir, settings, passthrough, None)?;
    run.read_all(&mut context, control)?;
    finish(run, probe.clone(), out_dir, settings)
}

/// The renditions' playlists measured, the master written, the poster made: what a whole
/// transcode hands back.
fn finish(
    run: Run,
    probe: VideoProbe,
    out_dir: &Path,
    settings: &VideoSettings,
) -> Result<TranscodeOutput, MediaError> {
    run.check_decoded()?;
    let Closed {
        damaged,
        sounds,
        rungs: names,
        frame_rate,
        interlaced,
        top_rung_passthrough,
        download_rung,
        download_path,
        poster,
    } = run.close()?;
    let has_audio = sounds > 0;
    let mut renditions = Vec::new();
    for (name, size, video_codec) in names {
        let playlist = format!("{name}.m3u8");
        let (segments, duration, bandwidth, average) = measure_playlist(out_dir, &playlist)?;
        let codecs = codecs_of(video_codec, has_audio);
        renditions.push(RenditionStats {
            name,
            playlist,
            width: size.map(|s| s.0),
            height: size.map(|s| s.1),
            bandwidth,
            average_bandwidth: average,
            segments,
            duration_seconds: duration,
            codecs,
            frame_rate,
        });
    }
    let master = "master.m3u8".to_owned();
    let first = if frame_rate.is_some() {
        download_rung
    } else {
        0
    };
    std::fs::write(out_dir.join(&master), master_playlist(&renditions, first))
        .map_err(|e| MediaError::Internal(format!("writing the master playlist: {e}")))?;
    let download = download_path.map(|path| {
        let rung = renditions
            .get(download_rung)
            .filter(|_| frame_rate.is_some());
        DownloadFile {
            file: file_name(&path),
            mime: if frame_rate.is_some() {
                "video/mp4"
            } else {
                "audio/mp4"
            },
            width: rung.and_then(|r| r.width),
            height: rung.and_then(|r| r.height),
        }
    });
    let (poster, thumb) = match poster.finish()? {
        Some(rgb) => {
            let (poster, thumb) = poster_renditions(rgb, settings.poster, settings.thumb)?;
            (Some(poster), Some(thumb))
        }
        None => (None, None),
    };
    let duration_seconds = renditions
        .iter()
        .map(|r| r.duration_seconds)
        .fold(0.0, f64::max);
    Ok(TranscodeOutput {
        probe,
        duration_seconds,
        frame_rate,
        interlaced,
        top_rung_passthrough,
        damaged_packets: damaged,
        master,
        renditions,
        download,
        poster,
        thumb,
    })
}
/// A rendition's RFC 6381 `CODECS`: its H.264, then AAC when it carries sound.
pub(super) fn codecs_of(video_codec: Option<String>, has_audio: bool) -> String {
    match (video_codec, has_audio) {
        (Some(v), true) => format!("{v},{AAC_LC}"),
        (Some(v), false) => v,
        (None, _) => AAC_LC.to_owned(),
    }
}

/// The earliest start among the streams we use, in seconds (the common zero).
pub(super) fn start_seconds(context: &ff::format::context::Input, probe: &VideoProbe) -> f64 {
    let used = [
        probe.video.as_ref().map(|v| v.stream_index),
        probe.audio.as_ref().map(|a| a.stream_index),
    ];
    used.into_iter()
        .flatten()
        .filter_map(|i| context.stream(i))
        .filter(|s| s.start_time() != ff::ffi::AV_NOPTS_VALUE)
        .map(|s| s.start_time() as f64 * f64::from(s.time_base()))
        .fold(None, |min: Option<f64>, t| {
            Some(min.map_or(t, |m| m.min(t)))
        })
        .unwrap_or(0.0)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
