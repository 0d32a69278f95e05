//! The sound half of a transcode: one decoder; one resampling graph, built on the first decoded
//! frame for its format (and again when the format changes); one AAC encoder whose packets
//! every output carries.

use ff::{Packet, decoder, encoder, filter, frame};
use ffmpeg_next as ff;

use super::chunk_range::ChunkRange;
use super::control::Progress;
use super::outputs::Outputs;
use super::pipeline::{
    SoundFormat, audio_decoder, audio_encoder, audio_graph, internal, is_again, seconds_to_ts,
};
use crate::MediaError;

pub(crate) struct AudioPath {
    pub stream: usize,
    decoder: decoder::Audio,
    /// Subtracted from every timestamp so the earliest stream starts at zero.
    offset: i64,
    /// The stream's time base, which decoded frames and the graph's source count in.
    time_base: ff::Rational,
    /// The graph and the sound format it was built for. Built on the first decoded frame: the
    /// stream's parameters can be wrong or missing (FFmpeg's probing read them from a damaged
    /// packet), and the graph's source refuses frames of another format.
    graph: Option<(SoundFormat, filter::Graph)>,
    encoder: encoder::Audio,
    /// Where the encoder's sound has got to (in 1/48000 s): where a rebuilt graph continues,
    /// and where the first graph starts (0, or a chunk's pre-roll).
    next_pts: i64,
    /// A chunk's share of the AAC packets: the others are encoded (the encoder must see the
    /// sound around them) but not written.
    range: Option<ChunkRange>,
    /// Frames out of the graph.
    pub frames: u64,
    /// AAC packets written to the outputs (a chunk's own only).
    pub written: u64,
    /// Packets the decoder refused and frames that could not be used.
    pub damaged: u64,
}

impl AudioPath {
    /// `start` is the common zero of the streams used, in seconds; `range` keeps a chunk's
    /// sound only.
    pub fn new(
        stream: &ff::format::stream::Stream,
        start: f64,
        bitrate: u32,
        range: Option<&ChunkRange>,
    ) -> Result<Self, MediaError> {
        let time_base = stream.time_base();
        Ok(AudioPath {
            stream: stream.index(),
            decoder: audio_decoder(stream)?,
            offset: seconds_to_ts(start, time_base),
            time_base,
            graph: None,
            encoder: audio_encoder(bitrate)?,
            next_pts: range.map_or(0, ChunkRange::sound_first_pts),
            range: range.copied(),
            frames: 0,
            written: 0,
            damaged: 0,
        })
    }

    /// The encoder, for the outputs to take their sound stream from.
    pub fn encoder(&self) -> &encoder::Audio {
        &self.encoder
    }

    /// Sends a packet (or, with `None`, the end) to the decoder, and every frame it returns
    /// through the graph to the encoder and outputs. `progress`, for sound alone, is measured
    /// by the sound's timestamps.
    pub fn send(
        &mut self,
        packet: Option<&Packet>,
        out: &mut Outputs,
        progress: Option<&Progress<'_>>,
    ) -> Result<(), MediaError> {
        let sent = match packet {
            Some(packet) => self.decoder.send_packet(packet),
            None => self.decoder.send_eof(),
        };
        if sent.is_err() {
            self.damaged += 1;
        }
        let mut decoded = frame::Audio::empty();
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
            let pts = timestamp.saturating_sub(self.offset);
            decoded.set_pts(Some(pts));
            if let Some(progress) = progress {
                progress.at(pts as f64 * f64::from(self.time_base));
            }
            self.filter(&decoded)?;
            self.drain(out)?;
        }
        if packet.is_none() {
            self.finish(out)?;
        }
        Ok(())
    }

    /// Pushes one decoded frame into the graph, building the graph for its format first when
    /// there is none or the format changed.
    fn filter(&mut self, decoded: &frame::Audio) -> Result<(), MediaError> {
        let Some(format) = SoundFormat::of(decoded) else {
            self.damaged += 1;
            return Ok(());
        };
        if self
            .graph
            .as_ref()
            .is_none_or(|(built, _)| *built != format)
        {
            // The old graph is dropped, not drained: what it still holds (less than a frame)
            // is lost, and the new one fills the gap with silence from `next_pts` on, so the
            // encoder only ever gets whole frames (it refuses a short one but the last).
            let graph = audio_graph(&format, self.time_base, self.next_pts)?;
            self.graph = Some((format, graph));
        }
        let Some((_, graph)) = self.graph.as_mut() else {
            return Ok(());
        };
        let mut source = graph
            .get("ain")
            .ok_or_else(|| MediaError::Internal("the audio graph lost its source".to_owned()))?;
        // What the source still refuses differs from its format in a way `SoundFormat` does
        // not see (a channel order): the file's damage, skipped like an undecodable packet.
        if source.source().add(decoded).is_err() {
            self.damaged += 1;
        }
        Ok(())
    }

    /// Takes every resampled frame out of the graph, encodes it and writes the packets.
    fn drain(&mut self, out: &mut Outputs) -> Result<(), MediaError> {
        let Some((_, graph)) = self.graph.as_mut() else {
            return Ok(());
        };
        loop {
            // Fresh each time, as for pictures: the sink would leak a reused frame's samples.
            let mut resampled = frame::Audio::empty();
            let Some(mut sink) = graph.get("aout") else {
                return Ok(());
            };
            match sink.sink().frame(&mut resampled) {
                Ok(()) => {}
                Err(e) if is_again(&e) || e == ff::Error::Eof => return Ok(()),
                Err(e) => return Err(MediaError::Internal(format!("resampling: {e}"))),
            }
            self.frames += 1;
            if let Some(pts) = resampled.pts() {
                self.next_pts = pts.saturating_add(resampled.samples() as i64);
            }
            self.encoder
                .send_frame(&resampled)
                .map_err(internal("encoding sound"))?;
            self.written += write_packets(&mut self.encoder, self.range.as_ref(), out)?;
        }
    }

    /// Ends the graph, then drains it and the encoder.
    fn finish(&mut self, out: &mut Outputs) -> Result<(), MediaError> {
        if let Some((_, graph)) = self.graph.as_mut()
            && let Some(mut source) = graph.get("ain")
        {
            // Unlike the pictures' `fps`, nothing in this graph cuts at the end timestamp
            // (every sample comes out), so the plain end of stream does.
            source
                .source()
                .flush()
                .map_err(internal("flushing the audio graph"))?;
        }
        self.drain(out)?;
        self.encoder
            .send_eof()
            .map_err(internal("flushing the AAC encoder"))?;
        self.written += write_packets(&mut self.encoder, self.range.as_ref(), out)?;
        Ok(())
    }
}

/// Writes every packet the encoder has ready (a chunk's own only); how many were written.
fn write_packets(
    encoder: &mut encoder::Audio,
    range: Option<&ChunkRange>,
    out: &mut Outputs,
) -> Result<u64, MediaError> {
    let mut packet = Packet::empty();
    let mut written = 0;
    while encoder.receive_packet(&mut packet).is_ok() {
        let kept = range.is_none_or(|r| packet.pts().is_some_and(|pts| r.keeps_sound(pts)));
        if kept {
            out.write_audio(&packet)?;
            written += 1;
        }
    }
    Ok(written)
}
