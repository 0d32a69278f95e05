//! The picture half of a transcode: one decoder; one filter graph, built on the first decoded
//! picture for its size and pixel format; one H.264 encoder per rung, whose packets go to the
//! rung's rendition and, for one rung, to the download. A top rung that is the source itself
//! (see `passthrough`) has no encoder: the source's packets go to its outputs as they are read,
//! and the other rungs' encoders make keyframes of the pictures the source has them at.

use ff::{Packet, Rescale, decoder, encoder, frame};
use ffmpeg_next as ff;

use super::chunk_range::ChunkRange;
use super::conform::{Conform, PictureFormat};
use super::control::Progress;
use super::ladder::{Rung, choose_rungs};
use super::master::avc1_codec;
use super::outputs::{CopiedVideo, Outputs, VideoSource};
use super::passthrough::PassthroughPlan;
use super::pipeline::{
    Keyframes, VideoGraph, VideoGraphSpec, frame_rate_for, internal, is_again, seconds_to_ts,
    video_decoder, video_encoder,
};
use super::poster::PosterPicker;
use super::probe::VideoFacts;
use super::settings::VideoSettings;
use super::stream_end::StreamEnd;
use crate::MediaError;

/// The last picture is held at most as long as the container's declared duration, or this many
/// seconds when that is shorter or unknown (see `StreamEnd`): a still shown over a whole sound
/// track is held that long, a duration that only its own packet claims is not believed.
const LONGEST_LAST_PICTURE: f64 = 10.0;

pub(crate) struct VideoPath {
    pub stream: usize,
    decoder: decoder::Video,
    /// Subtracted from every timestamp so the earliest stream starts at zero.
    offset: i64,
    /// The stream's time base, which decoded pictures and the graph's source count in.
    input_time_base: ff::Rational,
    rotation: u32,
    /// Built on the first decoded picture: before one is decoded FFmpeg may not know the pixel
    /// format (a stream whose first packets are damaged), and the graph is made for one.
    filtering: Option<Filtering>,
    pub rungs: Vec<Rung>,
    /// Each rung's encoder; `None` for a top rung that is the source's own stream.
    encoders: Vec<Option<encoder::Video>>,
    /// The source's stream, when the top rung is a copy of it.
    copied: Option<CopiedVideo>,
    /// With a copied top rung, the source's keyframes as output frame numbers (the encoders'
    /// timestamps), ascending: the pictures the encoded rungs make IDRs of. Empty otherwise.
    forced_keyframes: Vec<i64>,
    /// Seconds every HLS rendition's timestamps are moved ahead (see `Output::hls`): 0 unless
    /// the top rung is copied.
    hls_lead: f64,
    /// Each rung's RFC 6381 codec string, read from its first keyframe (a copied rung's from
    /// the source's sequence parameter set).
    pub codecs: Vec<Option<String>>,
    pub frame_rate: ff::Rational,
    /// The encoders' time base: one frame at `frame_rate`.
    time_base: ff::Rational,
    end: StreamEnd,
    /// A chunk's share of the pictures: the others are dropped out of the graph, before the
    /// encoders, the poster and the count.
    range: Option<ChunkRange>,
    /// Pictures out of the top rung's sink (a chunk's own).
    pub frames: u64,
    /// Some pictures were flagged interlaced (and were deinterlaced).
    pub interlaced: bool,
    /// Packets the decoder refused and pictures that could not be used.
    pub damaged: u64,
}

struct Filtering {
    graph: VideoGraph,
    conform: Conform,
    /// The sinks' time base (the encoders' value, perhaps written as another fraction).
    time_base: ff::Rational,
}

