//! The publisher's sequence parameter set, from its first keyframe: what decides whether the
//! top rung can be its stream, copied.
//!
//! FLV carries the SPS and PPS once, in the AVC sequence header (an `avcC` record) before the
//! first frame; the frames hold slices only, length-prefixed. libavformat keeps the record as
//! the stream's extradata, which ffmpeg-next has no safe reading of (and this crate forbids
//! `unsafe`). So the keyframe is written, as it is, through libavformat's raw `h264` muxer into
//! a scratch file: like the MPEG-TS muxer, it adds `h264_mp4toannexb` to a stream whose packets
//! do not begin with a start code, and that filter writes the record's SPS and PPS, with start
//! codes, before the first IDR. Our own parsers (`h264_nal`, `h264_sps`) read the file back;
//! nothing of FFmpeg's internals is read. It costs one keyframe written and read, once.
//!
//! A keyframe that holds no IDR gets no parameter sets from the filter: such a stream (an
//! open-GOP encoder's recovery points) does not qualify for the copy anyway.

use std::path::Path;

use ff::Packet;
use ffmpeg_next as ff;

use crate::MediaError;
use crate::video::h264_nal::{Framing, has_idr, nal_units, sps_units};
use crate::video::h264_sps::Sps;

/// The scratch file, removed once read.
const SCRATCH_FILE: &str = "first-keyframe.h264";

/// What the first keyframe says.
pub(super) struct FirstKeyframe {
    /// Its SPS NAL unit (header byte included), and what it says.
    pub sps: Option<(Vec<u8>, Sps)>,
    /// It holds an IDR picture.
    pub idr: bool,
}

/// Reads the SPS the stream's `parameters` (its `avcC`) give `keyframe`, via a file in
/// `scratch`.
pub(super) fn read_first_keyframe(
    scratch: &Path,
    parameters: ff::codec::Parameters,
    time_base: ff::Rational,
    keyframe: &Packet,
) -> Result<FirstKeyframe, MediaError> {
    let path = scratch.join(SCRATCH_FILE);
    let written = write_annex_b(&path, parameters, time_base, keyframe).and_then(|()| {
        std::fs::read(&path)
            .map_err(|e| MediaError::Internal(format!("reading {SCRATCH_FILE}: {e}")))
    });
    // Gone whatever happened: the directory is the live renditions'.
    let _ = std::fs::remove_file(&path);
    let bytes = written?;
    let units = nal_units(&bytes, Framing::AnnexB).unwrap_or_default();
    let sps = sps_units(&units)
        .next()
        .and_then(|unit| Sps::parse(unit).map(|parsed| (unit.to_vec(), parsed)));
    Ok(FirstKeyframe {
        sps,
        idr: has_idr(&units),
    })
}

/// `keyframe` alone in a raw H.264 file at `path`, converted to start codes by the muxer.
fn write_annex_b(
    path: &Path,
    parameters: ff::codec::Parameters,
    time_base: ff::Rational,
    keyframe: &Packet,
) -> Result<(), MediaError> {
    let failed = |what: &'static str| {
        move |e: ff::Error| MediaError::Internal(format!("{SCRATCH_FILE}, {what}: {e}"))
    };
    let mut output = ff::format::output_as(path, "h264").map_err(failed("creating"))?;
    {
        let mut stream = output
            .add_stream(ff::encoder::find(ff::codec::Id::H264))
            .map_err(failed("its stream"))?;
        stream.set_parameters(parameters);
        stream.set_time_base(time_base);
    }
    output.write_header().map_err(failed("its header"))?;
    let to = output.stream(0).map_or(time_base, |s| s.time_base());
    let mut packet = keyframe.clone();
    packet.set_stream(0);
    packet.rescale_ts(time_base, to);
    packet.set_position(-1);
    packet
        .write_interleaved(&mut output)
        .map_err(failed("the keyframe"))?;
    output.write_trailer().map_err(failed("its end"))
}
