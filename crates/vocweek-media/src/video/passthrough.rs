//! Top-rung passthrough: a source that already is what the top rung would be is copied into it,
//! packet for packet, instead of being re-encoded — the largest encode of the ladder saved, and
//! the source's quality kept. It qualifies when its video is H.264 Constrained Baseline, Main or
//! High at level 5.1 at most, 8-bit 4:2:0 limited range (`yuv420p`: the scaler makes the other
//! rungs limited range), progressive (its SPS allows no fields), one SPS throughout, upright with
//! square pixels, exactly the top rung's size (by the container and by the SPS), at exactly the
//! output frame rate the transcode would choose (every packet one frame long on a frame grid from
//! the common zero, decode timestamps increasing and at most 16 frames behind), starting with a
//! keyframe there, with IDR keyframes 1 s to 4 s apart (none a hair before a segment boundary,
//! see `just_before_a_boundary`) and no keyframe interval over the rung's bitrate cap (its VBV
//! maxrate), every packet readable in its container's framing. The other rungs are then encoded
//! with keyframes exactly on the source's (`Keyframes::Forced`), so every rendition's segments
//! end at the same instants: the HLS muxer ends a segment at the first keyframe past each
//! multiple of the segment length.
//!
//! Deciding takes one pass over the file reading packets only (no decoding): cheap beside the
//! transcode, and it knows before anything is written, so a source that does not qualify takes
//! the usual path unchanged. The decision needs the SPS and the packets' framing, which MP4/MOV
//! keep in the `avcC` box (read by our own walk of the header; its edit list must hide no
//! sample) and MPEG-TS gives by its nature (start codes, the SPS in the stream); Matroska and FLV
//! keep them in extradata, which ffmpeg-next cannot read safely, so they do not qualify (and at
//! 30 fps their millisecond timestamps are no frame grid anyway).
//!
//! Should writing the copy still fail, the transcode starts again without it (`transcode`).

use std::path::Path;

use ff::Packet;
use ffmpeg_next as ff;

use super::avc_config::avc_config;
use super::control::Control;
use super::h264_nal::{Framing, has_idr, nal_units, sps_units};
use super::h264_sps::Sps;
use super::ladder::{choose_rungs, download_rung};
use super::pipeline::{frame_rate_for, seconds_to_ts, segment_frames};
use super::probe::{VideoFacts, VideoProbe, open_input};
use super::settings::VideoSettings;
use super::source_gops::{GopLimits, GopScan};
use crate::MediaError;

/// The longest keyframe interval copied: with 6 s segments a segment is then at most 10 s.
const LONGEST_GOP_SECONDS: f64 = 4.0;
/// The shortest keyframe interval copied (the last excepted): the other rungs make an IDR
/// wherever the source has one, and IDRs more often than this cost them much of their bitrate.
const SHORTEST_GOP_SECONDS: f64 = 1.0;

/// How often the packet reading looks for a cancellation.
const CANCEL_CHECK_PACKETS: u64 = 256;

/// The most frames x264's DTS runs behind its PTS (its B-frame delay: 2 with B-pyramid).
const ENCODER_REORDER_FRAMES: i64 = 2;

/// How much earlier than the pictures the sound's first packet is: the AAC encoder's priming,
/// 1024 samples at 48 kHz; and a millisecond to spare.
const SOUND_AHEAD_SECONDS: f64 = 1024.0 / 48_000.0 + 0.001;

/// A source that qualified: what the transcode needs to copy it.
#[derive(Debug, Clone)]
pub(crate) struct PassthroughPlan {
    /// The source's keyframes as output frame numbers (the encoders' timestamps), ascending.
    pub keyframes: Vec<i64>,
    /// Its RFC 6381 name from its SPS, for the master playlist's `CODECS`.
    pub codec: String,
    /// Output frames every HLS rendition's timestamps are moved ahead (see `Output::hls`):
    /// one more than the deepest reordering, the copy's or x264's, so no stream of any
    /// rendition starts with a negative DTS (AAC's priming, 21 ms, is less than two frames).
    pub lead_frames: i64,
}

/// Whether the top rung can be the source's own stream, and how. `start` is the common zero
/// of the streams used, in seconds. `None` for a source that does not qualify (or with
/// `video.passthrough` off); an error only when the transcode was cancelled meanwhile.
pub(crate) fn plan(
    input: &Path,
    probe: &VideoProbe,
    start: f64,
    settings: &VideoSettings,
    control: &Control,
) -> Result<Option<PassthroughPlan>, MediaError> {
    let Some(facts) = probe.video.as_ref().filter(|_| settings.passthrough) else {
        return Ok(None);
    };
    match qualify(input, facts, &probe.container, start, settings, control) {
        Ok(plan) => Ok(Some(plan)),
        Err(_) if control.is_cancelled() => Err(MediaError::Cancelled),
        Err(reason) => {
            tracing::debug!(
                reason,
                "the top rung is encoded, not copied from the source"
            );
            Ok(None)
        }
    }
}

