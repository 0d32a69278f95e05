//! One pass over the input: every packet is decoded once; each decoded picture goes through
//! the filter graph to every rung's encoder, each decoded sound frame through the resampler to
//! the one AAC encoder; every encoder and muxer is drained after each frame, so memory does not
//! grow with the duration.

use std::path::{Path, PathBuf};

use ff::Packet;
use ffmpeg_next as ff;
use serde::Serialize;

use super::audio_path::AudioPath;
use super::chunk_range::{CHUNK_LEAD_SECONDS, ChunkRange, ReadEnd};
use super::cleanup::Before;
use super::control::{Control, Progress};
use super::ladder::download_rung;
use super::master::{AAC_LC, RenditionStats, master_playlist, measure_playlist};
use super::outputs::{Output, Outputs, Streams};
use super::passthrough::{PassthroughPlan, plan};
use super::pipeline::{hls_time, segment_frames};
use super::poster::PosterPicker;
use super::probe::{VideoProbe, open_input, read_probe};
use super::settings::VideoSettings;
use super::video_path::VideoPath;
use crate::MediaError;
use crate::photo::{Encoded, poster_renditions};

/// A rendition's name, pixel size (video) and H.264 codec string, for the master playlist.
pub(super) type RungFacts = (String, Option<(u32, u32)>, Option<String>);

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
    /// The top rendition is the source's own H.264, copied packet for packet, not re-encoded
    /// (see `video.passthrough`); the other renditions have their keyframes where it has them.
    pub top_rung_passthrough: bool,
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
/// cancel it from another thread. On failure (cancellation included) `out_dir` is left as it
/// was found: what this transcode wrote there is removed.
pub fn transcode(
    input: &Path,
    out_dir: &Path,
    settings: &VideoSettings,
    control: &Control,
) -> Result<TranscodeOutput, MediaError> {
    // The same code as an upload's: a zero-byte file is empty, not an unreadable video.
    if std::fs::metadata(input).is_ok_and(|meta| meta.len() == 0) {
        return Err(MediaError::Empty);
    }
    let before = Before::note(out_dir);
    // Every muxer has been dropped (its files closed) by the time this returns.
    let result = transcode_into(input, out_dir, settings, control, &before);
    if result.is_err() {
        before.restore();
    }
    result
}

fn transcode_into(
    input: &Path,
    out_dir: &Path,
    settings: &VideoSettings,
    control: &Control,
    before: &Before,
) -> Result<TranscodeOutput, MediaError> {
    super::init()?;
    std::fs::create_dir_all(out_dir)
        .map_err(|e| MediaError::Internal(format!("creating {}: {e}", out_dir.display())))?;
    super::probe::check_declared_size(input, settings)?;
    let context = open_input(input)?;
    let probe = read_probe(&context, input, settings)?;
    let start = start_seconds(&context, &probe);
    let Some(passthrough) = plan(input, &probe, start, settings, control)? else {
        return transcode_once(context, &probe, start, out_dir, settings, control, None);
    };
    match transcode_once(
        context,
        &probe,
        start,
        out_dir,
        settings,
        control,
        Some(&passthrough),
    ) {
        // The copy is the one thing this run does that the usual path does not, and a muxer
        // that refuses its stream (its header, a packet midway, its trailer) fails with an
        // internal error: then the usual path is taken from the start, as if the source had not
        // qualified. Other errors (cancelled, undecodable) would be the usual path's too.
        Err(error @ MediaError::Internal(_)) => {
            tracing::warn!(
                %error,
                "the copied top rung cannot be written; starting again with it encoded"
            );
            // Half-written playlists and segments go: the new run's would be mixed with them.
            before.restore();
            std::fs::create_dir_all(out_dir).map_err(|e| {
                MediaError::Internal(format!("creating {}: {e}", out_dir.display()))
            })?;
            // A fresh demuxer: the first one has been read up to where the copy failed.
            let context = open_input(input)?;
            transcode_once(context, &probe, start, out_dir, settings, control, None)
        }
        result => result,
    }
}

