//! One pass over the input: every packet is decoded once; each decoded picture goes through
//! the filter graph to every rung's encoder, each decoded sound frame through the resampler to
//! the one AAC encoder; every encoder and muxer is drained after each frame, so memory does not
//! grow with the duration.

use std::path::Path;

use ff::{Packet, decoder, encoder, filter, frame};
use ffmpeg_next as ff;
use serde::Serialize;

use super::control::Control;
use super::ladder::{Rung, choose_rungs, download_rung};
use super::master::{AAC_LC, RenditionStats, avc1_codec, master_playlist, measure_playlist};
use super::outputs::{Output, Streams};
use super::pipeline::{
    VideoGraph, VideoGraphSpec, audio_decoder, audio_encoder, audio_graph, internal,
    output_frame_rate, video_decoder, video_encoder,
};
use super::poster::PosterPicker;
use super::probe::{VideoProbe, open_input, read_probe};
use super::settings::VideoSettings;
use crate::MediaError;
use crate::photo::{Encoded, poster_renditions};

/// A rendition's name, pixel size (video) and H.264 codec string, for the master playlist.
type RungFacts = (String, Option<(u32, u32)>, Option<String>);

/// Read errors in a row after which the rest of the file is taken as missing (truncated).
const MAX_READ_ERRORS_IN_A_ROW: u32 = 64;

