//! The decode → filter → encode half of a transcode: one video decoder whose frames go through
//! one filter graph (deinterlace, rotate, constant frame rate, then `split` into a scaler per
//! rung) into one H.264 encoder per rung; one audio decoder through a resampler into one AAC
//! encoder whose packets every output shares.

use ff::{codec, decoder, encoder, filter, format, frame};
use ffmpeg_next as ff;

use super::conform::PictureFormat;
use super::ladder::Rung;
use super::probe::VideoFacts;
use super::settings::VideoSettings;
use crate::MediaError;

/// AAC-LC frames hold 1024 samples per channel.
const AAC_FRAME: u32 = 1024;
const AUDIO_RATE: i32 = 48_000;

pub(crate) fn internal(what: &str) -> impl Fn(ff::Error) -> MediaError + '_ {
    move |e| MediaError::Internal(format!("{what}: {e}"))
}

/// The "try again after the next input" answer of decoders, encoders and sinks.
pub(crate) fn is_again(error: &ff::Error) -> bool {
    matches!(error, ff::Error::Other { errno } if *errno == ff::util::error::EAGAIN)
}

pub(crate) fn seconds_to_ts(seconds: f64, time_base: ff::Rational) -> i64 {
    let base = f64::from(time_base);
    if base > 0.0 {
        (seconds / base).round() as i64
    } else {
        0
    }
}

pub(crate) fn video_decoder(
    stream: &ff::format::stream::Stream,
) -> Result<decoder::Video, MediaError> {
    let mut context = codec::context::Context::from_parameters(stream.parameters())
        .map_err(internal("video decoder parameters"))?;
    // Frame threads: the decoder keeps both cores busy on HEVC and 10-bit sources.
    context.set_threading(codec::threading::Config {
        kind: codec::threading::Type::Frame,
        count: 0,
        ..Default::default()
    });
    context
        .decoder()
        .video()
        .map_err(|e| MediaError::VideoUnsupportedCodec(format!("cannot decode the video: {e}")))
}

pub(crate) fn audio_decoder(
    stream: &ff::format::stream::Stream,
) -> Result<decoder::Audio, MediaError> {
    codec::context::Context::from_parameters(stream.parameters())
        .map_err(internal("audio decoder parameters"))?
        .decoder()
        .audio()
        .map_err(|e| MediaError::VideoUnsupportedCodec(format!("cannot decode the audio: {e}")))
}

/// The output frame rate for a source: for a variable rate, the fast passages' rate (not the
/// average) unless the base rate is a timestamp granularity rather than a frame rate.
pub(crate) fn frame_rate_for(facts: &VideoFacts, settings: &VideoSettings) -> ff::Rational {
    let target = if facts.variable_frame_rate && facts.base_frame_rate <= facts.frame_rate * 2.0 {
        facts.base_frame_rate
    } else {
        facts.frame_rate
    };
    output_frame_rate(target, settings.max_frame_rate)
}

/// The output frame rate: the source's average, snapped to the broadcast rate it is meant to
/// be (a phone's 29.87 → 30000/1001 or 30), capped at the configured maximum.
pub(crate) fn output_frame_rate(source: f64, max: f64) -> ff::Rational {
    const STANDARD: [(i32, i32); 8] = [
        (24000, 1001),
        (24, 1),
        (25, 1),
        (30000, 1001),
        (30, 1),
        (50, 1),
        (60000, 1001),
        (60, 1),
    ];
    let wanted = if source.is_finite() && source > 1.0 {
        source.min(max)
    } else {
        30.0_f64.min(max)
    };
    let nearest = STANDARD
        .iter()
        .map(|&(n, d)| (n, d, (f64::from(n) / f64::from(d) - wanted).abs()))
        .filter(|&(n, d, _)| f64::from(n) / f64::from(d) <= max + 0.01)
        .min_by(|a, b| a.2.total_cmp(&b.2));
    match nearest {
        Some((n, d, distance)) if distance / wanted < 0.03 => ff::Rational::new(n, d),
        _ => ff::Rational::new((wanted * 1000.0).round() as i32, 1000),
    }
}

