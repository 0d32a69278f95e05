//! What a video file holds, read from its container and stream headers (nothing decoded but
//! the headers `avformat_find_stream_info` needs): container, declared duration, the video
//! and audio streams we would use, rotation, frame rate, and whether it varies.

use std::path::Path;

use ff::codec::packet::side_data::Type as SideDataType;
use ff::format::stream::Disposition;
use ff::media::Type as MediaType;
use ffmpeg_next as ff;
use serde::{Deserialize, Serialize};

use super::fourcc::{TrackKind, codec_tag};
use super::settings::VideoSettings;
use crate::MediaError;

/// What the probe found. Read back from JSON (a chunk's, by the stitch), its stream indexes
/// are 0: they are not serialised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VideoProbe {
    /// The demuxer's name (`mov,mp4,m4a,3gp,3g2,mj2`, `matroska,webm`, `mpegts`…).
    pub container: String,
    /// The duration the container declares; may be wrong (a damaged or lying header): the
    /// transcode measures what it really decodes.
    pub declared_duration_seconds: Option<f64>,
    pub streams: u32,
    pub video: Option<VideoFacts>,
    pub audio: Option<AudioFacts>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VideoFacts {
    #[serde(skip)]
    pub stream_index: usize,
    pub codec: String,
    pub pixel_format: String,
    /// Coded size, before rotation.
    pub width: u32,
    pub height: u32,
    /// The upright size a viewer sees: rotation and non-square pixels applied.
    pub display_width: u32,
    pub display_height: u32,
    /// Clockwise degrees to turn the picture upright (0, 90, 180 or 270).
    pub rotation: u32,
    /// Average frame rate.
    pub frame_rate: f64,
    /// The container's base rate (`r_frame_rate`): the fastest the frames come.
    pub base_frame_rate: f64,
    /// Frames are not evenly spaced (phones, screen recordings).
    pub variable_frame_rate: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AudioFacts {
    #[serde(skip)]
    pub stream_index: usize,
    pub codec: String,
    pub channels: u16,
    pub sample_rate: u32,
}

/// Probes a file, refusing what is not a playable video before any work is done on it.
pub fn probe_file(path: &Path, settings: &VideoSettings) -> Result<VideoProbe, MediaError> {
    super::init()?;
    check_declared_size(path, settings)?;
    let input = open_input(path)?;
    read_probe(&input, path, settings)
}

pub(crate) fn open_input(path: &Path) -> Result<ff::format::context::Input, MediaError> {
    let size = std::fs::metadata(path)
        .map_err(|e| MediaError::Unreadable(e.to_string()))?
        .len();
    if size == 0 {
        return Err(MediaError::Empty);
    }
    ff::format::input(path).map_err(|e| {
        MediaError::VideoUnreadable(format!(
            "the video cannot be opened ({e}); it may be truncated — an MP4 whose upload or \
             recording stopped early has no index (moov atom) — or not a video at all"
        ))
    })
}

/// `path` is the file `input` was opened from: an unknown codec is named by the tag its
/// container gives it, read from there.
pub(crate) fn read_probe(
    input: &ff::format::context::Input,
    path: &Path,
    settings: &VideoSettings,
) -> Result<VideoProbe, MediaError> {
    let duration = input.duration();
    let declared_duration_seconds = (duration > 0).then(|| duration as f64 / 1_000_000.0);
    let video = best_video(input, path, settings)?;
    let audio = best_audio(input, path)?;
    if video.is_none() && audio.is_none() {
        return Err(MediaError::VideoNoStreams(
            "the file has neither a picture nor a sound track".to_owned(),
        ));
    }
    if let Some(v) = &video {
        check_size(v.width, v.height, settings)?;
    }
    Ok(VideoProbe {
        container: input.format().name().to_owned(),
        declared_duration_seconds,
        streams: u32::try_from(input.streams().count()).unwrap_or(u32::MAX),
        video,
        audio,
    })
}

/// Refuses a picture size the container declares past the limits before FFmpeg opens the
/// file (its probing would decode a first frame of that size).
pub(crate) fn check_declared_size(path: &Path, settings: &VideoSettings) -> Result<(), MediaError> {
    match super::declared_size::declared_size(path) {
        Some((width, height)) => check_size(width, height, settings),
        None => Ok(()),
    }
}

pub(crate) fn check_size(
    width: u32,
    height: u32,
    settings: &VideoSettings,
) -> Result<(), MediaError> {
    let pixels = u64::from(width) * u64::from(height);
    if width > settings.max_side || height > settings.max_side || pixels > settings.max_pixels {
        return Err(MediaError::VideoTooLarge {
            width,
            height,
            max_pixels: settings.max_pixels,
            max_side: settings.max_side,
        });
    }
    if width == 0 || height == 0 {
        return Err(MediaError::VideoCorrupt(
            "the video stream declares no usable picture size (none, or one beyond what any \
             decoder accepts)"
                .to_owned(),
        ));
    }
    Ok(())
}

fn best_video(
    input: &ff::format::context::Input,
    path: &Path,
    settings: &VideoSettings,
) -> Result<Option<VideoFacts>, MediaError> {
    // Cover art in a music file is a "video" stream of one picture: not a video.
    let Some(stream) = input
        .streams()
        .filter(|s| s.parameters().medium() == MediaType::Video)
        .filter(|s| !s.disposition().contains(Disposition::ATTACHED_PIC))
        .max_by_key(|s| s.frames().max(1))
    else {
        return Ok(None);
    };
    let codec = stream.parameters().id();
    // The declared size, read before any decoder is opened: a decoder refuses absurd sizes
    // with a vague error, and we want to say "too large". (An unopened encoder view of the
    // same parameters is the safe way to read them.)
    let declared = ff::codec::context::Context::from_parameters(stream.parameters())
        .and_then(|c| c.encoder().video())
        .map(|v| (v.width(), v.height()))
        .map_err(|e| MediaError::VideoCorrupt(format!("unreadable video parameters ({e})")))?;
    check_size(declared.0, declared.1, settings)?;
    let decoder = ff::codec::context::Context::from_parameters(stream.parameters())
        .and_then(|c| c.decoder().video())
        .map_err(|e| unsupported_codec(path, &stream, TrackKind::Video, &e))?;
    let (width, height) = (decoder.width(), decoder.height());
    let rotation = rotation(&stream);
    let sar = decoder.aspect_ratio();
    let sar = if sar.numerator() > 0 && sar.denominator() > 0 {
        f64::from(sar)
    } else {
        1.0
    };
    let display_w = ((f64::from(width) * sar).round() as u32).max(1);
    let (display_width, display_height) = if rotation % 180 == 90 {
        (height, display_w)
    } else {
        (display_w, height)
    };
    let avg = rate(stream.avg_frame_rate());
    let base = rate(stream.rate());
    let frame_rate = avg.or(base).unwrap_or(0.0);
    let variable_frame_rate = match (avg, base) {
        (Some(a), Some(b)) => (a - b).abs() / a > 0.01,
        _ => false,
    };
    Ok(Some(VideoFacts {
        stream_index: stream.index(),
        codec: codec.name().to_owned(),
        pixel_format: decoder
            .format()
            .descriptor()
            .map(|d| d.name().to_owned())
            .unwrap_or_default(),
        width,
        height,
        display_width,
        display_height,
        rotation,
        frame_rate,
        base_frame_rate: base.unwrap_or(frame_rate),
        variable_frame_rate,
    }))
}

fn best_audio(
    input: &ff::format::context::Input,
    path: &Path,
) -> Result<Option<AudioFacts>, MediaError> {
    let Some(stream) = input.streams().best(MediaType::Audio) else {
        return Ok(None);
    };
    let codec = stream.parameters().id();
    let decoder = ff::codec::context::Context::from_parameters(stream.parameters())
        .and_then(|c| c.decoder().audio())
        .map_err(|e| unsupported_codec(path, &stream, TrackKind::Audio, &e))?;
    Ok(Some(AudioFacts {
        stream_index: stream.index(),
        codec: codec.name().to_owned(),
        channels: decoder.channels(),
        sample_rate: decoder.rate(),
    }))
}

/// Names the codec of a stream this FFmpeg cannot decode: by FFmpeg's name when it knows the
/// codec, else (FFmpeg's name would be `none`) by the tag the container gives it.
fn unsupported_codec(
    path: &Path,
    stream: &ff::format::stream::Stream,
    kind: TrackKind,
    error: &ff::Error,
) -> MediaError {
    let what = match kind {
        TrackKind::Video => "video",
        TrackKind::Audio => "audio",
    };
    let id = stream.parameters().id();
    let reason = if id != ff::codec::Id::None {
        format!("the {what} codec {} is not supported ({error})", id.name())
    } else {
        match codec_tag(path, stream.index(), kind) {
            Some(tag) => format!("the {what} codec {tag} is not supported"),
            None => format!(
                "the {what} codec is not supported: FFmpeg knows none by the tag this file \
                 gives it"
            ),
        }
    };
    MediaError::VideoUnsupportedCodec(reason)
}

fn rate(r: ff::Rational) -> Option<f64> {
    (r.numerator() > 0 && r.denominator() > 0).then(|| f64::from(r))
}

/// Clockwise degrees to turn the picture upright: the display matrix (what phones write), or
/// the older `rotate` tag.
fn rotation(stream: &ff::format::stream::Stream) -> u32 {
    let from_matrix = stream
        .side_data()
        .find(|d| d.kind() == SideDataType::DisplayMatrix)
        .and_then(|d| matrix_rotation(d.data()));
    let degrees = from_matrix.or_else(|| {
        stream
            .metadata()
            .get("rotate")
            .and_then(|r| r.trim().parse::<f64>().ok())
    });
    degrees.map(quarter_turns).unwrap_or(0)
}

/// The rotation a display matrix (nine 32-bit integers, 16.16 fixed point) applies, in
/// clockwise degrees — the same reading as libavutil's `av_display_rotation_get`, negated.
fn matrix_rotation(data: &[u8]) -> Option<f64> {
    let value = |i: usize| -> Option<f64> {
        let bytes: [u8; 4] = data.get(i * 4..i * 4 + 4)?.try_into().ok()?;
        Some(f64::from(i32::from_ne_bytes(bytes)))
    };
    let (m0, m1, m3, m4) = (value(0)?, value(1)?, value(3)?, value(4)?);
    let scale0 = m0.hypot(m3);
    let scale1 = m1.hypot(m4);
    if scale0 == 0.0 || scale1 == 0.0 {
        return None;
    }
    Some((m1 / scale1).atan2(m0 / scale0).to_degrees())
}

/// Rounds any angle to 0, 90, 180 or 270.
fn quarter_turns(degrees: f64) -> u32 {
    let turns = (degrees / 90.0).round() as i64;
    (turns.rem_euclid(4) * 90) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(values: [i32; 9]) -> Vec<u8> {
        values.iter().flat_map(|v| v.to_ne_bytes()).collect()
    }

    #[test]
    fn reads_phone_display_matrices() {
        let one = 1 << 16;
        let portrait = matrix([0, one, 0, -one, 0, 0, 0, 0, 1 << 30]);
        assert_eq!(matrix_rotation(&portrait).map(quarter_turns), Some(90));
        let upside_down = matrix([-one, 0, 0, 0, -one, 0, 0, 0, 1 << 30]);
        assert_eq!(matrix_rotation(&upside_down).map(quarter_turns), Some(180));
        let other_way = matrix([0, -one, 0, one, 0, 0, 0, 0, 1 << 30]);
        assert_eq!(matrix_rotation(&other_way).map(quarter_turns), Some(270));
        let identity = matrix([one, 0, 0, 0, one, 0, 0, 0, 1 << 30]);
        assert_eq!(matrix_rotation(&identity).map(quarter_turns), Some(0));
        assert_eq!(matrix_rotation(&[0; 8]), None);
    }

    #[test]
    fn angles_round_to_quarter_turns() {
        assert_eq!(quarter_turns(-90.0), 270);
        assert_eq!(quarter_turns(89.6), 90);
        assert_eq!(quarter_turns(450.0), 90);
    }
}
