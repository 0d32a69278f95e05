//! The muxers a transcode writes: one HLS playlist per rung (MPEG-TS segments, VOD,
//! independent segments) and the MP4 download (`faststart`). Encoded packets are copied to
//! every output that carries their stream and written interleaved, so nothing accumulates.
//!
//! A copied top rung (see `passthrough`) carries the source's own H.264 packets: in MP4 and
//! Matroska they are length-prefixed with the parameter sets in the stream's extradata
//! (`avcC`), which MPEG-TS cannot carry. No conversion is done here: the HLS muxer copies the
//! stream's parameters, extradata included, to the MPEG-TS muxer it writes each segment with,
//! and libavformat's `mpegts` muxer adds the `h264_mp4toannexb` bitstream filter itself to an
//! H.264 stream whose first packet does not begin with a start code (its `check_bitstream`,
//! run by every write while `fflags` has `autobsf`, the default): start codes, and the SPS and
//! PPS before every IDR. The MP4 download takes the packets and the `avcC` as they are.
//!
//! A live channel's renditions (`live`) copy the source's AAC as well (`AudioSource::Copy`):
//! the MPEG-TS muxer gives raw AAC packets their ADTS headers itself, from the stream's
//! AudioSpecificConfig, as it frames H.264.

use std::path::{Path, PathBuf};

use ff::{Packet, codec, encoder, format};
use ffmpeg_next as ff;

use super::pipeline::seconds_to_ts;
use crate::MediaError;

pub(crate) struct Output {
    context: format::context::Output,
    video: Option<Track>,
    audio: Option<Track>,
    pub path: PathBuf,
    /// Video keyframes handed to the muxer so far: a live rendition's segments can only end at
    /// one, so its watcher looks for a new segment only after one (`live::segments`).
    keyframes: u64,
}

#[derive(Clone, Copy)]
struct Track {
    index: usize,
    /// The time base packets arrive in: the encoder's, or the source stream's.
    from: ff::Rational,
    /// The muxer's, fixed by `write_header`.
    to: ff::Rational,
    /// Subtracted from the packets' timestamps first (in `from`): copied packets keep the
    /// source's clock, encoded ones already start at the common zero.
    shift: i64,
    /// Added last (in `to`): the renditions' common lead (see `Output::hls`).
    lead: i64,
}

/// What goes into an output: where its pictures and its sound come from.
pub(crate) struct Streams<'a> {
    pub video: Option<VideoSource<'a>>,
    pub audio: Option<AudioSource<'a>>,
}