/// The video filter graph: `in` → deinterlace flagged frames → turn upright → constant rate →
/// `split` → a scaler per rung → sinks `out0`, `out1`…
pub(crate) struct VideoGraph {
    pub graph: filter::Graph,
    pub sinks: Vec<String>,
}

pub(crate) struct VideoGraphSpec<'a> {
    /// The pictures that will come in: the first decoded one's size and pixel format (the
    /// decoder may not know them before it has decoded a picture).
    pub input: PictureFormat,
    /// Their pixel aspect ratio.
    pub aspect: ff::Rational,
    pub time_base: ff::Rational,
    pub rotation: u32,
    pub frame_rate: ff::Rational,
    /// The output frame number the constant rate starts counting at: 0 for a whole transcode,
    /// for a chunk a frame at or before the first it keeps, so every chunk numbers its frames
    /// as the whole transcode would (and the filter does not repeat a picture from 0 on).
    pub start_frame: i64,
    pub rungs: &'a [Rung],
}

impl VideoGraph {
    pub fn new(spec: &VideoGraphSpec<'_>) -> Result<Self, MediaError> {
        let input = spec.input;
        let sar = spec.aspect;
        let sar = if sar.numerator() > 0 && sar.denominator() > 0 {
            sar
        } else {
            ff::Rational::new(1, 1)
        };
        let args = format!(
            "video_size={}x{}:pix_fmt={}:time_base={}/{}:pixel_aspect={}/{}",
            input.width,
            input.height,
            ff::ffi::AVPixelFormat::from(input.format) as i32,
            spec.time_base.numerator(),
            spec.time_base.denominator(),
            sar.numerator(),
            sar.denominator(),
        );
        let mut graph = filter::Graph::new();
        // Built filter by filter: ffmpeg-next's graph parser keeps only two named sinks.
        let buffer = filter::find("buffer").ok_or_else(|| missing("buffer"))?;
        let mut last = graph
            .add(&buffer, "in", &args)
            .map_err(|e| unusable_pictures(input, &e))?;
        let then = |graph: &mut filter::Graph,
                    last: &mut filter::Context,
                    name: &str,
                    instance: &str,
                    args: &str|
         -> Result<(), MediaError> {
            let mut next = add(graph, name, instance, args)?;
            last.link(0, &mut next, 0);
            *last = next;
            Ok(())
        };
        then(
            &mut graph,
            &mut last,
            "yadif",
            "deinterlace",
            "mode=send_frame:parity=auto:deint=interlaced",
        )?;
        match spec.rotation {
            90 => then(&mut graph, &mut last, "transpose", "turn", "dir=clock")?,
            180 => {
                then(&mut graph, &mut last, "hflip", "turn_h", "")?;
                then(&mut graph, &mut last, "vflip", "turn_v", "")?;
            }
            270 => then(&mut graph, &mut last, "transpose", "turn", "dir=cclock")?,
            _ => {}
        }
        let rate = format!(
            "fps={}/{}:start_time={}",
            spec.frame_rate.numerator(),
            spec.frame_rate.denominator(),
            frames_to_seconds(spec.start_frame, spec.frame_rate)
        );
        then(&mut graph, &mut last, "fps", "constant_rate", &rate)?;
        let mut split = add(&mut graph, "split", "split", &spec.rungs.len().to_string())?;
        last.link(0, &mut split, 0);
        let mut sinks = Vec::new();
        for (i, rung) in spec.rungs.iter().enumerate() {
            let mut scale = add(
                &mut graph,
                "scale",
                &format!("scale{i}"),
                &format!("{}:{}:flags=bicubic", rung.width, rung.height),
            )?;
            split.link(i as u32, &mut scale, 0);
            let mut rung_last = scale;
            then(
                &mut graph,
                &mut rung_last,
                "setsar",
                &format!("sar{i}"),
                "1",
            )?;
            then(
                &mut graph,
                &mut rung_last,
                "format",
                &format!("yuv{i}"),
                "yuv420p",
            )?;
            let name = format!("out{i}");
            then(&mut graph, &mut rung_last, "buffersink", &name, "")?;
            sinks.push(name);
        }
        // The filters are fixed; what can make the graph fail is the pictures it is built for.
        graph.validate().map_err(|e| unusable_pictures(input, &e))?;
        Ok(VideoGraph { graph, sinks })
    }