impl VideoPath {
    /// `start` is the common zero of the streams used, `declared` the container's duration,
    /// both in seconds; `passthrough`, when the source qualified, makes the top rung a copy;
    /// `range` keeps a chunk's pictures only.
    pub fn new(
        stream: &ff::format::stream::Stream,
        facts: &VideoFacts,
        start: f64,
        declared: Option<f64>,
        settings: &VideoSettings,
        passthrough: Option<&PassthroughPlan>,
        range: Option<&ChunkRange>,
    ) -> Result<Self, MediaError> {
        let decoder = video_decoder(stream)?;
        let rungs = choose_rungs(
            facts.display_width,
            facts.display_height,
            &settings.rungs,
            settings.download_rung,
        );
        let frame_rate = frame_rate_for(facts, settings);
        // The encoders exist before the graph (the outputs are opened from them); the `fps`
        // filter's output time base is one frame as a reduced fraction, so this is its value.
        let time_base = frame_rate.reduce().invert();
        let input_time_base = stream.time_base();
        let offset = seconds_to_ts(start, input_time_base);
        let copied = passthrough.map(|_| CopiedVideo {
            // An owned copy: the stream's own belongs to the input context.
            parameters: stream.parameters().clone(),
            time_base: input_time_base,
            offset,
        });
        let keyframes = if copied.is_some() {
            Keyframes::Forced
        } else {
            Keyframes::Fixed
        };
        let encoders = rungs
            .iter()
            .enumerate()
            .map(|(i, rung)| {
                if i == 0 && copied.is_some() {
                    Ok(None)
                } else {
                    video_encoder(rung, frame_rate, time_base, settings, keyframes).map(Some)
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut codecs = vec![None; rungs.len()];
        if let (Some(plan), Some(top)) = (passthrough, codecs.first_mut()) {
            *top = Some(plan.codec.clone());
        }
        let end = StreamEnd::new(
            frame_duration(stream, frame_rate),
            seconds_to_ts(
                declared.unwrap_or(0.0).max(LONGEST_LAST_PICTURE),
                input_time_base,
            ),
        );
        Ok(VideoPath {
            stream: stream.index(),
            decoder,
            offset,
            input_time_base,
            rotation: facts.rotation,
            filtering: None,
            codecs,
            rungs,
            encoders,
            copied,
            forced_keyframes: passthrough.map(|p| p.keyframes.clone()).unwrap_or_default(),
            hls_lead: passthrough.map_or(0.0, |p| p.lead_frames as f64 / f64::from(frame_rate)),
            frame_rate,
            time_base,
            end,
            range: range.copied(),
            frames: 0,
            interlaced: false,
            damaged: 0,
        })
    }

    /// Where rung `rung`'s pictures come from, for its outputs: its encoder, or the source's
    /// stream for a copied top rung.
    pub fn video_source(&self, rung: usize) -> Option<VideoSource<'_>> {
        match (self.encoders.get(rung)?, &self.copied) {
            (Some(encoder), _) => Some(VideoSource::Encoder(encoder)),
            (None, Some(copied)) => Some(VideoSource::Copy(copied)),
            (None, None) => None,
        }
    }

    /// The top rung is the source's own stream, copied.
    pub fn top_rung_copied(&self) -> bool {
        self.copied.is_some()
    }

    /// How far ahead every HLS rendition's timestamps go, in seconds (see `Output::hls`).
    pub fn hls_lead_seconds(&self) -> f64 {
        self.hls_lead
    }

    /// A live source's keyframe at `pts` (the stream's time base, as read): with a copied top
    /// rung, the encoded rungs make an IDR of the output frame it falls on, as of the keyframes
    /// a file's scan found ahead. Called before the packet is sent, so the list has the frame
    /// before the graph can give it; keyframes come in order, so it stays sorted.
    pub fn note_source_keyframe(&mut self, pts: i64) {
        if self.copied.is_none() {
            return;
        }
        let seconds = pts.saturating_sub(self.offset) as f64 * f64::from(self.input_time_base);
        let frame = (seconds * f64::from(self.frame_rate)).round() as i64;
        if self
            .forced_keyframes
            .last()
            .is_none_or(|&last| frame > last)
        {
            self.forced_keyframes.push(frame);
        }
    }

    /// Sends a packet (or, with `None`, the end) to the decoder, and every picture it returns
    /// through the graph to the encoders and outputs. With a copied top rung the packet goes
    /// to its outputs first, as it is.
    pub fn send(
        &mut self,
        packet: Option<&Packet>,
        out: &mut Outputs,
        poster: &mut PosterPicker,
        progress: &Progress<'_>,
    ) -> Result<(), MediaError> {
        if let (Some(packet), Some(_)) = (packet, &self.copied) {
            // `passthrough` checked every packet's framing and timestamps; should a muxer still
            // refuse one, the error ends this run and `transcode` starts again without the copy.
            out.write_video(0, packet)?;
        }
        let sent = match packet {
            Some(packet) => self.decoder.send_packet(packet),
            None => self.decoder.send_eof(),
        };
        if sent.is_err() {
            self.damaged += 1;
        }
        let mut decoded = frame::Video::empty();
        loop {
            match self.decoder.receive_frame(&mut decoded) {
                Ok(()) => {}
                Err(e) if is_again(&e) || e == ff::Error::Eof => break,
                Err(_) => {
                    self.damaged += 1;
                    break;
                }
            }
            let Some(timestamp) = decoded.timestamp() else {
                self.damaged += 1;
                continue;
            };
            self.interlaced |= decoded.is_interlaced();
            decoded.set_pts(Some(timestamp.saturating_sub(self.offset)));
            self.filter(&decoded)?;
            self.drain(out, poster, progress)?;
        }
        if packet.is_none() {
            self.finish(out, poster, progress)?;
        }
        Ok(())
    }

    /// Pushes one decoded picture into the graph, building the graph on the first.
    fn filter(&mut self, decoded: &frame::Video) -> Result<(), MediaError> {
        if self.filtering.is_none() {
            let filtering = self.build(decoded)?;
            self.filtering = Some(filtering);
        }
        let Some(filtering) = self.filtering.as_mut() else {
            return Ok(());
        };
        let converted;
        let picture = if PictureFormat::of(decoded) == filtering.conform.target() {
            decoded
        } else {
            match filtering.conform.convert(decoded) {
                Some(picture) => {
                    converted = picture;
                    &converted
                }
                None => {
                    self.damaged += 1;
                    return Ok(());
                }
            }
        };
        // Noted before the picture goes in: adding it moves its contents into the graph
        // (`av_buffersrc_add_frame` resets the frame), timestamps included.
        self.end
            .saw(decoded.pts().unwrap_or(0), decoded.packet().duration);
        let mut source =
            filtering.graph.graph.get("in").ok_or_else(|| {
                MediaError::Internal("the video graph lost its source".to_owned())
            })?;
        source
            .source()
            .add(picture)
            .map_err(internal("filtering a picture"))?;
        Ok(())
    }

    /// The graph for pictures like `first`.
    fn build(&self, first: &frame::Video) -> Result<Filtering, MediaError> {
        let input = PictureFormat::of(first);
        let mut graph = VideoGraph::new(&VideoGraphSpec {
            input,
            aspect: first.aspect_ratio(),
            time_base: self.input_time_base,
            rotation: self.rotation,
            frame_rate: self.frame_rate,
            start_frame: self.first_frame_number(first),
            rungs: &self.rungs,
        })?;
        let time_base = graph.sink_time_base().unwrap_or(self.time_base);
        Ok(Filtering {
            graph,
            conform: Conform::new(input),
            time_base,
        })
    }

    /// The output frame the constant rate starts at, for a graph whose first picture is
    /// `first`: 0 for a whole transcode and the first chunk; for a later chunk (which started
    /// reading a little before its range) the frame at or before that picture, so the
    /// numbering is the whole video's and nothing is repeated from 0 up to it — and never
    /// after the chunk's first frame, which must exist (its encoders start with a keyframe
    /// there), even if made from a later picture.
    fn first_frame_number(&self, first: &frame::Video) -> i64 {
        let Some(range) = self.range.filter(|r| !r.is_first()) else {
            return 0;
        };
        let seconds = first.pts().unwrap_or(0) as f64 * f64::from(self.input_time_base);
        let frame = (seconds * f64::from(self.frame_rate)).floor() as i64;
        frame.min(range.start_frame)
    }

    /// Takes every filtered picture out of every rung's sink, encodes it and writes the
    /// packets.
    fn drain(
        &mut self,
        out: &mut Outputs,
        poster: &mut PosterPicker,
        progress: &Progress<'_>,
    ) -> Result<(), MediaError> {
        let Some(filtering) = self.filtering.as_mut() else {
            return Ok(());
        };
        for rung in 0..self.rungs.len() {
            loop {
                // A fresh frame each time: the sink moves its frame in without releasing what
                // the target held, so reusing one would keep every picture alive.
                let mut filtered = frame::Video::empty();
                let Some(mut sink) = filtering.graph.graph.get(&filtering.graph.sinks[rung]) else {
                    break;
                };
                match sink.sink().frame(&mut filtered) {
                    Ok(()) => {}
                    Err(e) if is_again(&e) || e == ff::Error::Eof => break,
                    Err(e) => return Err(MediaError::Internal(format!("filtering: {e}"))),
                }
                if filtering.time_base != self.time_base {
                    let pts = filtered.pts();
                    filtered.set_pts(pts.map(|p| p.rescale(filtering.time_base, self.time_base)));
                }
                let outside = self
                    .range
                    .is_some_and(|r| !filtered.pts().is_some_and(|pts| r.keeps_picture(pts)));
                if outside {
                    continue;
                }
                if rung == 0 {
                    self.frames += 1;
                    let seconds = filtered.pts().unwrap_or(0) as f64 * f64::from(self.time_base);
                    poster.offer(&filtered, seconds);
                    progress.at(seconds);
                }
                // A copied rung's pictures are only the poster's and the count's.
                let Some(encoder) = self.encoders[rung].as_mut() else {
                    continue;
                };
                // The decoder's picture type is no order to the encoder; the copied rung's
                // keyframes are (libx264 makes an IDR of a picture marked I).
                let forced = filtered
                    .pts()
                    .is_some_and(|pts| self.forced_keyframes.binary_search(&pts).is_ok());
                filtered.set_kind(if forced {
                    ff::picture::Type::I
                } else {
                    ff::picture::Type::None
                });
                encoder
                    .send_frame(&filtered)
                    .map_err(internal("encoding a picture"))?;
                write_packets(encoder, &mut self.codecs[rung], rung, out)?;
            }
        }
        Ok(())
    }

    /// Ends the graph at the last picture's end, then drains the graph and the encoders.
    fn finish(
        &mut self,
        out: &mut Outputs,
        poster: &mut PosterPicker,
        progress: &Progress<'_>,
    ) -> Result<(), MediaError> {
        if let Some(filtering) = self.filtering.as_mut() {
            let mut source = filtering.graph.graph.get("in").ok_or_else(|| {
                MediaError::Internal("the video graph lost its source".to_owned())
            })?;
            self.end
                .close(&mut source)
                .map_err(internal("closing the video graph"))?;
        }
        self.drain(out, poster, progress)?;
        let rungs = self.encoders.iter_mut().zip(self.codecs.iter_mut());
        for (rung, (encoder, codec)) in rungs.enumerate() {
            // A copied rung has nothing to flush: each packet went out as it was read.
            let Some(encoder) = encoder.as_mut() else {
                continue;
            };
            encoder
                .send_eof()
                .map_err(internal("flushing an encoder"))?;
            write_packets(encoder, codec, rung, out)?;
        }
        Ok(())
    }
}

/// Writes every packet a rung's encoder has ready; the first keyframe names the codec.
fn write_packets(
    encoder: &mut encoder::Video,
    codec: &mut Option<String>,
    rung: usize,
    out: &mut Outputs,
) -> Result<(), MediaError> {
    let mut packet = Packet::empty();
    while encoder.receive_packet(&mut packet).is_ok() {
        if codec.is_none() && packet.is_key() {
            *codec = packet.data().and_then(avc1_codec);
        }
        // The encoder's time base is one frame (the rate is constant): a packet without a
        // duration lasts one. The MP4 muxer's edit list ends at the last packet's end, so a
        // last packet of no duration would be cut from the download when played.
        if packet.duration() <= 0 {
            packet.set_duration(1);
        }
        out.write_video(rung, &packet)?;
    }
    Ok(())
}

/// One frame of the source in its time base, for a picture without a duration: at the
/// stream's average rate, else its base rate, else the output's.
fn frame_duration(stream: &ff::format::stream::Stream, output: ff::Rational) -> i64 {
    let usable = |r: &ff::Rational| r.numerator() > 0 && r.denominator() > 0;
    let rate = [stream.avg_frame_rate(), stream.rate()]
        .into_iter()
        .find(usable)
        .unwrap_or(output);
    let time_base = stream.time_base();
    if !usable(&time_base) {
        return 1;
    }
    1i64.rescale(rate.invert(), time_base).max(1)
}
