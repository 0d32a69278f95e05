//! A clip of a video (an editor's in- and out-points on the player): the pictures between
//! them and their sound, as an MP4 that starts with a keyframe. Whole GOPs are copied, only
//! the partial GOPs at the edges are encoded again (`clip_plan.rs`, `clip_encode.rs`); the
//! sound is copied.
//!
//! Two reads of the stretch around the clip, each starting with a seek to the keyframe before
//! the in-point: the first lists the pictures (packets only, nothing decoded), the second
//! writes the clip. A clip of ten seconds from a three-hour replay reads about its own length.

use std::path::Path;

use ff::{Packet, Rational, codec, format};
use ffmpeg_next as ff;
use serde::{Deserialize, Serialize};

use super::avc_config::avc_config;
use super::clip_encode::EncodedRun;
use super::clip_plan::{ClipPlan, Picture};
use super::clip_writer::ClipWriter;
use super::h264_nal::Framing;
use super::pipeline::seconds_to_ts;
use super::probe::{open_input, probe_file};
use super::settings::VideoSettings;
use super::transcode::start_seconds;
use crate::MediaError;

/// FFmpeg's seek unit (`AV_TIME_BASE`).
const SEEK_UNITS_PER_SECOND: f64 = 1_000_000.0;
/// Read this far past the out-point: far enough for the pictures a reordering delay shows
/// later, and for the picture just after the clip (is it a keyframe?).
const READ_PAST_SECONDS: f64 = 2.0;

/// What a clip is: where it was cut and what it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClipFacts {
    /// The clip's first and last-plus-one pictures, in seconds on the source's clock.
    pub from_seconds: f64,
    pub to_seconds: f64,
    pub pictures: u64,
    /// Pictures copied as they were, and encoded again.
    pub copied_pictures: u64,
    pub encoded_pictures: u64,
}

/// Cuts the pictures shown from `from` to `to` seconds (the player's clock: 0 is the video's
/// first picture or sound) of `input` into the MP4 `output`.
pub fn cut_clip(
    input: &Path,
    from: f64,
    to: f64,
    output: &Path,
    settings: &VideoSettings,
) -> Result<ClipFacts, MediaError> {
    super::init()?;
    if !(from.is_finite() && to.is_finite() && from >= 0.0 && to > from) {
        return Err(MediaError::VideoCorrupt(format!(
            "a clip from {from} s to {to} s is not a stretch of the video"
        )));
    }
    let probe = probe_file(input, settings)?;
    let facts = probe.video.as_ref().ok_or_else(|| {
        MediaError::VideoCorrupt("the video has no pictures to cut a clip from".to_owned())
    })?;
    if facts.rotation != 0 {
        // The copied pictures would need the source's display matrix, which we cannot write.
        return Err(MediaError::VideoUnsupportedCodec(
            "clips of a video shown rotated are not supported yet".to_owned(),
        ));
    }
    let mut context = open_input(input)?;
    let zero = start_seconds(&context, &probe);
    let video = facts.stream_index;
    let audio = probe.audio.as_ref().map(|a| a.stream_index);
    let stream = context
        .stream(video)
        .ok_or_else(|| MediaError::Internal("the video stream vanished".to_owned()))?;
    let time_base = stream.time_base();
    let framing = copy_framing(input, &context, &stream, &facts.pixel_format);
    let half_picture = seconds_to_ts(0.5 / facts.frame_rate.max(1.0), time_base);
    let (from_ts, to_ts) = (
        seconds_to_ts(zero + from, time_base),
        seconds_to_ts(zero + to, time_base),
    );

    let listed = list_around(
        &mut context,
        video,
        zero + from,
        from_ts - half_picture,
        to_ts,
        time_base,
    )?;
    let (mut pictures, to_the_end, seek_to) = listed;
    let plan = ClipPlan::new(
        &mut pictures,
        from_ts,
        to_ts,
        half_picture,
        to_the_end,
        framing.is_some(),
    )
    .ok_or_else(|| {
        MediaError::VideoCorrupt(format!(
            "no picture of the video lies between {from} s and {to} s"
        ))
    })?;

    // Decoding starts on the keyframe at or before the clip's first picture; whatever the
    // seek lands on before it is skipped.
    let start_key = pictures
        .iter()
        .filter(|p| p.key && p.pts <= plan.first)
        .map(|p| p.pts)
        .max()
        .ok_or_else(|| MediaError::Internal("no keyframe before the clip".to_owned()))?;
    seek_before(&mut context, seek_to)?;
    let mut started = false;
    let mut writer = ClipWriter::open(&context, video, audio, output, &plan, time_base)?;
    let mut run = Some(EncodedRun::new(&stream_of(&context, video)?, settings)?);
    let mut encoded = 0u64;
    let mut made = Vec::new();
    let stop_at = to_ts.saturating_add(seconds_to_ts(READ_PAST_SECONDS, time_base));
    loop {
        let mut packet = Packet::empty();
        match packet.read(&mut context) {
            Ok(()) => {}
            Err(ff::Error::Eof) => break,
            Err(e) => return Err(MediaError::VideoCorrupt(format!("reading the video: {e}"))),
        }
        if Some(packet.stream()) == audio {
            writer.sound(packet)?;
            continue;
        }
        if packet.stream() != video {
            continue;
        }
        let Some(pts) = packet.pts() else { continue };
        started = started || (packet.is_key() && pts == start_key);
        if !started {
            continue;
        }
        if plan.copies(pts) {
            // The run before the copy ends at its first keyframe; the next run starts after.
            if let Some(head) = run.take() {
                encoded += head.finish(&plan, &mut made)?;
                writer.pictures(&mut made)?;
            }
            let (sets, copied_framing) = framing.as_ref().ok_or_else(|| {
                MediaError::Internal("a copy planned without a framing".to_owned())
            })?;
            writer.copied(&packet, *copied_framing, sets)?;
            continue;
        }
        if packet.dts().unwrap_or(pts) > stop_at {
            break;
        }
        let current = match run.as_mut() {
            Some(current) => current,
            None => run.insert(EncodedRun::new(&stream_of(&context, video)?, settings)?),
        };
        current.packet(&packet, &plan, &mut made)?;
        writer.pictures(&mut made)?;
    }
    if let Some(last) = run.take() {
        encoded += last.finish(&plan, &mut made)?;
        writer.pictures(&mut made)?;
    }
    writer.finish()?;
    let seconds = |ts: i64| ts as f64 * f64::from(time_base) - zero;
    Ok(ClipFacts {
        from_seconds: seconds(plan.first),
        to_seconds: plan
            .after
            .map_or(seconds(plan.first) + writer.video_seconds(), seconds),
        pictures: plan.pictures as u64,
        copied_pictures: plan.copied as u64,
        encoded_pictures: encoded,
    })
}