    /// The time base pictures come out of the sinks in (the constant rate's frame).
    pub fn sink_time_base(&mut self) -> Option<ff::Rational> {
        let name = self.sinks.first()?.clone();
        let mut sink = self.graph.get(&name)?;
        Some(sink.sink().time_base())
    }
}

/// Decoded pictures the filters refuse (a size or pixel format they cannot take).
fn unusable_pictures(input: PictureFormat, error: &ff::Error) -> MediaError {
    let format = input.format.descriptor().map_or("unknown", |d| d.name());
    MediaError::VideoUnsupportedCodec(format!(
        "the decoded pictures ({}×{}, pixel format {format}) cannot be converted ({error})",
        input.width, input.height
    ))
}

/// Where a rung's encoder puts its keyframes. Either way every rung has them at the same
/// instants, so players switch renditions at segment boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keyframes {
    /// One every `gop_seconds`, never at scene cuts.
    Fixed,
    /// Only on the pictures marked `I` (the copied top rung's keyframes): none of the
    /// encoder's own, periodic or at scene cuts, and each marked picture an IDR.
    Forced,
}

/// One rung's H.264 encoder: closed GOPs with keyframes as `keyframes` says (at the same
/// instants in every rung); CRF capped by VBV.
pub(crate) fn video_encoder(
    rung: &Rung,
    frame_rate: ff::Rational,
    time_base: ff::Rational,
    settings: &VideoSettings,
    keyframes: Keyframes,
) -> Result<encoder::Video, MediaError> {
    let codec = encoder::find_by_name("libx264")
        .ok_or_else(|| MediaError::Internal("this ffmpeg has no libx264 encoder".to_owned()))?;
    let mut video = codec::context::Context::new_with_codec(codec)
        .encoder()
        .video()
        .map_err(internal("H.264 encoder"))?;
    let gop = gop_frames(frame_rate, settings.gop_seconds);
    video.set_width(rung.width);
    video.set_height(rung.height);
    video.set_format(format::Pixel::YUV420P);
    video.set_aspect_ratio(ff::Rational::new(1, 1));
    video.set_frame_rate(Some(frame_rate));
    video.set_time_base(time_base);
    video.set_gop(gop);
    let max_rate = settings.max_bitrate(rung.width, rung.height) / 1000;
    let mut options = ff::Dictionary::new();
    options.set("preset", &settings.preset);
    options.set("crf", &settings.crf.to_string());
    options.set("profile", "high");
    // libavcodec's default is one thread; x264 is built to use every core (as the CLI asks).
    options.set("threads", "auto");
    let placement = match keyframes {
        Keyframes::Fixed => format!("keyint={gop}:min-keyint={gop}"),
        Keyframes::Forced => {
            // libx264 turns a picture marked I into an IDR (not an open-GOP I) with this.
            options.set("forced-idr", "1");
            // x264-params is applied after the context's gop_size, so this wins.
            "keyint=infinite".to_owned()
        }
    };
    options.set(
        "x264-params",
        &format!(
            "{placement}:scenecut=0:open-gop=0:vbv-maxrate={max_rate}:vbv-bufsize={}",
            max_rate * 2
        ),
    );
    video
        .open_with(options)
        .map_err(internal("opening the H.264 encoder"))
}

pub(crate) fn gop_frames(frame_rate: ff::Rational, seconds: f64) -> u32 {
    ((f64::from(frame_rate) * seconds).round() as u32).max(1)
}

