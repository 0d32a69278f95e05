//! One publish's pass: every packet read once, as for a file (`video::run`). The pictures go
//! through the transcode's own picture path (`VideoPath`: one decoder, one filter graph, a
//! scaler and an x264 per encoded rung, or the source's packets for a copied top rung); the
//! AAC packets go to every rendition as they are. After each packet the renditions' watchers
//! report the segments completed (`segments`).
//!
//! The sound is copied, not re-encoded: the ingest admits AAC only (`vocweek-live`), which is
//! what HLS carries, so an encode would only cost CPU and a generation of quality, and leave
//! the renditions' sound as it is anyway.

use std::path::Path;

use ff::Packet;
use ff::codec::packet::side_data::Type as SideDataType;
use ffmpeg_next as ff;

use super::decide::Decision;
use super::events::{LiveEvent, LiveFacts, LiveLadder, LiveRendition, LiveRung, LiveSegment};
use super::recording;
use super::renditions::{open_renditions, playlist_file};
use super::segments::SegmentWatch;
use super::source::{MAX_READ_ERRORS_IN_A_ROW, Preroll};
use super::video_clock::VideoClock;
use crate::MediaError;
use crate::video::Control;
use crate::video::avc_config::parse_record;
use crate::video::control::Progress;
use crate::video::master::measure_playlist;
use crate::video::outputs::{CopiedAudio, Outputs};
use crate::video::pipeline::seconds_to_ts;
use crate::video::poster::PosterPicker;
use crate::video::transcode::codecs_of;
use crate::video::video_path::VideoPath;

pub(super) struct LiveRun {
    video: VideoPath,
    /// The sound stream and, in its time base, the common zero: earlier packets are dropped,
    /// so that no rendition's first packet is sound from before the first picture (the HLS
    /// muxer counts its segments from its first packet, and must count alike everywhere).
    audio: Option<(usize, i64)>,
    time_bases: Vec<ff::Rational>,
    outputs: Outputs,
    watches: Vec<SegmentWatch>,
    /// The transcode's picture path offers it pictures; unused live (a channel's poster would
    /// come from here), it holds at most one.
    poster: PosterPicker,
    /// The SPS a copied top rung was checked with.
    copied_sps: Option<Vec<u8>>,
    ladder_sent: bool,
    /// The stream's time: the latest presentation time read, in seconds.
    now: f64,
    /// Where the stream's time starts (its first keyframe), in seconds.
    zero: f64,
    /// Where the renditions and the recording are written (a recording given up is removed).
    out_dir: std::path::PathBuf,
    video_clock: VideoClock,
    unread: u64,
}

impl LiveRun {
    pub fn new(
        context: &ff::format::context::Input,
        preroll: &Preroll,
        decision: &Decision,
        out_dir: &Path,
        settings: &crate::video::VideoSettings,
    ) -> Result<Self, MediaError> {
        let vanished = || MediaError::Internal("a live stream vanished".to_owned());
        let stream = context.stream(preroll.video).ok_or_else(vanished)?;
        let video = VideoPath::new(
            &stream,
            &decision.facts,
            preroll.zero_seconds,
            None,
            settings,
            decision.plan.as_ref(),
            None,
        )?;
        let audio = match preroll.audio {
            Some(index) => {
                let stream = context.stream(index).ok_or_else(vanished)?;
                let time_base = stream.time_base();
                Some(CopiedAudio {
                    // An owned copy: the stream's own belongs to the input context.
                    parameters: stream.parameters().clone(),
                    time_base,
                    offset: seconds_to_ts(preroll.zero_seconds, time_base),
                })
            }
            None => None,
        };
        let hls = open_renditions(out_dir, &video, audio.as_ref())?;
        let recording = recording::open_recording(out_dir, &video, audio.as_ref())?;
        let watches = video
            .rungs
            .iter()
            .map(|rung| SegmentWatch::new(out_dir, &rung.name))
            .collect();
        Ok(LiveRun {
            audio: preroll.audio.zip(audio.map(|a| a.offset)),
            time_bases: context.streams().map(|s| s.time_base()).collect(),
            // The recording takes the download's place: the top rung's packets and the sound.
            outputs: Outputs {
                hls,
                download: Some(recording),
                download_rung: 0,
            },
            watches,
            poster: PosterPicker::new(None),
            copied_sps: decision.plan.as_ref().and(decision.sps.clone()),
            ladder_sent: false,
            now: preroll.zero_seconds,
            zero: preroll.zero_seconds,
            out_dir: out_dir.to_path_buf(),
            video_clock: VideoClock::default(),
            unread: preroll.unread,
            video,
        })
    }

