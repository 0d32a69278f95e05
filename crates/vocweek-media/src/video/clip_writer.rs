//! The clip's MP4 (`clip.rs`): one H.264 track whose packets are all Annex B (copied ones
//! converted by `clip_copy.rs`, encoded ones as x264 writes them), the muxer building the
//! `avcC` from the parameter sets in the stream; the sound copied. Pictures are moved so the
//! first is at 0, decode times kept rising where a copied run meets an encoded one, and the
//! sound moved alike and cut at the clip's edges.

use std::path::Path;

use ff::codec::context::Context;
use ff::{Packet, Rational, codec, encoder, format};
use ffmpeg_next as ff;

use super::clip_copy::annex_b_packet;
use super::clip_plan::ClipPlan;
use super::h264_nal::Framing;
use super::pipeline::{internal, seconds_to_ts};
use super::remux::add_stream;
use crate::MediaError;

/// The clip's MP4: pictures moved so the first is at 0, decode times kept rising where a
/// copied run meets an encoded one, sound moved alike and cut at the clip's edges.
pub(super) struct ClipWriter {
    muxer: format::context::Output,
    video_in: Rational,
    video_out: (usize, Rational),
    audio: Option<(usize, Rational, (usize, Rational))>,
    plan: ClipPlan,
    last_dts: Option<i64>,
    latest_end: i64,
}

impl ClipWriter {
    pub fn open(
        context: &format::context::Input,
        video: usize,
        audio: Option<usize>,
        output: &Path,
        plan: &ClipPlan,
        time_base: Rational,
    ) -> Result<Self, MediaError> {
        let mut muxer = format::output_as(output, "mp4").map_err(internal("mp4 output"))?;
        let source = context
            .stream(video)
            .ok_or_else(|| MediaError::Internal("the video stream vanished".to_owned()))?;
        let video_index = add_h264_stream(&mut muxer, &source)?;
        // MPEG-TS sound carries the TS's stream type as its tag, which MP4 refuses: described
        // afresh (its ADTS gives the muxer the AAC configuration). Other containers' sound is
        // copied with its parameters, its codec's configuration with them.
        let fresh_sound = context.format().name() == "mpegts";
        let audio_index = match audio.and_then(|a| context.stream(a)) {
            Some(stream) if fresh_sound => Some((
                stream.index(),
                stream.time_base(),
                add_stream(&mut muxer, &stream)?,
            )),
            Some(stream) => {
                let mut added = muxer
                    .add_stream(ff::encoder::find(codec::Id::None))
                    .map_err(internal("adding the clip's sound"))?;
                added.set_parameters(stream.parameters());
                added.set_time_base(stream.time_base());
                Some((stream.index(), stream.time_base(), added.index()))
            }
            None => None,
        };
        let mut options = ff::Dictionary::new();
        options.set("movflags", "+faststart");
        muxer.write_header_with(options).map_err(|e| {
            MediaError::VideoUnsupportedCodec(format!("the clip's MP4 cannot hold this video: {e}"))
        })?;
        let out_base = |index: usize| muxer.stream(index).map_or(time_base, |s| s.time_base());
        let video_out = (video_index, out_base(video_index));
        let audio = audio_index.map(|(input, base, out)| (input, base, (out, out_base(out))));
        Ok(Self {
            muxer,
            video_in: time_base,
            video_out,
            audio,
            plan: *plan,
            last_dts: None,
            latest_end: 0,
        })
    }

    /// Encoded pictures, in the source's time base.
    pub fn pictures(&mut self, made: &mut Vec<Packet>) -> Result<(), MediaError> {
        for packet in made.drain(..) {
            self.write_video(packet)?;
        }
        Ok(())
    }

