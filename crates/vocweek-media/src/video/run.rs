//! One pass over an opened input (see `transcode`): the whole file, or one chunk of it. Every
//! packet is read once and sent to the picture or the sound path, which feed the outputs; the
//! run ends with its outputs closed (or abandoned) and what it learned.

use std::path::{Path, PathBuf};

use ff::Packet;
use ffmpeg_next as ff;

use super::audio_path::AudioPath;
use super::chunk_range::{CHUNK_LEAD_SECONDS, ChunkRange, ReadEnd};
use super::control::{Control, Progress};
use super::ladder::download_rung;
use super::outputs::{AudioSource, Output, Outputs, Streams};
use super::passthrough::PassthroughPlan;
use super::pipeline::{hls_time, segment_frames};
use super::poster::PosterPicker;
use super::probe::VideoProbe;
use super::settings::VideoSettings;
use super::video_path::VideoPath;
use crate::MediaError;

/// A rendition's name, pixel size (video) and H.264 codec string, for the master playlist.
pub(super) type RungFacts = (String, Option<(u32, u32)>, Option<String>);

/// Read errors in a row after which the rest of the file is taken as missing (truncated).
const MAX_READ_ERRORS_IN_A_ROW: u32 = 64;

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
        let audio_encoder = audio.as_ref().map(|a| AudioSource::Encoder(a.encoder()));
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
}