/// Everything a transcode wrote into its output directory, and what it learned.
#[derive(Debug, Serialize)]
pub struct TranscodeOutput {
    pub probe: VideoProbe,
    /// Seconds of content actually produced (the longest rendition), whatever the header said.
    pub duration_seconds: f64,
    pub frame_rate: Option<f64>,
    /// Some frames were flagged interlaced and were deinterlaced.
    pub interlaced: bool,
    /// Packets that could not be read or decoded and were skipped (damage recovered from).
    pub damaged_packets: u64,
    /// `master.m3u8`.
    pub master: String,
    pub renditions: Vec<RenditionStats>,
    /// The MP4 (or, for sound only, M4A) download: file name, type and size.
    pub download: Option<DownloadFile>,
    #[serde(skip)]
    pub poster: Option<Encoded>,
    #[serde(skip)]
    pub thumb: Option<Encoded>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DownloadFile {
    pub file: String,
    pub mime: &'static str,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

impl TranscodeOutput {
    /// Every file written, relative to the output directory.
    pub fn files(&self) -> Vec<String> {
        let mut files = vec![self.master.clone()];
        for rendition in &self.renditions {
            files.push(rendition.playlist.clone());
            files.extend(rendition.segments.iter().cloned());
        }
        files.extend(self.download.iter().map(|d| d.file.clone()));
        files
    }
}

/// Transcodes `input` into `out_dir` (created if needed): the HLS ladder, the master playlist,
/// the download and the poster. Blocking and CPU-heavy; `control` reports progress and can
/// cancel it from another thread.
pub fn transcode(
    input: &Path,
    out_dir: &Path,
    settings: &VideoSettings,
    control: &Control,
) -> Result<TranscodeOutput, MediaError> {
    super::init()?;
    std::fs::create_dir_all(out_dir)
        .map_err(|e| MediaError::Internal(format!("creating {}: {e}", out_dir.display())))?;
    super::probe::check_declared_size(input, settings)?;
    let mut context = open_input(input)?;
    let probe = read_probe(&context, settings)?;
    let mut run = Run::new(&context, &probe, out_dir, settings)?;
    run.read_all(&mut context, control)?;
    run.finish(probe, out_dir, settings)
}

struct VideoPath {
    stream: usize,
    decoder: decoder::Video,
    /// Subtracted from every timestamp so the earliest stream starts at zero.
    offset: i64,
    graph: VideoGraph,
    rungs: Vec<Rung>,
    encoders: Vec<encoder::Video>,
    codecs: Vec<Option<String>>,
    frame_rate: ff::Rational,
    /// The top rung's sink time base, for progress and the poster.
    time_base: ff::Rational,
    frames: u64,
}

struct AudioPath {
    stream: usize,
    decoder: decoder::Audio,
    offset: i64,
    graph: filter::Graph,
    encoder: encoder::Audio,
    time_base: ff::Rational,
    frames: u64,
}

struct Run {
    video: Option<VideoPath>,
    audio: Option<AudioPath>,
    /// One HLS output per rung (or one for sound only), in rung order.
    hls: Vec<Output>,
    download: Option<Output>,
    download_rung: usize,
    poster: PosterPicker,
    duration: Option<f64>,
    interlaced: bool,
    damaged: u64,
}

impl Run {
    fn new(
        context: &ff::format::context::Input,
        probe: &VideoProbe,
        out_dir: &Path,
        settings: &VideoSettings,
    ) -> Result<Self, MediaError> {
        let start = start_seconds(context, probe);
        let video = match &probe.video {
            Some(facts) => {
                let stream = context
                    .stream(facts.stream_index)
                    .ok_or_else(|| MediaError::Internal("the video stream vanished".to_owned()))?;
                let decoder = video_decoder(&stream)?;
                let rungs = choose_rungs(
                    facts.display_width,
                    facts.display_height,
                    &settings.rungs,
                    settings.download_rung,
                );
                // Variable rate: keep the fast passages' rate (not the average) unless the
                // base rate is a timestamp granularity rather than a frame rate.
                let target = if facts.variable_frame_rate
                    && facts.base_frame_rate <= facts.frame_rate * 2.0
                {
                    facts.base_frame_rate
                } else {
                    facts.frame_rate
                };
                let frame_rate = output_frame_rate(target, settings.max_frame_rate);
                let mut graph = VideoGraph::new(&VideoGraphSpec {
                    decoder: &decoder,
                    time_base: stream.time_base(),
                    rotation: facts.rotation,
                    frame_rate,
                    rungs: &rungs,
                })?;
                let time_base = sink_time_base(&mut graph.graph, &graph.sinks[0]);
                let encoders = rungs
                    .iter()
                    .map(|rung| video_encoder(rung, frame_rate, time_base, settings))
                    .collect::<Result<Vec<_>, _>>()?;
                Some(VideoPath {
                    stream: facts.stream_index,
                    offset: seconds_to_ts(start, stream.time_base()),
                    decoder,
                    codecs: vec![None; rungs.len()],
                    graph,
                    rungs,
                    encoders,
                    frame_rate,
                    time_base,
                    frames: 0,
                })
            }
            None => None,
        };
        let audio = match &probe.audio {
            Some(facts) => {
                let stream = context
                    .stream(facts.stream_index)
                    .ok_or_else(|| MediaError::Internal("the audio stream vanished".to_owned()))?;
                let decoder = audio_decoder(&stream)?;
                let graph = audio_graph(&decoder, stream.time_base())?;
                let encoder = audio_encoder(settings.audio_bitrate)?;
                Some(AudioPath {
                    stream: facts.stream_index,
                    offset: seconds_to_ts(start, stream.time_base()),
                    time_base: stream.time_base(),
                    decoder,
                    graph,
                    encoder,
                    frames: 0,
                })
            }
            None => None,
        };
        let audio_encoder = audio.as_ref().map(|a| &a.encoder);
        let mut hls = Vec::new();
        let download;
        let mut download_index = 0;
        match &video {
            Some(v) => {
                for (rung, encoder) in v.rungs.iter().zip(&v.encoders) {
                    let streams = Streams {
                        video: Some(encoder),
                        audio: audio_encoder,
                    };
                    hls.push(Output::hls(
                        out_dir,
                        &rung.name,
                        settings.segment_seconds,
                        streams,
                    )?);
                }
                download_index = download_rung(&v.rungs, settings.download_rung);
                let streams = Streams {
                    video: v.encoders.get(download_index),
                    audio: audio_encoder,
                };
                download = Some(Output::mp4(out_dir.join("download.mp4"), streams)?);
            }
            None => {
                let streams = || Streams {
                    video: None,
                    audio: audio_encoder,
                };
                hls.push(Output::hls(
                    out_dir,
                    "audio",
                    settings.segment_seconds,
                    streams(),
                )?);
                download = Some(Output::mp4(out_dir.join("download.m4a"), streams())?);
            }
        }
        Ok(Run {
            video,
            audio,
            hls,
            download,
            download_rung: download_index,
            poster: PosterPicker::new(probe.declared_duration_seconds),
            duration: probe.declared_duration_seconds,
            interlaced: false,
            damaged: 0,
        })
    }

    fn read_all(
        &mut self,
        context: &mut ff::format::context::Input,
        control: &Control,
    ) -> Result<(), MediaError> {
        let mut errors_in_a_row = 0;
        loop {
            if control.is_cancelled() {
                return Err(MediaError::Cancelled);
            }
            // A fresh packet each time: reading into a used one does not release what it held.
            let mut packet = Packet::empty();
            match packet.read(context) {
                Ok(()) => errors_in_a_row = 0,
                Err(ff::Error::Eof) => break,
                Err(_) => {
                    self.damaged += 1;
                    errors_in_a_row += 1;
                    if errors_in_a_row >= MAX_READ_ERRORS_IN_A_ROW {
                        break;
                    }
                    continue;
                }
            }
            if packet.is_corrupt() {
                self.damaged += 1;
            }
            let index = packet.stream();
            if self.video.as_ref().is_some_and(|v| v.stream == index) {
                self.decode_video(Some(&packet), control)?;
            } else if self.audio.as_ref().is_some_and(|a| a.stream == index) {
                self.decode_audio(Some(&packet), control)?;
            }
        }
        self.decode_video(None, control)?;
        self.decode_audio(None, control)?;
        Ok(())
    }

    /// Sends a packet (or, with `None`, the end) to the video decoder and pushes every frame
    /// it returns through the graph.
    fn decode_video(
        &mut self,
        packet: Option<&Packet>,
        control: &Control,
    ) -> Result<(), MediaError> {
        let Some(video) = self.video.as_mut() else {
            return Ok(());
        };
        let sent = match packet {
            Some(packet) => video.decoder.send_packet(packet),
            None => video.decoder.send_eof(),
        };
        if sent.is_err() {
            self.damaged += 1;
        }
        let mut decoded = frame::Video::empty();
        loop {
            let Some(video) = self.video.as_mut() else {
                return Ok(());
            };
            match video.decoder.receive_frame(&mut decoded) {
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
            decoded.set_pts(Some(timestamp - video.offset));
            let mut source = video.graph.graph.get("in").ok_or_else(|| {
                MediaError::Internal("the video graph lost its source".to_owned())
            })?;
            source
                .source()
                .add(&decoded)
                .map_err(internal("filtering a picture"))?;
            self.drain_video_graph(control)?;
        }
        if packet.is_none() {
            self.flush_video(control)?;
        }
        Ok(())
    }

    /// Takes every filtered picture out of every rung's sink and encodes it.
    fn drain_video_graph(&mut self, control: &Control) -> Result<(), MediaError> {
        let Some(video) = self.video.as_mut() else {
            return Ok(());
        };
        for rung in 0..video.rungs.len() {
            loop {
                // A fresh frame each time: the sink moves its frame in without releasing what
                // the target held, so reusing one would keep every picture alive.
                let mut filtered = frame::Video::empty();
                let Some(mut sink) = video.graph.graph.get(&video.graph.sinks[rung]) else {
                    break;
                };
                match sink.sink().frame(&mut filtered) {
                    Ok(()) => {}
                    Err(e) if is_again(&e) || e == ff::Error::Eof => break,
                    Err(e) => return Err(MediaError::Internal(format!("filtering: {e}"))),
                }
                if rung == 0 {
                    video.frames += 1;
                    let seconds = filtered.pts().unwrap_or(0) as f64 * f64::from(video.time_base);
                    self.poster.offer(&filtered, seconds);
                    if let Some(total) = self.duration.filter(|d| *d > 0.0) {
                        control.set_progress(seconds / total);
                    }
                }
                filtered.set_kind(ff::picture::Type::None);
                video.encoders[rung]
                    .send_frame(&filtered)
                    .map_err(internal("encoding a picture"))?;
                drain_video_encoder(
                    video,
                    rung,
                    &mut self.hls,
                    &mut self.download,
                    self.download_rung,
                )?;
            }
        }
        Ok(())
    }

    fn flush_video(&mut self, control: &Control) -> Result<(), MediaError> {
        let Some(video) = self.video.as_mut() else {
            return Ok(());
        };
        if let Some(mut source) = video.graph.graph.get("in") {
            source
                .source()
                .flush()
                .map_err(internal("flushing the video graph"))?;
        }
        self.drain_video_graph(control)?;
        let Some(video) = self.video.as_mut() else {
            return Ok(());
        };
        for rung in 0..video.encoders.len() {
            video.encoders[rung]
                .send_eof()
                .map_err(internal("flushing an encoder"))?;
            drain_video_encoder(
                video,
                rung,
                &mut self.hls,
                &mut self.download,
                self.download_rung,
            )?;
        }
        Ok(())
    }

    fn decode_audio(
        &mut self,
        packet: Option<&Packet>,
        control: &Control,
    ) -> Result<(), MediaError> {
        let Some(audio) = self.audio.as_mut() else {
            return Ok(());
        };
        let sent = match packet {
            Some(packet) => audio.decoder.send_packet(packet),
            None => audio.decoder.send_eof(),
        };
        if sent.is_err() {
            self.damaged += 1;
        }
        let mut decoded = frame::Audio::empty();
        loop {
            match audio.decoder.receive_frame(&mut decoded) {
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
            decoded.set_pts(Some(timestamp - audio.offset));
            // Sound alone: its timestamps measure progress.
            if self.video.is_none()
                && let Some(total) = self.duration.filter(|d| *d > 0.0)
            {
                let seconds = (timestamp - audio.offset) as f64 * f64::from(audio.time_base);
                control.set_progress(seconds / total);
            }
            let mut source = audio.graph.get("ain").ok_or_else(|| {
                MediaError::Internal("the audio graph lost its source".to_owned())
            })?;
            source
                .source()
                .add(&decoded)
                .map_err(internal("resampling sound"))?;
            drain_audio(audio, &mut self.hls, &mut self.download)?;
        }
        if packet.is_none() {
            if let Some(mut source) = audio.graph.get("ain") {
                source
                    .source()
                    .flush()
                    .map_err(internal("flushing the audio graph"))?;
            }
            drain_audio(audio, &mut self.hls, &mut self.download)?;
            audio
                .encoder
                .send_eof()
                .map_err(internal("flushing the AAC encoder"))?;
            drain_audio_encoder(audio, &mut self.hls, &mut self.download)?;
        }
        Ok(())
    }

    fn finish(
        self,
        probe: VideoProbe,
        out_dir: &Path,
        settings: &VideoSettings,
    ) -> Result<TranscodeOutput, MediaError> {
        let pictures = self.video.as_ref().map_or(0, |v| v.frames);
        let sounds = self.audio.as_ref().map_or(0, |a| a.frames);
        if self.video.is_some() && pictures == 0 {
            return Err(MediaError::VideoCorrupt(format!(
                "not one picture of the video could be decoded ({} damaged packets)",
                self.damaged
            )));
        }
        if self.video.is_none() && sounds == 0 {
            return Err(MediaError::VideoCorrupt(
                "not one second of the sound could be decoded".to_owned(),
            ));
        }
        let has_audio = sounds > 0;
        let mut renditions = Vec::new();
        let names: Vec<RungFacts> = match &self.video {
            Some(v) => v
                .rungs
                .iter()
                .zip(&v.codecs)
                .map(|(r, c)| (r.name.clone(), Some((r.width, r.height)), c.clone()))
                .collect(),
            None => vec![("audio".to_owned(), None, None)],
        };
        let frame_rate = self.video.as_ref().map(|v| f64::from(v.frame_rate));
        for output in self.hls {
            output.finish()?;
        }
        let download_path = match self.download {
            Some(output) => Some(output.finish()?),
            None => None,
        };
        for (name, size, video_codec) in names {
            let playlist = format!("{name}.m3u8");
            let (segments, duration, bandwidth, average) = measure_playlist(out_dir, &playlist)?;
            let codecs = match (video_codec, has_audio) {
                (Some(v), true) => format!("{v},{AAC_LC}"),
                (Some(v), false) => v,
                (None, _) => AAC_LC.to_owned(),
            };
            renditions.push(RenditionStats {
                name,
                playlist,
                width: size.map(|s| s.0),
                height: size.map(|s| s.1),
                bandwidth,
                average_bandwidth: average,
                segments,
                duration_seconds: duration,
                codecs,
                frame_rate,
            });
        }
        let master = "master.m3u8".to_owned();
        let first = if frame_rate.is_some() {
            self.download_rung
        } else {
            0
        };
        std::fs::write(out_dir.join(&master), master_playlist(&renditions, first))
            .map_err(|e| MediaError::Internal(format!("writing the master playlist: {e}")))?;
        let download = download_path.map(|path| {
            let rung = renditions
                .get(self.download_rung)
                .filter(|_| frame_rate.is_some());
            DownloadFile {
                file: file_name(&path),
                mime: if frame_rate.is_some() {
                    "video/mp4"
                } else {
                    "audio/mp4"
                },
                width: rung.and_then(|r| r.width),
                height: rung.and_then(|r| r.height),
            }
        });
        let (poster, thumb) = match self.poster.finish()? {
            Some(rgb) => {
                let (poster, thumb) = poster_renditions(rgb, settings.poster, settings.thumb)?;
                (Some(poster), Some(thumb))
            }
            None => (None, None),
        };
        let duration_seconds = renditions
            .iter()
            .map(|r| r.duration_seconds)
            .fold(0.0, f64::max);
        Ok(TranscodeOutput {
            probe,
            duration_seconds,
            frame_rate,
            interlaced: self.interlaced,
            damaged_packets: self.damaged,
            master,
            renditions,
            download,
            poster,
            thumb,
        })
    }
}

fn drain_video_encoder(
    video: &mut VideoPath,
    rung: usize,
    hls: &mut [Output],
    download: &mut Option<Output>,
    download_rung: usize,
) -> Result<(), MediaError> {
    let mut packet = Packet::empty();
    while video.encoders[rung].receive_packet(&mut packet).is_ok() {
        if video.codecs[rung].is_none() && packet.is_key() {
            video.codecs[rung] = packet.data().and_then(avc1_codec);
        }
        if let Some(output) = hls.get_mut(rung) {
            output.write_video(&packet)?;
        }
        if rung == download_rung
            && let Some(output) = download.as_mut()
        {
            output.write_video(&packet)?;
        }
    }
    Ok(())
}

fn drain_audio(
    audio: &mut AudioPath,
    hls: &mut [Output],
    download: &mut Option<Output>,
) -> Result<(), MediaError> {
    loop {
        // Fresh each time, as for pictures: the sink would leak a reused frame's samples.
        let mut resampled = frame::Audio::empty();
        let Some(mut sink) = audio.graph.get("aout") else {
            return Ok(());
        };
        match sink.sink().frame(&mut resampled) {
            Ok(()) => {}
            Err(e) if is_again(&e) || e == ff::Error::Eof => return Ok(()),
            Err(e) => return Err(MediaError::Internal(format!("resampling: {e}"))),
        }
        audio.frames += 1;
        audio
            .encoder
            .send_frame(&resampled)
            .map_err(internal("encoding sound"))?;
        drain_audio_encoder(audio, hls, download)?;
    }
}

fn drain_audio_encoder(
    audio: &mut AudioPath,
    hls: &mut [Output],
    download: &mut Option<Output>,
) -> Result<(), MediaError> {
    let mut packet = Packet::empty();
    while audio.encoder.receive_packet(&mut packet).is_ok() {
        for output in hls.iter_mut() {
            output.write_audio(&packet)?;
        }
        if let Some(output) = download.as_mut() {
            output.write_audio(&packet)?;
        }
    }
    Ok(())
}

fn is_again(error: &ff::Error) -> bool {
    matches!(error, ff::Error::Other { errno } if *errno == ff::util::error::EAGAIN)
}

fn sink_time_base(graph: &mut filter::Graph, name: &str) -> ff::Rational {
    graph
        .get(name)
        .map(|mut sink| sink.sink().time_base())
        .unwrap_or(ff::Rational::new(1, 30))
}

/// The earliest start among the streams we use, in seconds (the common zero).
fn start_seconds(context: &ff::format::context::Input, probe: &VideoProbe) -> f64 {
    let used = [
        probe.video.as_ref().map(|v| v.stream_index),
        probe.audio.as_ref().map(|a| a.stream_index),
    ];
    used.into_iter()
        .flatten()
        .filter_map(|i| context.stream(i))
        .filter(|s| s.start_time() != ff::ffi::AV_NOPTS_VALUE)
        .map(|s| s.start_time() as f64 * f64::from(s.time_base()))
        .fold(None, |min: Option<f64>, t| {
            Some(min.map_or(t, |m| m.min(t)))
        })
        .unwrap_or(0.0)
}

fn seconds_to_ts(seconds: f64, time_base: ff::Rational) -> i64 {
    let base = f64::from(time_base);
    if base > 0.0 {
        (seconds / base).round() as i64
    } else {
        0
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
