//! What the ladder of a publish is, and whether its top rung is the publisher's own H.264,
//! decided at its first keyframe: live, there is no reading the whole stream ahead as a file's
//! passthrough does (`passthrough::plan`). What can be known there is checked there — the SPS
//! (profile, level, 8-bit 4:2:0, progressive, limited range, its picture size the top rung's),
//! an IDR, square pixels, the frame rate — and the rest cannot be: the bitrate against the top
//! rung's cap and the keyframe intervals (1–4 s for a file) are a publisher's settings that
//! only a check while the stream runs could hold it to, which is left to a later change. An
//! SPS that changes midway is caught as it comes (`run`).

use std::path::Path;

use ffmpeg_next as ff;

use super::first_keyframe::{FirstKeyframe, read_first_keyframe};
use super::source::Preroll;
use crate::MediaError;
use crate::video::ladder::choose_rungs;
use crate::video::passthrough::PassthroughPlan;
use crate::video::pipeline::output_frame_rate;
use crate::video::probe::{VideoFacts, check_size};
use crate::video::settings::VideoSettings;

/// The frame rate assumed when the stream declares none usable (no `onMetaData` framerate,
/// none measured): what OBS and most encoders send.
const DEFAULT_FRAME_RATE: f64 = 30.0;
/// The most frames x264's DTS runs behind its PTS (its B-frame delay: 2 with B-pyramid).
const ENCODER_REORDER_FRAMES: i64 = 2;
/// How near the output frame rate a copied stream's must be: the same rate, written as a
/// broadcast rate (29.97 as 30000/1001).
const SAME_RATE: f64 = 0.001;

pub(super) struct Decision {
    /// The video as the transcode's picture path takes it.
    pub facts: VideoFacts,
    /// Set when the top rung is the source, copied.
    pub plan: Option<PassthroughPlan>,
    /// The SPS the copy was checked with, to catch a change.
    pub sps: Option<Vec<u8>>,
}

pub(super) fn decide(
    context: &ff::format::context::Input,
    preroll: &Preroll,
    scratch: &Path,
    settings: &VideoSettings,
) -> Result<Decision, MediaError> {
    let stream = context
        .stream(preroll.video)
        .ok_or_else(|| MediaError::Internal("the video stream vanished".to_owned()))?;
    let parameters = stream.parameters();
    if parameters.id() != ff::codec::Id::H264 {
        return Err(MediaError::VideoUnsupportedCodec(format!(
            "the live video is {}, not H.264",
            parameters.id().name()
        )));
    }
    let first = read_first_keyframe(scratch, parameters, stream.time_base(), &preroll.keyframe)?;
    // The decoder's view of the parameters, as the probe of a file reads them: what the demuxer
    // knows of the size and pixel aspect (FLV has no display matrix: never turned).
    let decoder = ff::codec::context::Context::from_parameters(stream.parameters())
        .and_then(|c| c.decoder().video())
        .map_err(|e| MediaError::VideoUnsupportedCodec(format!("cannot decode the video: {e}")))?;
    let (width, height) = first
        .sps
        .as_ref()
        .and_then(|(_, sps)| sps.size())
        .unwrap_or((decoder.width(), decoder.height()));
    check_size(width, height, settings)?;
    let sar = decoder.aspect_ratio();
    let sar = if sar.numerator() > 0 && sar.denominator() > 0 {
        f64::from(sar)
    } else {
        1.0
    };
    let frame_rate = declared_rate(&stream).unwrap_or(DEFAULT_FRAME_RATE);
    let facts = VideoFacts {
        stream_index: stream.index(),
        codec: "h264".to_owned(),
        pixel_format: decoder
            .format()
            .descriptor()
            .map(|d| d.name().to_owned())
            .unwrap_or_default(),
        width,
        height,
        display_width: ((f64::from(width) * sar).round() as u32).max(1),
        display_height: height,
        rotation: 0,
        frame_rate,
        base_frame_rate: frame_rate,
        variable_frame_rate: false,
    };
    // Its reordering, in frames: how far the first keyframe's decode time is behind its
    // presentation (B-frames).
    let reorder = match (preroll.keyframe.pts(), preroll.keyframe.dts()) {
        (Some(pts), Some(dts)) => {
            let seconds = pts.saturating_sub(dts) as f64 * f64::from(stream.time_base());
            (seconds * frame_rate).ceil().max(0.0) as i64
        }
        _ => 0,
    };
    let plan = match qualify(&facts, &first, reorder, settings) {
        Ok(plan) => Some(plan),
        Err(reason) => {
            tracing::debug!(reason, "the live top rung is encoded, not copied");
            None
        }
    };
    Ok(Decision {
        facts,
        plan,
        sps: first.sps.map(|(unit, _)| unit),
    })
}

/// The frame rate the stream declares (`onMetaData`'s framerate), else the one libavformat
/// measured, when either is a frame rate at all (FLV counts in milliseconds: a "rate" of 1000
/// is its clock, not its pictures).
fn declared_rate(stream: &ff::format::stream::Stream) -> Option<f64> {
    [stream.avg_frame_rate(), stream.rate()]
        .into_iter()
        .filter(|r| r.numerator() > 0 && r.denominator() > 0)
        .map(f64::from)
        .find(|rate| *rate > 1.0 && *rate <= 240.0)
}

fn qualify(
    facts: &VideoFacts,
    first: &FirstKeyframe,
    reorder: i64,
    settings: &VideoSettings,
) -> Result<PassthroughPlan, &'static str> {
    if !settings.passthrough {
        return Err("video.passthrough is off");
    }
    let (_, sps) = first
        .sps
        .as_ref()
        .ok_or("no sequence parameter set could be read")?;
    if !first.idr {
        return Err("the first keyframe is not an IDR picture");
    }
    if let Some(reason) = sps.refusal() {
        return Err(reason);
    }
    if (facts.display_width, facts.display_height) != (facts.width, facts.height) {
        return Err("the pixels are not square");
    }
    let rungs = choose_rungs(
        facts.display_width,
        facts.display_height,
        &settings.rungs,
        settings.download_rung,
    );
    let top = rungs.first().ok_or("the ladder is empty")?;
    if sps.size() != Some((top.width, top.height)) {
        return Err("the SPS's picture size is not the top rung's");
    }
    let rate = f64::from(output_frame_rate(facts.frame_rate, settings.max_frame_rate));
    if (rate - facts.frame_rate).abs() > rate * SAME_RATE {
        return Err("the frame rate is not the output's");
    }
    Ok(PassthroughPlan {
        // Noted as they come (`VideoPath::note_source_keyframe`).
        keyframes: Vec::new(),
        codec: sps.codec(),
        // As for a file: one frame more than the deepest reordering, the copy's first
        // keyframe's or x264's, so no rendition starts with a negative DTS.
        lead_frames: reorder.max(ENCODER_REORDER_FRAMES) + 1,
    })
}
