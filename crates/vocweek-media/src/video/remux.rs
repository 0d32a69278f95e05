//! The MP4 download of a chunked video or a live event's replay: the download rung's MPEG-TS
//! segments, joined in one file per run of continuous timestamps, remuxed into MP4
//! (`faststart`) — packets copied, nothing decoded — with their timestamps moved so the
//! earliest is 0 and each run follows the one before.
//!
//! The output streams are described afresh (codec, size, sample rate), not copied from the
//! MPEG-TS demuxer's: those carry MPEG-TS stream types as codec tags (`0x1b`, `0x0f`), which
//! the MP4 muxer refuses, and ffmpeg-next has no safe way to clear a tag. Nothing else is
//! needed, as for the whole transcode's download (whose H.264 encoder writes no extradata
//! either): the MP4 muxer builds the `avcC` from the parameter sets x264 repeats before every
//! keyframe and turns the start codes into lengths, and adds the `aac_adtstoasc` bitstream
//! filter to the ADTS sound itself (its `check_bitstream`, with `autobsf`, the default), which
//! gives it the AAC configuration with the first packet.

use std::path::Path;

use ff::codec::context::Context;
use ff::media::Type as MediaType;
use ff::{ChannelLayout, Packet, decoder, format};
use ffmpeg_next as ff;

use super::pipeline::{internal, seconds_to_ts};
use super::probe::open_input;
use crate::MediaError;

/// One stream carried over: where it goes, and its timestamps' move.
struct Carried {
    input: usize,
    output: usize,
    from: ff::Rational,
    to: ff::Rational,
    /// Subtracted from every timestamp (in `from`): the part's earliest start lands where the
    /// part before it ended (0 for the first).
    shift: i64,
}

/// Remuxes the MPEG-TS `parts` (H.264 and AAC), one after the other, into the MP4 `output`.
/// Each part is a run of continuous timestamps (the chunks of a chunked video are one run; a
/// live event has one per publish, each starting its clock again): a part's earliest picture
/// or sound follows the latest end of the part before it, so the download plays straight
/// through the reconnects.
pub(crate) fn remux_to_mp4(parts: &[&Path], output: &Path) -> Result<(), MediaError> {
    super::init()?;
    let mut muxer = format::output_as(output, "mp4").map_err(internal("mp4 output"))?;
    // The output's streams, video first: the first part's, which every later part maps to.
    let mut outputs: Vec<(MediaType, usize)> = Vec::new();
    let mut header_written = false;
    // Where the next part starts, in seconds: the latest end of any packet so far.
    let mut next_start = 0.0f64;
    for part in parts {
        // Our own files: a failure to read one is no fault of an upload.
        let mut context = open_input(part)
            .map_err(|e| MediaError::Internal(format!("the download's TS: {e}")))?;
        let video = context.streams().best(MediaType::Video).map(|s| s.index());
        let audio = context.streams().best(MediaType::Audio).map(|s| s.index());
        if video.is_none() {
            return Err(MediaError::Internal(
                "the download's TS has no pictures".to_owned(),
            ));
        }
        let used: Vec<(MediaType, usize)> = [(MediaType::Video, video), (MediaType::Audio, audio)]
            .into_iter()
            .filter_map(|(medium, index)| index.map(|i| (medium, i)))
            .collect();
        let earliest = earliest_start(&context, &used);
        if !header_written {
            for &(medium, index) in &used {
                let stream = context
                    .stream(index)
                    .ok_or_else(|| MediaError::Internal("a TS stream vanished".to_owned()))?;
                outputs.push((medium, add_stream(&mut muxer, &stream)?));
            }
            let mut options = ff::Dictionary::new();
            options.set("movflags", "+faststart");
            muxer
                .write_header_with(options)
                .map_err(internal("writing the MP4 header"))?;
            header_written = true;
        }
        let mut carried = Vec::new();
        for &(medium, index) in &used {
            // A later part with a stream the first had not (sound that came back) is dropped.
            let Some(&(_, out)) = outputs.iter().find(|(m, _)| *m == medium) else {
                continue;
            };
            let Some(stream) = context.stream(index) else {
                continue;
            };
            let time_base = stream.time_base();
            carried.push(Carried {
                input: index,
                output: out,
                from: time_base,
                to: muxer.stream(out).map_or(time_base, |s| s.time_base()),
                shift: seconds_to_ts(earliest - next_start, time_base),
            });
        }
        let ended = copy_packets(&mut context, &mut muxer, &carried, output)?;
        next_start = next_start.max(ended);
    }
    muxer
        .write_trailer()
        .map_err(|e| MediaError::Internal(format!("finishing {}: {e}", output.display())))
}

