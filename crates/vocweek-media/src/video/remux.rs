//! The MP4 download of a chunked video: the download rung's MPEG-TS segments, every chunk's
//! one after the other in one file, remuxed into MP4 (`faststart`) — packets copied, nothing
//! decoded — with their timestamps moved so the earliest is 0.
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
    /// Subtracted from every timestamp (in `from`): the earliest start becomes 0.
    shift: i64,
}

/// Remuxes the MPEG-TS `input` (H.264 and AAC) into the MP4 `output`.
pub(crate) fn remux_to_mp4(input: &Path, output: &Path) -> Result<(), MediaError> {
    super::init()?;
    // Our own file: a failure to read it is no fault of an upload.
    let mut context =
        open_input(input).map_err(|e| MediaError::Internal(format!("the download's TS: {e}")))?;
    let video = context.streams().best(MediaType::Video).map(|s| s.index());
    let audio = context.streams().best(MediaType::Audio).map(|s| s.index());
    let used: Vec<usize> = [video, audio].into_iter().flatten().collect();
    if video.is_none() {
        return Err(MediaError::Internal(
            "the download's TS has no pictures".to_owned(),
        ));
    }
    // The common zero: the earliest start of the streams carried, in seconds.
    let earliest = used
        .iter()
        .filter_map(|&i| context.stream(i))
        .filter(|s| s.start_time() != ff::ffi::AV_NOPTS_VALUE)
        .map(|s| s.start_time() as f64 * f64::from(s.time_base()))
        .fold(None, |min: Option<f64>, t| {
            Some(min.map_or(t, |m| m.min(t)))
        })
        .unwrap_or(0.0);
    let mut muxer = format::output_as(output, "mp4").map_err(internal("mp4 output"))?;
    let mut carried = Vec::new();
    for &index in &used {
        let stream = context
            .stream(index)
            .ok_or_else(|| MediaError::Internal("a TS stream vanished".to_owned()))?;
        let time_base = stream.time_base();
        let out_index = add_stream(&mut muxer, &stream)?;
        carried.push(Carried {
            input: index,
            output: out_index,
            from: time_base,
            to: time_base,
            shift: seconds_to_ts(earliest, time_base),
        });
    }
    let mut options = ff::Dictionary::new();
    options.set("movflags", "+faststart");
    muxer
        .write_header_with(options)
        .map_err(internal("writing the MP4 header"))?;
    for stream in &mut carried {
        stream.to = muxer
            .stream(stream.output)
            .map_or(stream.to, |s| s.time_base());
    }
    loop {
        // A fresh packet each time: reading into a used one does not release what it held.
        let mut packet = Packet::empty();
        match packet.read(&mut context) {
            Ok(()) => {}
            Err(ff::Error::Eof) => break,
            Err(e) => return Err(MediaError::Internal(format!("reading the TS: {e}"))),
        }
        let Some(stream) = carried.iter().find(|c| c.input == packet.stream()) else {
            continue;
        };
        packet.set_pts(packet.pts().map(|t| t.saturating_sub(stream.shift)));
        packet.set_dts(packet.dts().map(|t| t.saturating_sub(stream.shift)));
        packet.rescale_ts(stream.from, stream.to);
        packet.set_stream(stream.output);
        packet.set_position(-1);
        packet
            .write_interleaved(&mut muxer)
            .map_err(|e| MediaError::Internal(format!("writing {}: {e}", output.display())))?;
    }
    muxer
        .write_trailer()
        .map_err(|e| MediaError::Internal(format!("finishing {}: {e}", output.display())))
}

/// Adds to `muxer` a stream like `stream` (its codec and its pictures' or sound's format, no
/// codec tag), in its time base; returns its index.
fn add_stream(
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