    pub fn copied(
        &mut self,
        packet: &Packet,
        framing: Framing,
        parameter_sets: &[Vec<u8>],
    ) -> Result<(), MediaError> {
        let data = packet.data().unwrap_or_default();
        let bytes =
            annex_b_packet(data, framing, parameter_sets, packet.is_key()).ok_or_else(|| {
                MediaError::VideoCorrupt("a picture's packet is not framed as its file says".into())
            })?;
        let mut copy = Packet::copy(&bytes);
        copy.set_pts(packet.pts());
        copy.set_dts(packet.dts());
        copy.set_duration(packet.duration());
        if packet.is_key() {
            copy.set_flags(ff::packet::Flags::KEY);
        }
        self.write_video(copy)
    }

    fn write_video(&mut self, mut packet: Packet) -> Result<(), MediaError> {
        let shift = self.plan.first;
        let pts = packet.pts().map(|t| t - shift);
        let mut dts = packet.dts().map(|t| t - shift).or(pts);
        // Where a copied run (decode times behind its display times by the reordering delay)
        // follows an encoded one (none), decode times must still rise.
        if let (Some(d), Some(last)) = (dts, self.last_dts)
            && d <= last
        {
            dts = Some(last + 1);
        }
        self.last_dts = dts;
        packet.set_dts(dts);
        packet.set_pts(match (pts, dts) {
            (Some(p), Some(d)) => Some(p.max(d)),
            (p, _) => p,
        });
        if let Some(p) = pts {
            self.latest_end = self.latest_end.max(p + packet.duration().max(1));
        }
        let (index, out_base) = self.video_out;
        packet.rescale_ts(self.video_in, out_base);
        packet.set_stream(index);
        packet.set_position(-1);
        packet
            .write_interleaved(&mut self.muxer)
            .map_err(internal("writing the clip"))
    }

    pub fn sound(&mut self, mut packet: Packet) -> Result<(), MediaError> {
        let Some((_, base, (index, out_base))) = self.audio else {
            return Ok(());
        };
        let Some(pts) = packet.pts() else {
            return Ok(());
        };
        let seconds = |ts: i64, b: Rational| ts as f64 * f64::from(b);
        let at = seconds(pts, base);
        let first = seconds(self.plan.first, self.video_in);
        let kept = at >= first
            && self
                .plan
                .after
                .is_none_or(|after| at < seconds(after, self.video_in));
        if !kept {
            return Ok(());
        }
        let shift = seconds_to_ts(first, base);
        packet.set_pts(Some(pts - shift));
        packet.set_dts(packet.dts().map(|d| d - shift));
        packet.rescale_ts(base, out_base);
        packet.set_stream(index);
        packet.set_position(-1);
        packet
            .write_interleaved(&mut self.muxer)
            .map_err(internal("writing the clip's sound"))
    }

    pub fn video_seconds(&self) -> f64 {
        self.latest_end as f64 * f64::from(self.video_in)
    }

    pub fn finish(&mut self) -> Result<(), MediaError> {
        self.muxer
            .write_trailer()
            .map_err(internal("finishing the clip"))
    }
}

/// The clip's picture track: H.264 whatever the source's codec (a source that is not is
/// encoded whole), the source's size and time base, no codec tag, no extradata.
fn add_h264_stream(
    muxer: &mut format::context::Output,
    stream: &format::stream::Stream,
) -> Result<usize, MediaError> {
    let unreadable = |e: ff::Error| MediaError::Internal(format!("the clip's picture track: {e}"));
    let source = Context::from_parameters(stream.parameters())
        .and_then(|c| c.decoder().video())
        .map_err(unreadable)?;
    let codec = encoder::find(codec::Id::H264)
        .ok_or_else(|| MediaError::Internal("this ffmpeg has no H.264 encoder".to_owned()))?;
    let mut video = Context::new_with_codec(codec)
        .encoder()
        .video()
        .map_err(unreadable)?;
    video.set_width(source.width());
    video.set_height(source.height());
    video.set_format(format::Pixel::YUV420P);
    video.set_aspect_ratio(source.aspect_ratio());
    video.set_time_base(stream.time_base());
    let mut added = muxer
        .add_stream_with(&video)
        .map_err(internal("adding the clip's picture track"))?;
    added.set_time_base(stream.time_base());
    Ok(added.index())
}