/// The common zero of a part: the earliest start of the streams carried, in seconds.
fn earliest_start(context: &format::context::Input, used: &[(MediaType, usize)]) -> f64 {
    used.iter()
        .filter_map(|&(_, i)| context.stream(i))
        .filter(|s| s.start_time() != ff::ffi::AV_NOPTS_VALUE)
        .map(|s| s.start_time() as f64 * f64::from(s.time_base()))
        .fold(None, |min: Option<f64>, t| {
            Some(min.map_or(t, |m| m.min(t)))
        })
        .unwrap_or(0.0)
}

/// Copies a part's packets, moved; answers where the part ends in the output, in seconds.
fn copy_packets(
    context: &mut format::context::Input,
    muxer: &mut format::context::Output,
    carried: &[Carried],
    output: &Path,
) -> Result<f64, MediaError> {
    let mut ended = 0.0f64;
    loop {
        // A fresh packet each time: reading into a used one does not release what it held.
        let mut packet = Packet::empty();
        match packet.read(context) {
            Ok(()) => {}
            Err(ff::Error::Eof) => break,
            Err(e) => return Err(MediaError::Internal(format!("reading the TS: {e}"))),
        }
        let Some(stream) = carried.iter().find(|c| c.input == packet.stream()) else {
            continue;
        };
        packet.set_pts(packet.pts().map(|t| t.saturating_sub(stream.shift)));
        packet.set_dts(packet.dts().map(|t| t.saturating_sub(stream.shift)));
        if let Some(pts) = packet.pts() {
            // At least a tick past the packet: a part whose packets carry no duration still
            // ends after its last one, so the next part's first timestamp is a later one.
            let end = pts.saturating_add(packet.duration().max(1));
            ended = ended.max(end as f64 * f64::from(stream.from));
        }
        packet.rescale_ts(stream.from, stream.to);
        packet.set_stream(stream.output);
        packet.set_position(-1);
        packet
            .write_interleaved(muxer)
            .map_err(|e| MediaError::Internal(format!("writing {}: {e}", output.display())))?;
    }
    Ok(ended)
}

/// Adds to `muxer` a stream like `stream` (its codec and its pictures' or sound's format, no
/// codec tag), in its time base; returns its index.
pub(super) fn add_stream(
    muxer: &mut format::context::Output,
    stream: &format::stream::Stream,
) -> Result<usize, MediaError> {
    let parameters = stream.parameters();
    let id = parameters.id();
    let codec = decoder::find(id)
        .ok_or_else(|| MediaError::Internal(format!("no {} decoder", id.name())))?;
    let unreadable = |e: ff::Error| MediaError::Internal(format!("the TS's {}: {e}", id.name()));
    let source = Context::from_parameters(parameters).map_err(unreadable)?;
    // An unopened context of the codec: its parameters are what is set here, tag 0.
    let described = Context::new_with_codec(codec).encoder();
    let mut added = match stream.parameters().medium() {
        MediaType::Video => {
            let source = source.decoder().video().map_err(unreadable)?;
            let mut video = described.video().map_err(unreadable)?;
            video.set_width(source.width());
            video.set_height(source.height());
            video.set_format(source.format());
            video.set_aspect_ratio(source.aspect_ratio());
            video.set_time_base(stream.time_base());
            muxer.add_stream_with(&video)
        }
        _ => {
            let source = source.decoder().audio().map_err(unreadable)?;
            let mut audio = described.audio().map_err(unreadable)?;
            audio.set_rate(i32::try_from(source.rate()).unwrap_or(48_000));
            audio.set_format(source.format());
            audio.set_channel_layout(ChannelLayout::default(i32::from(source.channels())));
            audio.set_time_base(stream.time_base());
            muxer.add_stream_with(&audio)
        }
    }
    .map_err(internal("adding an MP4 stream"))?;
    added.set_time_base(stream.time_base());
    Ok(added.index())
}