/// One transcode of the opened input into `out_dir`, the top rung copied when `passthrough`.
fn transcode_once(
    mut context: ff::format::context::Input,
    probe: &VideoProbe,
    start: f64,
    out_dir: &Path,
    settings: &VideoSettings,
    control: &Control,
    passthrough: Option<&PassthroughPlan>,
) -> Result<TranscodeOutput, MediaError> {
    let mut run = Run::new(&context, probe, start, out_dir, settings, passthrough, None)?;
    run.read_all(&mut context, control)?;
    run.finish(probe.clone(), out_dir, settings)
}

/// One pass over the input: the whole file, or one chunk of it (see `chunk`).
pub(super) struct Run {
    video: Option<VideoPath>,
    audio: Option<AudioPath>,
    outputs: Outputs,
    poster: PosterPicker,
    /// Seconds of output expected, for the progress: the declared duration, or a chunk's.
    duration: Option<f64>,
    /// Where the progress counts from: 0, or a chunk's start.
    progress_from: f64,
    /// Where a chunk with an end may stop reading; `None`: to the end of the file.
    read_end: Option<ReadEnd>,
    /// Packets the demuxer could not read, or read flagged corrupt.
    unread: u64,
}

/// What a run learned, its outputs closed.
pub(super) struct Closed {
    pub damaged: u64,
    /// Sound frames encoded (0: the renditions carry no sound).
    pub sounds: u64,
    pub rungs: Vec<RungFacts>,
    pub frame_rate: Option<f64>,
    pub interlaced: bool,
    pub top_rung_passthrough: bool,
    pub download_rung: usize,
    pub download_path: Option<PathBuf>,
    pub poster: PosterPicker,
}

impl Run {
    /// `start` is the common zero of the streams used, in seconds. With `range`, the run makes
    /// that chunk: its share of the pictures and sound, segments numbered where they fall in
    /// the whole video, every chunk's timestamps led alike, and no download (the stitch makes
    /// it from the chunks' segments).
    pub(super) fn new(
        context: &ff::format::context::Input,
        probe: &VideoProbe,
        start: f64,
        out_dir: &Path,
        settings: &VideoSettings,
        passthrough: Option<&PassthroughPlan>,
        range: Option<&ChunkRange>,
    ) -> Result<Self, MediaError> {
        let video = match &probe.video {
            Some(facts) => {
                let stream = context
                    .stream(facts.stream_index)
                    .ok_or_else(|| MediaError::Internal("the video stream vanished".to_owned()))?;
                Some(VideoPath::new(
                    &stream,
                    facts,
                    start,
                    probe.declared_duration_seconds,
                    settings,
                    passthrough,
                    range,
                )?)
            }
            None => None,
        };
        let audio = match &probe.audio {
            Some(facts) => {
                let stream = context
                    .stream(facts.stream_index)
                    .ok_or_else(|| MediaError::Internal("the audio stream vanished".to_owned()))?;
                Some(AudioPath::new(
                    &stream,
                    start,
                    settings.audio_bitrate,
                    range,
                )?)
            }
            None => None,
        };
        let audio_encoder = audio.as_ref().map(AudioPath::encoder);
        let lead = match range {
            Some(_) => CHUNK_LEAD_SECONDS,
            None => video.as_ref().map_or(0.0, VideoPath::hls_lead_seconds),
        };
        let first_segment = range.map_or(0, |r| r.first_segment);
        let mut hls = Vec::new();
        let outputs = match &video {
            Some(v) => {
                let segment = hls_time(segment_frames(v.frame_rate, settings), v.frame_rate);
                for (i, rung) in v.rungs.iter().enumerate() {
                    let streams = Streams {
                        video: v.video_source(i),
                        audio: audio_encoder,
                    };
                    hls.push(Output::hls(
                        out_dir,
                        &rung.name,
                        &segment,
                        first_segment,
                        lead,
                        streams,
                    )?);
                }
                let download_index = download_rung(&v.rungs, settings.download_rung);
                let streams = Streams {
                    video: v.video_source(download_index),
                    audio: audio_encoder,
                };
                let download = match range {
                    Some(_) => None,
                    None => Some(Output::mp4(out_dir.join("download.mp4"), streams)?),
                };
                Outputs {
                    hls,
                    download,
                    download_rung: download_index,
                }
            }
            None => {
                let streams = || Streams {
                    video: None,
                    audio: audio_encoder,
                };
                hls.push(Output::hls(
                    out_dir,
                    "audio",
                    &settings.segment_seconds.to_string(),
                    first_segment,
                    lead,
                    streams(),
                )?);
                Outputs {
                    hls,
                    download: Some(Output::mp4(out_dir.join("download.m4a"), streams())?),
                    download_rung: 0,
                }
            }
        };
        let declared = probe.declared_duration_seconds;
        let (duration, progress_from) = match range {
            Some(r) => {
                let from = r.start_seconds();
                let to = r.end_seconds().or(declared);
                (to.map(|t| t - from), from)
            }
            None => (declared, 0.0),
        };
        // A chunk's poster (the first chunk's: the others' is not used) is chosen among its
        // own pictures: the candidates are spread over the part it has.
        let poster_window = match (range, duration) {
            (Some(_), Some(d)) => Some(declared.map_or(d, |whole| whole.min(d))),
            _ => declared,
        };
        let used_streams = [
            probe.video.as_ref().map(|v| v.stream_index),
            probe.audio.as_ref().map(|a| a.stream_index),
        ];
        let read_end = range.and_then(|r| {
            let streams = used_streams
                .into_iter()
                .flatten()
                .filter_map(|i| context.stream(i).map(|s| (i, s.time_base())));
            ReadEnd::new(r, start, streams)
        });
        Ok(Run {
            video,
            audio,
            outputs,
            poster: PosterPicker::new(poster_window),
            duration,
            progress_from,
            read_end,
            unread: 0,
        })
    }

