//! A live event's replay, made from the segments its live transcode already stored — never a
//! second transcode: each rendition's VOD playlist (a discontinuity where a reconnected
//! publish starts), the master playlist, the MP4 download, and a poster decoded from the
//! first seconds. Each publish is a "chunk" of the stitch (`stitch.rs`).
//!
//! The download is the publish's recording when the live transcode made one (`live::recording`:
//! written while the stream came, so the end costs no pass over the stream's bytes), checked
//! against the segments it stands for; otherwise it is remuxed from the top rung's segments,
//! each publish's clock joined to the one before.

use std::path::Path;

use ff::media::Type as MediaType;
use ffmpeg_next as ff;

use super::chunk::ChunkFacts;
use super::poster::PosterPicker;
use super::probe::{open_input, probe_file};
use super::settings::VideoSettings;
use super::stitch::{DOWNLOAD_FILE, StitchDownload, stitch};
use super::transcode::TranscodeOutput;
use crate::MediaError;
use crate::photo::poster_renditions;

/// The poster is chosen among the keyframes of the first minute of the replay: about thirty
/// pictures decoded, a fraction of a second, however long the event. (Every picture of the
/// first 20 s, as at first, took 2–3 s of a 1080p replay's few seconds.)
const POSTER_FROM_SECONDS: f64 = 60.0;

/// How far a recording's length may be from its segments' before it is not taken for them:
/// the sound may run a frame or two past the last picture.
const RECORDING_TOLERANCE_SECONDS: f64 = 1.0;

/// Writes the replay of a live event into `out_dir`. `download` is each publish's top-rung
/// segments joined in one file, in order, or `Ready` for a single publish whose recording is
/// in `out_dir` as the download already; `publishes` the facts of each publish's segments
/// (chunk `k` = publish `k`), whose `probe` is filled in here from the first part. On
/// failure `out_dir` is left as it was found.
pub fn live_replay(
    download: StitchDownload<'_>,
    out_dir: &Path,
    publishes: &mut [ChunkFacts],
    settings: &VideoSettings,
) -> Result<TranscodeOutput, MediaError> {
    let recording = out_dir.join(DOWNLOAD_FILE);
    let first = match download {
        StitchDownload::Remux(parts) => *parts
            .first()
            .ok_or_else(|| MediaError::Internal("a replay of no publish".to_owned()))?,
        StitchDownload::Ready => recording.as_path(),
    };
    let probe = probe_file(first, settings)?;
    if matches!(download, StitchDownload::Ready) {
        check_recording(probe.declared_duration_seconds, publishes)?;
    }
    let probed = serde_json::to_value(&probe)
        .map_err(|e| MediaError::Internal(format!("the replay's probe: {e}")))?;
    if let Some(publish) = publishes.first_mut() {
        publish.probe = probed;
    }
    let mut output = stitch(download, out_dir, publishes, settings)?;
    let window = output.duration_seconds.clamp(0.5, POSTER_FROM_SECONDS);
    if let Some(rgb) = pick_poster(first, window)? {
        let (poster, thumb) = poster_renditions(rgb, settings.poster, settings.thumb)?;
        output.poster = Some(poster);
        output.thumb = Some(thumb);
    }
    Ok(output)
}

/// A recording stands for the segments of the one publish it was made with: as long as they
/// are, within `RECORDING_TOLERANCE_SECONDS`.
fn check_recording(lasts: Option<f64>, publishes: &[ChunkFacts]) -> Result<(), MediaError> {
    let [publish] = publishes else {
        return Err(MediaError::Internal(format!(
            "a recording stands for one publish, not {}",
            publishes.len()
        )));
    };
    let segments: f64 = publish
        .rungs
        .get(publish.download_rung)
        .map(|rung| rung.segments.iter().map(|s| s.duration_seconds).sum())
        .unwrap_or(0.0);
    match lasts {
        Some(lasts) if (lasts - segments).abs() <= RECORDING_TOLERANCE_SECONDS => Ok(()),
        _ => Err(MediaError::Internal(format!(
            "the recording lasts {lasts:?} s, its segments {segments} s"
        ))),
    }
}

/// Decodes the keyframes of the first `window` seconds of `part` and keeps the best poster.
fn pick_poster(part: &Path, window: f64) -> Result<Option<crate::photo::Rgb>, MediaError> {
    let failed = |what: &'static str| {
        move |e: ff::Error| MediaError::Internal(format!("the replay's poster: {what}: {e}"))
    };
    let mut input = open_input(part)?;
    let Some(stream) = input.streams().best(MediaType::Video) else {
        return Ok(None);
    };
    let index = stream.index();
    let time_base = f64::from(stream.time_base());
    let start = Some(stream.start_time())
        .filter(|&t| t != ff::ffi::AV_NOPTS_VALUE)
        .unwrap_or(0);
    let context = ff::codec::context::Context::from_parameters(stream.parameters())
        .map_err(failed("its decoder"))?;
    let mut decoder = context.decoder().video().map_err(failed("its decoder"))?;
    let mut picker = PosterPicker::new(Some(window / 0.6));
    let mut frame = ff::frame::Video::empty();
    let mut seen_until = 0.0;
    for (packet_stream, packet) in input.packets() {
        // A keyframe decodes alone; the pictures between them are not candidates.
        if packet_stream.index() != index || !packet.is_key() {
            continue;
        }
        // A damaged packet in a stored segment only costs its picture.
        if decoder.send_packet(&packet).is_err() {
            continue;
        }
        while decoder.receive_frame(&mut frame).is_ok() {
            let shown = frame.timestamp().or(frame.pts()).unwrap_or(start);
            seen_until = (shown.saturating_sub(start)) as f64 * time_base;
            picker.offer(&frame, seen_until);
        }
        if seen_until > window {
            break;
        }
    }
    // The pictures the decoder's threads still hold: a short replay has only a few keyframes.
    if decoder.send_eof().is_ok() {
        while decoder.receive_frame(&mut frame).is_ok() {
            let shown = frame.timestamp().or(frame.pts()).unwrap_or(start);
            picker.offer(&frame, (shown.saturating_sub(start)) as f64 * time_base);
        }
    }
    picker.finish()
}