/// Frames in one HLS segment: whole GOPs, as many as come nearest `segment_seconds` (at least
/// one), so every segment starts on a keyframe and lasts exactly this many frames.
pub(crate) fn segment_frames(frame_rate: ff::Rational, settings: &VideoSettings) -> i64 {
    let gop = i64::from(gop_frames(frame_rate, settings.gop_seconds));
    let gops = if settings.gop_seconds > 0.0 {
        (f64::from(settings.segment_seconds) / settings.gop_seconds).round() as i64
    } else {
        1
    };
    gop * gops.max(1)
}

/// The HLS muxer's `hls_time` for segments of `frames` frames: their exact length, rounded
/// down to the microsecond (the option is a duration in microseconds). Rounded down, the
/// muxer's cut (at the first keyframe at least n × `hls_time` after its start) falls on the
/// keyframe at n × `frames`, never on the one before (a GOP earlier); rounded up, a
/// 30000/1001 segment would wait a whole GOP more. Exact for the broadcast rates (6.006 s).
pub(crate) fn hls_time(frames: i64, frame_rate: ff::Rational) -> String {
    let (num, den) = (
        i128::from(frame_rate.numerator()),
        i128::from(frame_rate.denominator()),
    );
    let micros = if num > 0 && den > 0 {
        i128::from(frames) * den * 1_000_000 / num
    } else {
        0
    };
    format!("{}.{:06}", micros / 1_000_000, micros % 1_000_000)
}

/// Frame `frame` at `frame_rate`, in seconds: the filter's rounding to its frame time base
/// gives the frame number back.
pub(crate) fn frames_to_seconds(frame: i64, frame_rate: ff::Rational) -> f64 {
    let (num, den) = (frame_rate.numerator(), frame_rate.denominator());
    if num > 0 && den > 0 {
        frame as f64 * f64::from(den) / f64::from(num)
    } else {
        0.0
    }
}

/// What an audio graph is built for: the decoded sound's sample format, rate and channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SoundFormat {
    format: format::Sample,
    rate: u32,
    /// The channel layout's mask: the decoder's, else the usual one for the channel count.
    layout: u64,
}

impl SoundFormat {
    /// `None` for a frame that names no usable format, rate or channels.
    pub fn of(frame: &frame::Audio) -> Option<Self> {
        let layout = frame.channel_layout();
        let layout = if layout.bits() == 0 {
            ff::ChannelLayout::default(i32::from(frame.channels()))
        } else {
            layout
        };
        let (format, rate, layout) = (frame.format(), frame.rate(), layout.bits());
        let usable = format != format::Sample::None && rate > 0 && layout != 0;
        usable.then_some(SoundFormat {
            format,
            rate,
            layout,
        })
    }
}

/// The audio graph: resample to 48 kHz stereo float planes, fill gaps and trim overlaps by
/// timestamp (`async`) so sound stays in sync with the picture, in 1024-sample frames. Its
/// output starts at `first_pts` (in 1/48000 s): 0, or where a previous graph's output ended.
pub(crate) fn audio_graph(
    input: &SoundFormat,
    time_base: ff::Rational,
    first_pts: i64,
) -> Result<filter::Graph, MediaError> {
    let args = format!(
        "time_base={}/{}:sample_rate={}:sample_fmt={}:channel_layout=0x{:x}",
        time_base.numerator(),
        time_base.denominator(),
        input.rate,
        input.format.name(),
        input.layout
    );
    // The filters are fixed; what can make the graph fail is the sound it is built for.
    let unusable = |e: ff::Error| {
        MediaError::VideoUnsupportedCodec(format!(
            "the decoded sound ({args}) cannot be converted ({e})"
        ))
    };
    let mut graph = filter::Graph::new();
    let source = filter::find("abuffer").ok_or_else(|| missing("abuffer"))?;
    let sink = filter::find("abuffersink").ok_or_else(|| missing("abuffersink"))?;
    graph.add(&source, "ain", &args).map_err(unusable)?;
    graph
        .add(&sink, "aout", "")
        .map_err(internal("audio sink"))?;
    graph
        .output("ain", 0)
        .and_then(|p| p.input("aout", 0))
        .and_then(|p| {
            p.parse(&format!(
                "[ain]aresample=async=1:first_pts={first_pts},aformat=sample_fmts=fltp:sample_rates={AUDIO_RATE}:channel_layouts=stereo[aout]"
            ))
        })
        .map_err(|e| MediaError::Internal(format!("audio graph from {args}: {e}")))?;
    graph.validate().map_err(unusable)?;
    if let Some(mut out) = graph.get("aout") {
        out.sink().set_frame_size(AAC_FRAME);
    }
    Ok(graph)
}