    pub(super) fn read_all(
        &mut self,
        context: &mut ff::format::context::Input,
        control: &Control,
    ) -> Result<(), MediaError> {
        let progress = Progress {
            control,
            total: self.duration,
            from: self.progress_from,
        };
        // Sound alone: its timestamps measure progress.
        let sound_progress = self.video.is_none().then_some(&progress);
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
                    self.unread += 1;
                    errors_in_a_row += 1;
                    if errors_in_a_row >= MAX_READ_ERRORS_IN_A_ROW {
                        break;
                    }
                    continue;
                }
            }
            if packet.is_corrupt() {
                self.unread += 1;
            }
            let index = packet.stream();
            if let Some(video) = self.video.as_mut().filter(|v| v.stream == index) {
                video.send(
                    Some(&packet),
                    &mut self.outputs,
                    &mut self.poster,
                    &progress,
                )?;
            } else if let Some(audio) = self.audio.as_mut().filter(|a| a.stream == index) {
                audio.send(Some(&packet), &mut self.outputs, sound_progress)?;
            }
            // A chunk's end: what follows is the next chunk's. The decoders and graphs are
            // flushed below as at the end of the file.
            if self
                .read_end
                .as_mut()
                .is_some_and(|end| end.reached(&packet))
            {
                break;
            }
        }
        if let Some(video) = self.video.as_mut() {
            video.send(None, &mut self.outputs, &mut self.poster, &progress)?;
        }
        if let Some(audio) = self.audio.as_mut() {
            audio.send(None, &mut self.outputs, sound_progress)?;
        }
        Ok(())
    }

    /// Top-rung pictures kept so far.
    pub(super) fn pictures(&self) -> u64 {
        self.video.as_ref().map_or(0, |v| v.frames)
    }

    /// AAC packets written so far (a chunk's own only).
    pub(super) fn sound_packets(&self) -> u64 {
        self.audio.as_ref().map_or(0, |a| a.written)
    }

    fn damaged(&self) -> u64 {
        self.unread
            + self.video.as_ref().map_or(0, |v| v.damaged)
            + self.audio.as_ref().map_or(0, |a| a.damaged)
    }

    /// Refuses a run that decoded nothing to show: no picture of a video, no sound of a
    /// sound track.
    pub(super) fn check_decoded(&self) -> Result<(), MediaError> {
        let sounds = self.audio.as_ref().map_or(0, |a| a.frames);
        if self.video.is_some() && self.pictures() == 0 {
            return Err(MediaError::VideoCorrupt(format!(
                "not one picture of the video could be decoded ({} damaged packets)",
                self.damaged()
            )));
        }
        if self.video.is_none() && sounds == 0 {
            return Err(MediaError::VideoCorrupt(
                "not one second of the sound could be decoded".to_owned(),
            ));
        }
        Ok(())
    }

    /// Closes every output (their trailers written: the playlists are on disk) and says what
    /// the run learned.
    pub(super) fn close(self) -> Result<Closed, MediaError> {
        self.end(true)
    }

    /// Says what the run learned, its outputs dropped unfinished: for a run whose files are
    /// not kept (a muxer that got no packet may not even finish).
    pub(super) fn abandon(self) -> Result<Closed, MediaError> {
        self.end(false)
    }

    fn end(self, finish_outputs: bool) -> Result<Closed, MediaError> {
        let damaged = self.damaged();
        let sounds = self.audio.as_ref().map_or(0, |a| a.frames);
        let rungs: Vec<RungFacts> = match &self.video {
            Some(v) => v
                .rungs
                .iter()
                .zip(&v.codecs)
                .map(|(r, c)| (r.name.clone(), Some((r.width, r.height)), c.clone()))
                .collect(),
            None => vec![("audio".to_owned(), None, None)],
        };
        let frame_rate = self.video.as_ref().map(|v| f64::from(v.frame_rate));
        let interlaced = self.video.as_ref().is_some_and(|v| v.interlaced);
        let top_rung_passthrough = self.video.as_ref().is_some_and(VideoPath::top_rung_copied);
        let download_rung = self.outputs.download_rung;
        let mut download_path = None;
        if finish_outputs {
            for output in self.outputs.hls {
                output.finish()?;
            }
            if let Some(output) = self.outputs.download {
                download_path = Some(output.finish()?);
            }
        }
        Ok(Closed {
            damaged,
            sounds,
            rungs,
            frame_rate,
            interlaced,
            top_rung_passthrough,
            download_rung,
            download_path,
            poster: self.poster,
        })
    }

    fn finish(
        self,
        probe: VideoProbe,
        out_dir: &Path,
        settings: &VideoSettings,
    ) -> Result<TranscodeOutput, MediaError> {
        self.check_decoded()?;
        let Closed {
            damaged,
            sounds,
            rungs: names,
            frame_rate,
            interlaced,
            top_rung_passthrough,
            download_rung,
            download_path,
            poster,
        } = self.close()?;
        let has_audio = sounds > 0;
        let mut renditions = Vec::new();
        for (name, size, video_codec) in names {
            let playlist = format!("{name}.m3u8");
            let (segments, duration, bandwidth, average) = measure_playlist(out_dir, &playlist)?;
            let codecs = codecs_of(video_codec, has_audio);
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
            download_rung
        } else {
            0
        };
        std::fs::write(out_dir.join(&master), master_playlist(&renditions, first))
            .map_err(|e| MediaError::Internal(format!("writing the master playlist: {e}")))?;
        let download = download_path.map(|path| {
            let rung = renditions
                .get(download_rung)
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
        let (poster, thumb) = match poster.finish()? {
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
            interlaced,
            top_rung_passthrough,
            damaged_packets: damaged,
            master,
            renditions,
            download,
            poster,
            thumb,
        })
    }
}

/// A rendition's RFC 6381 `CODECS`: its H.264, then AAC when it carries sound.
pub(super) fn codecs_of(video_codec: Option<String>, has_audio: bool) -> String {
    match (video_codec, has_audio) {
        (Some(v), true) => format!("{v},{AAC_LC}"),
        (Some(v), false) => v,
        (None, _) => AAC_LC.to_owned(),
    }
}

/// The earliest start among the streams we use, in seconds (the common zero).
pub(super) fn start_seconds(context: &ff::format::context::Input, probe: &VideoProbe) -> f64 {
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

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