fn stream_of(
    context: &format::context::Input,
    index: usize,
) -> Result<format::stream::Stream<'_>, MediaError> {
    context
        .stream(index)
        .ok_or_else(|| MediaError::Internal("the video stream vanished".to_owned()))
}

/// How the source's packets can be copied into the clip, with the parameter sets a copied
/// keyframe needs in front: `None` when they cannot (not H.264 8-bit 4:2:0, or framed in a
/// way we cannot read), and the whole clip is encoded.
fn copy_framing(
    input: &Path,
    context: &format::context::Input,
    stream: &format::stream::Stream,
    pixel_format: &str,
) -> Option<(Vec<Vec<u8>>, Framing)> {
    if stream.parameters().id() != codec::Id::H264
        || !matches!(pixel_format, "yuv420p" | "yuvj420p")
    {
        return None;
    }
    let format = context.format();
    let container = format.name();
    if container.contains("mp4") || container.contains("mov") {
        let config = avc_config(input, stream.id())?;
        (!config.parameter_sets.is_empty()).then_some((
            config.parameter_sets,
            Framing::LengthPrefixed(config.length_size),
        ))
    } else if container == "mpegts" {
        // Annex B with the parameter sets in the stream already.
        Some((Vec::new(), Framing::AnnexB))
    } else {
        None
    }
}

/// Back to the keyframe at or before `seconds` (on the file's clock).
fn seek_before(context: &mut format::context::Input, seconds: f64) -> Result<(), MediaError> {
    let ts = (seconds.max(0.0) * SEEK_UNITS_PER_SECOND) as i64;
    context
        .seek(ts, ..ts.saturating_add(1))
        .map_err(|e| MediaError::VideoCorrupt(format!("cannot seek in the video: {e}")))
}

/// Seeks short of the in-point and lists the pictures from the first keyframe after the seek
/// to a little past `to_ts` (`list_pictures`), seeking further back while that keyframe is after
/// `from_ts`: an MPEG-TS seek lands near its target, not on a keyframe before it. Answers the
/// pictures, whether the end of the video came first, and where to seek to read them again.
fn list_around(
    context: &mut format::context::Input,
    video: usize,
    from_seconds: f64,
    from_ts: i64,
    to_ts: i64,
    time_base: Rational,
) -> Result<(Vec<Picture>, bool, f64), MediaError> {
    const BACK_SECONDS: [f64; 4] = [0.0, 5.0, 30.0, 120.0];
    for back in BACK_SECONDS {
        let seek_to = (from_seconds - back).max(0.0);
        seek_before(context, seek_to)?;
        let (pictures, to_the_end) = list_pictures(context, video, to_ts, time_base)?;
        let first_key = pictures.iter().find(|p| p.key).map(|p| p.pts);
        if first_key.is_some_and(|key| key <= from_ts) || seek_to == 0.0 {
            return Ok((pictures, to_the_end, seek_to));
        }
    }
    // A keyframe more than two minutes apart: from the start.
    seek_before(context, 0.0)?;
    let (pictures, to_the_end) = list_pictures(context, video, to_ts, time_base)?;
    Ok((pictures, to_the_end, 0.0))
}

/// The pictures from the first keyframe after the seek point to a little past `to_ts`, and
/// whether the end of the video came first.
fn list_pictures(
    context: &mut format::context::Input,
    video: usize,
    to_ts: i64,
    time_base: Rational,
) -> Result<(Vec<Picture>, bool), MediaError> {
    let stop_at = to_ts.saturating_add(seconds_to_ts(READ_PAST_SECONDS, time_base));
    let mut pictures = Vec::new();
    loop {
        let mut packet = Packet::empty();
        match packet.read(context) {
            Ok(()) => {}
            Err(ff::Error::Eof) => return Ok((pictures, true)),
            Err(e) => return Err(MediaError::VideoCorrupt(format!("reading the video: {e}"))),
        }
        if packet.stream() != video {
            continue;
        }
        let Some(pts) = packet.pts() else { continue };
        // What comes before the first keyframe cannot be decoded from here.
        if pictures.is_empty() && !packet.is_key() {
            continue;
        }
        pictures.push(Picture {
            pts,
            key: packet.is_key(),
        });
        if packet.dts().unwrap_or(pts) > stop_at {
            return Ok((pictures, false));
        }
    }
}