pub(crate) fn audio_encoder(bitrate: u32) -> Result<encoder::Audio, MediaError> {
    let codec = encoder::find(codec::Id::AAC)
        .ok_or_else(|| MediaError::Internal("this ffmpeg has no AAC encoder".to_owned()))?;
    let mut audio = codec::context::Context::new_with_codec(codec)
        .encoder()
        .audio()
        .map_err(internal("AAC encoder"))?;
    audio.set_rate(AUDIO_RATE);
    audio.set_format(format::Sample::F32(format::sample::Type::Planar));
    audio.set_channel_layout(ff::ChannelLayout::STEREO);
    audio.set_time_base(ff::Rational::new(1, AUDIO_RATE));
    audio.set_bit_rate(bitrate as usize);
    audio.open().map_err(internal("opening the AAC encoder"))
}

fn missing(name: &str) -> MediaError {
    MediaError::Internal(format!("this ffmpeg has no {name} filter"))
}

fn add(
    graph: &mut filter::Graph,
    name: &str,
    instance: &str,
    args: &str,
) -> Result<filter::Context, MediaError> {
    let filter = filter::find(name).ok_or_else(|| missing(name))?;
    graph
        .add(&filter, instance, args)
        .map_err(|e| MediaError::Internal(format!("video filter {name}={args}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_rates_snap_to_broadcast_rates() {
        assert_eq!(
            output_frame_rate(29.87, 60.0),
            ff::Rational::new(30000, 1001)
        );
        assert_eq!(output_frame_rate(30.0, 60.0), ff::Rational::new(30, 1));
        assert_eq!(output_frame_rate(25.0, 60.0), ff::Rational::new(25, 1));
        assert_eq!(output_frame_rate(120.0, 60.0), ff::Rational::new(60, 1));
        assert_eq!(
            output_frame_rate(15.0, 60.0),
            ff::Rational::new(15000, 1000)
        );
        assert_eq!(output_frame_rate(f64::NAN, 60.0), ff::Rational::new(30, 1));
    }

    #[test]
    fn segments_are_whole_gops_and_their_exact_length() {
        let settings = VideoSettings::default();
        let ntsc = ff::Rational::new(30000, 1001);
        assert_eq!(segment_frames(ntsc, &settings), 180);
        assert_eq!(hls_time(180, ntsc), "6.006000");
        assert_eq!(segment_frames(ff::Rational::new(25, 1), &settings), 150);
        assert_eq!(hls_time(150, ff::Rational::new(25, 1)), "6.000000");
        assert_eq!(hls_time(360, ff::Rational::new(60000, 1001)), "6.006000");
        // Not a whole number of microseconds: rounded down (6.006006006… s).
        assert_eq!(hls_time(144, ff::Rational::new(23976, 1000)), "6.006006");
        let odd = VideoSettings {
            gop_seconds: 4.0,
            ..VideoSettings::default()
        };
        assert_eq!(segment_frames(ff::Rational::new(30, 1), &odd), 240);
        assert_eq!(frames_to_seconds(720, ntsc), 24.024);
    }

    #[test]
    fn gops_are_two_seconds_of_frames() {
        assert_eq!(gop_frames(ff::Rational::new(30, 1), 2.0), 60);
        assert_eq!(gop_frames(ff::Rational::new(30000, 1001), 2.0), 60);
        assert_eq!(gop_frames(ff::Rational::new(25, 1), 2.0), 50);
    }
}