    /// Reads the stream to its end (the publisher's FIFO closed).
    pub fn read_all(
        &mut self,
        context: &mut ff::format::context::Input,
        control: &Control,
        report: &mut dyn FnMut(LiveEvent),
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
                Err(ff::Error::Eof) => return Ok(()),
                Err(_) => {
                    self.unread += 1;
                    errors_in_a_row += 1;
                    if errors_in_a_row >= MAX_READ_ERRORS_IN_A_ROW {
                        return Ok(());
                    }
                    continue;
                }
            }
            self.packet(&packet, control, report)?;
        }
    }

    /// One packet of the stream to the renditions, then what it completed to `report`.
    pub fn packet(
        &mut self,
        packet: &Packet,
        control: &Control,
        report: &mut dyn FnMut(LiveEvent),
    ) -> Result<(), MediaError> {
        if packet.is_corrupt() {
            self.unread += 1;
        }
        let index = packet.stream();
        if let (Some(pts), Some(time_base)) = (packet.pts(), self.time_bases.get(index)) {
            self.now = self.now.max(pts as f64 * f64::from(*time_base));
        }
        if recording::outlasted(self.zero, self.now) {
            recording::give_up(&mut self.outputs, &self.out_dir);
        }
        if index == self.video.stream {
            let seconds = |t: Option<i64>| {
                let time_base = self.time_bases.get(index).copied()?;
                t.map(|t| t as f64 * f64::from(time_base))
            };
            self.video_clock
                .check(seconds(packet.dts()), seconds(packet.pts()))?;
            self.check_parameter_sets(packet)?;
            if packet.is_key()
                && let Some(pts) = packet.pts()
            {
                self.video.note_source_keyframe(pts);
            }
            let progress = Progress {
                control,
                total: None,
                from: 0.0,
            };
            self.video
                .send(Some(packet), &mut self.outputs, &mut self.poster, &progress)?;
        } else if let Some((_, zero)) = self.audio.filter(|(stream, _)| *stream == index)
            && packet.pts().is_some_and(|pts| pts >= zero)
        {
            self.outputs.write_audio(packet)?;
        }
        let mut found = Vec::new();
        for (watch, output) in self.watches.iter_mut().zip(&self.outputs.hls) {
            found.extend(watch.poll(output.keyframes(), self.now)?);
        }
        self.announce(found, report);
        Ok(())
    }

    /// A new AVC sequence header (the demuxer hands it on with the next packet) must not change
    /// the SPS of a copied top rung: its segments would no longer be what was checked, nor
    /// what the master playlist says. The encoded rungs follow any change (the decoder takes
    /// it, the graph's input is kept at the first picture's size, `conform`). A header that
    /// repeats the same SPS, as some encoders send with every keyframe, changes nothing.
    fn check_parameter_sets(&self, packet: &Packet) -> Result<(), MediaError> {
        let Some(copied) = self.copied_sps.as_ref() else {
            return Ok(());
        };
        for side in packet.side_data() {
            if side.kind() != SideDataType::NewExtraData {
                continue;
            }
            let sps = parse_record(side.data()).and_then(|(_, sps)| sps);
            if sps.as_ref() != Some(copied) {
                return Err(MediaError::VideoCorrupt(
                    "the publisher changed its H.264 settings midway; the copied top rendition \
                     cannot follow (the channel starts again from its next publish)"
                        .to_owned(),
                ));
            }
        }
        Ok(())
    }

    /// Reports `found`, the ladder first the first time.
    fn announce(&mut self, found: Vec<LiveSegment>, report: &mut dyn FnMut(LiveEvent)) {
        if found.is_empty() {
            return;
        }
        if !self.ladder_sent {
            self.ladder_sent = true;
            report(LiveEvent::Ladder(self.ladder()));
        }
        for segment in found {
            report(LiveEvent::Segment(segment));
        }
    }

    fn ladder(&self) -> LiveLadder {
        let has_audio = self.audio.is_some();
        let rungs = self
            .video
            .rungs
            .iter()
            .zip(&self.video.codecs)
            .map(|(rung, codec)| LiveRung {
                name: rung.name.clone(),
                playlist: format!("{}/{}", rung.name, playlist_file(&rung.name)),
                width: rung.width,
                height: rung.height,
                codecs: codecs_of(codec.clone(), has_audio),
            })
            .collect();
        LiveLadder {
            frame_rate: f64::from(self.video.frame_rate),
            top_rung_passthrough: self.video.top_rung_copied(),
            rungs,
        }
    }

    /// The end of the publish: the encoders drained, every rendition closed (its last segment
    /// written), the rest reported, and each rendition measured.
    pub fn finish(
        mut self,
        out_dir: &Path,
        control: &Control,
        report: &mut dyn FnMut(LiveEvent),
    ) -> Result<LiveFacts, MediaError> {
        let progress = Progress {
            control,
            total: None,
            from: 0.0,
        };
        self.video
            .send(None, &mut self.outputs, &mut self.poster, &progress)?;
        if self.video.frames == 0 {
            return Err(MediaError::VideoCorrupt(format!(
                "not one picture of the live stream could be decoded ({} damaged packets)",
                self.unread + self.video.damaged
            )));
        }
        for output in std::mem::take(&mut self.outputs.hls) {
            output.finish()?;
        }
        let recording = recording::close(&mut self.outputs, out_dir);
        let mut found = Vec::new();
        for watch in &mut self.watches {
            found.extend(watch.collect()?);
        }
        self.announce(found, report);
        let ladder = self.ladder();
        let mut renditions = Vec::new();
        for rung in &ladder.rungs {
            let dir = out_dir.join(&rung.name);
            let (segments, duration, bandwidth, average) =
                measure_playlist(&dir, &playlist_file(&rung.name))?;
            renditions.push(LiveRendition {
                name: rung.name.clone(),
                segments: segments.len() as u64,
                duration_seconds: duration,
                bandwidth,
                average_bandwidth: average,
            });
        }
        Ok(LiveFacts {
            duration_seconds: renditions
                .iter()
                .map(|r| r.duration_seconds)
                .fold(0.0, f64::max),
            damaged_packets: self.unread + self.video.damaged,
            recording,
            ladder,
            renditions,
        })
    }
}