fn qualify(
    input: &Path,
    facts: &VideoFacts,
    container: &str,
    start: f64,
    settings: &VideoSettings,
    control: &Control,
) -> Result<PassthroughPlan, &'static str> {
    if facts.codec != "h264" {
        return Err("the video is not H.264");
    }
    // Not `yuvj420p`: full-range samples, which the scaler makes limited range in the other
    // rungs, so a copy would not look like them.
    if facts.pixel_format != "yuv420p" {
        return Err("the pictures are not 8-bit 4:2:0 limited range");
    }
    let upright_and_square = facts.rotation == 0
        && facts.display_width == facts.width
        && facts.display_height == facts.height;
    if !upright_and_square {
        return Err("the pictures are turned or their pixels are not square");
    }
    let rungs = choose_rungs(
        facts.display_width,
        facts.display_height,
        &settings.rungs,
        settings.download_rung,
    );
    let top = rungs.first().ok_or("the ladder is empty")?;
    if (top.width, top.height) != (facts.width, facts.height) {
        return Err("the source is not the top rung's size");
    }
    let rate = frame_rate_for(facts, settings);
    // A second demuxer beside the transcode's (still open, not yet read): what this pass keeps
    // per packet is one bit (`GopScan`'s record of frames seen) and the keyframes' numbers, and
    // the demuxer is closed when it returns, so memory does not grow with the duration.
    let mut context = open_input(input).map_err(|_| "the file cannot be opened again")?;
    let (time_base, track_id, range) = {
        let stream = context
            .stream(facts.stream_index)
            .ok_or("the video stream vanished")?;
        // The range as FFmpeg has it (the SPS's VUI, else the container's `colr`); the SPS's own
        // flag is checked below too.
        let range = ff::codec::context::Context::from_parameters(stream.parameters())
            .and_then(|c| c.decoder().video())
            .map(|decoder| decoder.color_range())
            .map_err(|_| "the video's parameters cannot be read")?;
        (stream.time_base(), stream.id(), range)
    };
    if range == ff::color::Range::JPEG {
        return Err("the samples are full range");
    }
    // The framing comes from the container, never from the packets (see `Framing`): an `avcC`
    // says length-prefixed and how long the lengths are; without one only MPEG-TS is known to
    // carry start codes.
    let config = avc_config(input, track_id);
    let framing = match &config {
        Some(config) => Framing::LengthPrefixed(config.length_size),
        None if container == "mpegts" => Framing::AnnexB,
        None => return Err("the container says neither how the NAL units are framed nor the SPS"),
    };
    if config.as_ref().is_some_and(|c| !c.shows_every_sample) {
        return Err("the MP4's edit list hides samples (FFmpeg would discard their pictures)");
    }
    // A copied download keeps the source's codec tag, which the MP4 muxer accepts from an
    // MP4/MOV (`avc1`, `avc3`) but not from MPEG-TS.
    if download_rung(&rungs, settings.download_rung) == 0 && config.is_none() {
        return Err("the download would be a copy of a stream that is not from an MP4/MOV");
    }
    let frame_ticks = ticks_per_frame(time_base, rate)
        .ok_or("a frame of the output rate is no whole number of the stream's ticks")?;
    let offset = seconds_to_ts(start, time_base);
    let mut scan = GopScan::new(GopLimits {
        frame_ticks,
        frame_seconds: 1.0 / f64::from(rate),
        longest_gop_seconds: LONGEST_GOP_SECONDS,
        shortest_gop_seconds: SHORTEST_GOP_SECONDS,
        max_bitrate: f64::from(settings.max_bitrate(top.width, top.height)),
    });
    let mut sps = config.and_then(|c| c.sps);
    let mut read = 0u64;
    loop {
        if read.is_multiple_of(CANCEL_CHECK_PACKETS) && control.is_cancelled() {
            return Err("cancelled");
        }
        read += 1;
        // A fresh packet each time: reading into a used one does not release what it held.
        let mut packet = Packet::empty();
        match packet.read(&mut context) {
            Ok(()) => {}
            Err(ff::Error::Eof) => break,
            // Damage is the usual path's to recover from; a copy would keep it.
            Err(_) => return Err("a packet cannot be read"),
        }
        if packet.stream() != facts.stream_index {
            continue;
        }
        if packet.is_corrupt() {
            return Err("a packet is damaged");
        }
        let pts = packet.pts().ok_or("a packet has no timestamp")?;
        // Every packet, not the keyframes only: the copy is written packet by packet, and one
        // the TS muxer cannot frame would fail the transcode halfway.
        let units = nal_units(packet.data().unwrap_or_default(), framing)
            .ok_or("a packet's NAL units are not framed as its container says")?;
        if units.is_empty() {
            return Err("a packet holds no NAL unit");
        }
        // Every SPS, not only the first: the copy is named and checked by one SPS, so a stream
        // that changes it midway (another size, profile or range) is not what was checked.
        for unit in sps_units(&units) {
            let first = sps.get_or_insert_with(|| unit.to_vec());
            if first.as_slice() != unit {
                return Err("the stream's sequence parameter set changes");
            }
        }
        let key = packet.is_key();
        scan.packet(
            pts.saturating_sub(offset),
            packet.dts().map(|dts| dts.saturating_sub(offset)),
            packet.duration(),
            key,
            key && has_idr(&units),
            packet.size(),
        )?;
    }
    let summary = scan.finish()?;
    if just_before_a_boundary(&summary.keyframes, rate, segment_frames(rate, settings)) {
        return Err("a keyframe falls just before a segment boundary");
    }
    let sps = sps
        .as_deref()
        .and_then(Sps::parse)
        .ok_or("no sequence parameter set could be read")?;
    if let Some(reason) = sps.refusal() {
        return Err(reason);
    }
    // The decoder's size is the container's view; the SPS's is what the copy's pictures are.
    if sps.size() != Some((top.width, top.height)) {
        return Err("the SPS's picture size is not the top rung's");
    }
    Ok(PassthroughPlan {
        keyframes: summary.keyframes,
        codec: sps.codec(),
        lead_frames: summary.reorder_frames.max(ENCODER_REORDER_FRAMES) + 1,
    })
}