/// Where an output's pictures come from.
#[derive(Clone, Copy)]
pub(crate) enum VideoSource<'a> {
    /// A rung's encoder.
    Encoder(&'a encoder::Video),
    /// The source's own H.264 stream, its packets copied as they are.
    Copy(&'a CopiedVideo),
}

/// Where an output's sound comes from.
#[derive(Clone, Copy)]
pub(crate) enum AudioSource<'a> {
    /// The transcode's AAC encoder.
    Encoder(&'a encoder::Audio),
    /// The source's own AAC stream, its packets copied as they are (a live channel's).
    Copy(&'a CopiedAudio),
}

/// The source's sound stream as a live rendition carries it.
pub(crate) struct CopiedAudio {
    /// The source stream's codec parameters, its AudioSpecificConfig included.
    pub parameters: codec::Parameters,
    /// The source stream's time base, which its packets arrive in.
    pub time_base: ff::Rational,
    /// The common zero of the streams used, in that time base.
    pub offset: i64,
}

/// The source's video stream as a copied rung carries it.
pub(crate) struct CopiedVideo {
    /// The source stream's codec parameters, its `avcC` extradata included.
    pub parameters: codec::Parameters,
    /// The source stream's time base, which its packets arrive in.
    pub time_base: ff::Rational,
    /// The common zero of the streams used, in that time base: what decoded pictures have
    /// subtracted from theirs.
    pub offset: i64,
}

impl Output {
    /// An HLS rendition: `<dir>/<name>.m3u8` and `<dir>/<name>_00000.ts`…, numbered from
    /// `first_segment` (a chunk's segments carry their place in the whole video).
    ///
    /// `hls_time` is the segment length the muxer cuts at (see `pipeline::hls_time`).
    ///
    /// `lead_seconds` moves every timestamp that far ahead. Renditions must show the same
    /// content at the same timestamps, and libavformat moves an output's timestamps by its
    /// first packet's negative DTS (`avoid_negative_ts`), which is the deepest reordering among
    /// its streams: the same in every rendition when all are x264's, not when the top rung is
    /// the source's own stream. A lead past every stream's reordering leaves nothing negative
    /// to move, so every rendition keeps the same clock; it is 0 when there is no copy. Chunks
    /// all take the same lead for the same reason: the first chunk starts with x264's negative
    /// DTS and AAC's priming, the others do not, and every chunk must keep the one clock.
    pub fn hls(
        dir: &Path,
        name: &str,
        hls_time: &str,
        first_segment: u32,
        lead_seconds: f64,
        streams: Streams<'_>,
    ) -> Result<Self, MediaError> {
        let playlist = dir.join(format!("{name}.m3u8"));
        let segments = dir.join(format!("{name}_%05d.ts"));
        let mut options = ff::Dictionary::new();
        options.set("hls_time", hls_time);
        options.set("start_number", &first_segment.to_string());
        options.set("hls_playlist_type", "vod");
        options.set("hls_list_size", "0");
        options.set("hls_segment_type", "mpegts");
        options.set("hls_flags", "independent_segments");
        options.set("hls_segment_filename", &segments.to_string_lossy());
        Self::open(playlist, "hls", options, streams, lead_seconds)
    }

    /// The MP4 download, its index at the front so players start before the end arrives.
    pub fn mp4(path: PathBuf, streams: Streams<'_>) -> Result<Self, MediaError> {
        let mut options = ff::Dictionary::new();
        options.set("movflags", "+faststart");
        // MP4 keeps negative timestamps (an edit list): nothing is moved, nothing needs a lead.
        Self::open(path, "mp4", options, streams, 0.0)
    }

    /// A live publish's recording: the MP4 its replay's download becomes, written while the
    /// stream arrives. Its index goes at the end, where the muxer writes it when the publish
    /// ends: moving it to the front (`faststart`) is one more full pass over hours of stream,
    /// the pass a replay in seconds cannot afford. Players that read by range (every browser,
    /// VLC) fetch the index from the end and start at once.
    pub fn mp4_recording(path: PathBuf, streams: Streams<'_>) -> Result<Self, MediaError> {
        Self::open(path, "mp4", ff::Dictionary::new(), streams, 0.0)
    }

    /// An output of `format_name` at `path` with `options`, every timestamp moved
    /// `lead_seconds` ahead (see `hls`).
    pub(crate) fn open(
        path: PathBuf,
        format_name: &str,
        options: ff::Dictionary,
        streams: Streams<'_>,
        lead_seconds: f64,
    ) -> Result<Self, MediaError> {
        let failed = |what: &'static str| {
            move |e: ff::Error| MediaError::Internal(format!("{format_name} output, {what}: {e}"))
        };
        let mut context = format::output_as(&path, format_name).map_err(failed("creating"))?;
        let mut video = None;
        if let Some(source) = streams.video {
            let mut stream = context
                .add_stream(ff::encoder::find(ff::codec::Id::H264))
                .map_err(failed("video stream"))?;
            let (time_base, shift) = match source {
                VideoSource::Encoder(encoder) => {
                    stream.set_parameters(encoder);
                    (encoder.time_base(), 0)
                }
                VideoSource::Copy(copied) => {
                    stream.set_parameters(copied.parameters.clone());
                    (copied.time_base, copied.offset)
                }
            };
            stream.set_time_base(time_base);
            video = Some((stream.index(), time_base, shift));
        }
        let mut audio = None;
        if let Some(source) = streams.audio {
            let mut stream = context
                .add_stream(ff::encoder::find(ff::codec::Id::AAC))
                .map_err(failed("audio stream"))?;
            let (time_base, shift) = match source {
                AudioSource::Encoder(encoder) => {
                    stream.set_parameters(encoder);
                    (encoder.time_base(), 0)
                }
                AudioSource::Copy(copied) => {
                    stream.set_parameters(copied.parameters.clone());
                    (copied.time_base, copied.offset)
                }
            };
            stream.set_time_base(time_base);
            audio = Some((stream.index(), time_base, shift));
        }
        context
            .write_header_with(options)
            .map_err(failed("writing the header"))?;
        let track = |(index, from, shift): (usize, ff::Rational, i64),
                     context: &format::context::Output| {
            let to = context.stream(index).map(|s| s.time_base()).unwrap_or(from);
            Track {
                index,
                from,
                to,
                shift,
                lead: seconds_to_ts(lead_seconds, to),
            }
        };
        Ok(Output {
            video: video.map(|v| track(v, &context)),
            audio: audio.map(|a| track(a, &context)),
            context,
            path,
            keyframes: 0,
        })
    }

    pub fn write_video(&mut self, packet: &Packet) -> Result<(), MediaError> {
        match self.video {
            Some(track) => {
                self.write(packet, track)?;
                if packet.is_key() {
                    self.keyframes += 1;
                }
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Video keyframes written so far.
    pub fn keyframes(&self) -> u64 {
        self.keyframes
    }

    pub fn write_audio(&mut self, packet: &Packet) -> Result<(), MediaError> {
        match self.audio {
            Some(track) => self.write(packet, track),
            None => Ok(()),
        }
    }

    fn write(&mut self, packet: &Packet, track: Track) -> Result<(), MediaError> {
        let mut copy = packet.clone();
        copy.set_stream(track.index);
        if track.shift != 0 {
            copy.set_pts(copy.pts().map(|t| t.saturating_sub(track.shift)));
            copy.set_dts(copy.dts().map(|t| t.saturating_sub(track.shift)));
        }
        copy.rescale_ts(track.from, track.to);
        if track.lead != 0 {
            copy.set_pts(copy.pts().map(|t| t.saturating_add(track.lead)));
            copy.set_dts(copy.dts().map(|t| t.saturating_add(track.lead)));
        }
        copy.set_position(-1);
        copy.write_interleaved(&mut self.context)
            .map_err(|e| MediaError::Internal(format!("writing {}: {e}", self.path.display())))
    }

    pub fn finish(mut self) -> Result<PathBuf, MediaError> {
        self.context
            .write_trailer()
            .map_err(|e| MediaError::Internal(format!("finishing {}: {e}", self.path.display())))?;
        Ok(self.path)
    }
}

/// Every output of a transcode: one HLS rendition per rung (or one for sound only) and the
/// download, which carries the pictures of one rung.
pub(crate) struct Outputs {
    pub hls: Vec<Output>,
    pub download: Option<Output>,
    pub download_rung: usize,
}

impl Outputs {
    /// A packet of rung `rung` (its encoder's, or the source's for a copied rung): to its
    /// rendition, and to the download for its rung.
    pub fn write_video(&mut self, rung: usize, packet: &Packet) -> Result<(), MediaError> {
        if let Some(output) = self.hls.get_mut(rung) {
            output.write_video(packet)?;
        }
        if rung == self.download_rung
            && let Some(output) = self.download.as_mut()
        {
            output.write_video(packet)?;
        }
        Ok(())
    }

    /// A sound packet: every output carries the one sound track.
    pub fn write_audio(&mut self, packet: &Packet) -> Result<(), MediaError> {
        for output in &mut self.hls {
            output.write_audio(packet)?;
        }
        if let Some(output) = self.download.as_mut() {
            output.write_audio(packet)?;
        }
        Ok(())
    }
}
