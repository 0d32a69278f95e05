//! A live event's replay, made from the segments its live transcode already stored — never a
//! second transcode: each rendition's VOD playlist (a discontinuity where a reconnected
//! publish starts), the master playlist, the MP4 download remuxed from the top rung's
//! segments (each publish's clock joined to the one before), and a poster decoded from the
//! first seconds. Each publish is a "chunk" of the stitch (`stitch.rs`).

use std::path::Path;

use ff::media::Type as MediaType;
use ffmpeg_next as ff;

use super::chunk::ChunkFacts;
use super::poster::PosterPicker;
use super::probe::{open_input, probe_file};
use super::settings::VideoSettings;
use super::stitch::stitch;
use super::transcode::TranscodeOutput;
use crate::MediaError;
use crate::photo::poster_renditions;

/// The poster is chosen among the first seconds of the replay: the decode it costs stays a
/// small part of the few seconds a replay takes, however long the event.
const POSTER_FROM_SECONDS: f64 = 20.0;

/// Writes the replay of a live event into `out_dir`. `parts` is each publish's top-rung
/// segments joined in one file, in order; `publishes` the facts of each publish's segments
/// (chunk `k` = publish `k`), whose `probe` is filled in here from the first part. On
/// failure `out_dir` is left as it was found.
pub fn live_replay(
    parts: &[&Path],
    out_dir: &Path,
    publishes: &mut [ChunkFacts],
    settings: &VideoSettings,
) -> Result<TranscodeOutput, MediaError> {
    let first = parts
        .first()
        .ok_or_else(|| MediaError::Internal("a replay of no publish".to_owned()))?;
    let probe = probe_file(first, settings)?;
    let probed = serde_json::to_value(&probe)
        .map_err(|e| MediaError::Internal(format!("the replay's probe: {e}")))?;
    if let Some(publish) = publishes.first_mut() {
        publish.probe = probed;
    }
    let mut output = stitch(parts, out_dir, publishes, settings)?;
    let window = output.duration_seconds.clamp(0.5, POSTER_FROM_SECONDS);
    if let Some(rgb) = pick_poster(first, window)? {
        let (poster, thumb) = poster_renditions(rgb, settings.poster, settings.thumb)?;
        output.poster = Some(poster);
        output.thumb = Some(thumb);
    }
    Ok(output)
}

/// Decodes the pictures of the first `window` seconds of `part` and keeps the best poster.
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
        if packet_stream.index() != index {
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
    picker.finish()
}