/// Whether a keyframe lies less than `SOUND_AHEAD_SECONDS` before a multiple of the segment
/// length (`segment_frames` frames, see `pipeline::hls_time`). The HLS muxer ends a segment at
/// the first keyframe at or past each multiple, counted from the first packet it gets: the
/// picture's in one rendition, the sound's (that much earlier) in another, as their first DTS
/// fall. Such a keyframe would end a segment in one rendition and not in the other. Exact
/// arithmetic: `keyframes` are frame numbers at `rate`.
fn just_before_a_boundary(keyframes: &[i64], rate: ff::Rational, segment_frames: i64) -> bool {
    let (n, d) = (i64::from(rate.numerator()), i64::from(rate.denominator()));
    // In units of 1/n s: a frame is d of them, a segment segment_frames × d.
    let segment = segment_frames.saturating_mul(d);
    if n <= 0 || d <= 0 || segment <= 0 {
        return false;
    }
    keyframes.iter().any(|&frame| {
        let into = frame.saturating_mul(d) % segment;
        into > 0 && ((segment - into) as f64) < SOUND_AHEAD_SECONDS * n as f64
    })
}

/// One frame at `rate` in ticks of `time_base`, when it is a whole number of them.
fn ticks_per_frame(time_base: ff::Rational, rate: ff::Rational) -> Option<i64> {
    let numerator = i64::from(time_base.denominator()) * i64::from(rate.denominator());
    let denominator = i64::from(time_base.numerator()) * i64::from(rate.numerator());
    if numerator > 0 && denominator > 0 && numerator % denominator == 0 {
        Some(numerator / denominator)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyframes_just_before_a_segment_boundary_are_found() {
        let r = ff::Rational::new;
        // 60 fps, 6 s segments (360 frames): frame 359 is 16.7 ms before 6 s, 358 is 33 ms.
        assert!(just_before_a_boundary(&[0, 120, 359], r(60, 1), 360));
        assert!(!just_before_a_boundary(&[0, 120, 358, 360], r(60, 1), 360));
        // 30 fps: no frame is that close; 59.94 fps: frame 359 is 16.7 ms before the end of
        // a 360-frame (6.006 s) segment.
        assert!(!just_before_a_boundary(&[0, 179, 180, 359], r(30, 1), 180));
        assert!(just_before_a_boundary(&[359], r(60000, 1001), 360));
        assert!(!just_before_a_boundary(&[360], r(60000, 1001), 360));
    }

    #[test]
    fn frames_in_ticks() {
        let r = ff::Rational::new;
        assert_eq!(ticks_per_frame(r(1, 15360), r(30, 1)), Some(512));
        assert_eq!(ticks_per_frame(r(1, 90000), r(30000, 1001)), Some(3003));
        assert_eq!(ticks_per_frame(r(1, 30000), r(30000, 1001)), Some(1001));
        assert_eq!(
            ticks_per_frame(r(1, 1000), r(30, 1)),
            None,
            "Matroska's milliseconds"
        );
        assert_eq!(ticks_per_frame(r(1, 1000), r(25, 1)), Some(40));
        assert_eq!(ticks_per_frame(r(0, 1), r(30, 1)), None);
    }
}
