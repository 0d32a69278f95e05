//! The part of a video one chunk transcodes (see `chunk_plan`), as the transcode's pieces use it:
//! which pictures and sound packets it keeps, where its sound starts, how far the file is read.
//!
//! Every chunk counts pictures and sound samples on the whole video's clock (output frame n at
//! n / rate, sample n at n / 48000 s, from the common zero) and keeps its share of them: the
//! frames `[start_frame, end_frame)`, the AAC packets `[audio_start, audio_end)`. The shares
//! meet exactly, so the chunks' segments played one after the other are one stream.

use ff::Packet;
use ffmpeg_next as ff;

use super::chunk_plan::ChunkSpec;
use super::pipeline::frames_to_seconds;
use crate::MediaError;

/// Seconds every chunk's HLS timestamps are moved ahead (see `Output::hls`): past x264's
/// reordering (two frames) and AAC's priming (1024 samples) at any frame rate we make.
pub(crate) const CHUNK_LEAD_SECONDS: f64 = 1.0;

/// Sound fed to the AAC encoder before a chunk's first kept packet (samples at 48 kHz): the
/// encoder's priming packet and one more, so the first packet kept is one the encoder made
/// in its steady state, as it would have in one whole transcode, and the previous chunk's
/// last packet overlaps it as a decoder expects.
const SOUND_PRE_ROLL: i64 = 2048;

/// A chunk after the first starts reading this long before its first picture or sound: the
/// demuxer goes back to the keyframe before that point, and the decoder has a second of
/// pictures and sound to settle on before the first one kept.
pub(crate) const SEEK_BEFORE_SECONDS: f64 = 1.0;

/// A chunk with an end reads until every stream it uses is this far past it: decoders hold
/// back a few pictures (reordering) and containers interleave the streams loosely.
pub(crate) const READ_PAST_END_SECONDS: f64 = 3.0;

/// AAC frames, in samples.
const AAC_FRAME: i64 = 1024;

/// A chunk's part of the video, checked (see `ChunkRange::new`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ChunkRange {
    pub index: u32,
    pub frame_rate: ff::Rational,
    /// Output frames kept: `[start_frame, end_frame)`.
    pub start_frame: i64,
    pub end_frame: Option<i64>,
    /// AAC packets kept, by their timestamp in samples at 48 kHz: `[audio_start, audio_end)`.
    pub audio_start: i64,
    pub audio_end: Option<i64>,
    /// The global number of the chunk's first segment.
    pub first_segment: u32,
}

impl ChunkRange {
    /// The range of `spec`, checked: a plan comes back from the job queue, and a range that is
    /// not what a plan makes would write segments that do not fit the others.
    /// `segment_frames` is the frames of one segment at the plan's rate.
    pub fn new(spec: &ChunkSpec, segment_frames: i64) -> Result<Self, MediaError> {
        let wrong = |what: &str| -> Result<Self, MediaError> {
            Err(MediaError::Internal(format!(
                "chunk {}: {what}",
                spec.index
            )))
        };
        if spec.frame_rate_num <= 0 || spec.frame_rate_den <= 0 {
            return wrong("no frame rate");
        }
        if spec.count == 0 || spec.index >= spec.count {
            return wrong("its index is not in the plan");
        }
        let last = spec.index + 1 == spec.count;
        if last != spec.end_frame.is_none() || last != spec.audio_end.is_none() {
            return wrong("only the last chunk runs to the end");
        }
        let starts_on_a_segment = segment_frames > 0
            && spec.start_frame >= 0
            && spec.start_frame % segment_frames == 0
            && i64::from(spec.first_segment) == spec.start_frame / segment_frames;
        if !starts_on_a_segment {
            return wrong("it does not start on a segment boundary");
        }
        if (spec.index == 0) != (spec.start_frame == 0)
            || (spec.index == 0) != (spec.audio_start == 0)
        {
            return wrong("only the first chunk starts at zero");
        }
        if spec.audio_start < 0 || spec.audio_start % AAC_FRAME != 0 {
            return wrong("its sound does not start on an AAC frame");
        }
        if spec.end_frame.is_some_and(|end| end <= spec.start_frame)
            || spec
                .audio_end
                .is_some_and(|end| end <= spec.audio_start || end % AAC_FRAME != 0)
        {
            return wrong("it ends before it starts");
        }
        Ok(ChunkRange {
            index: spec.index,
            frame_rate: ff::Rational::new(spec.frame_rate_num, spec.frame_rate_den),
            start_frame: spec.start_frame,
            end_frame: spec.end_frame,
            audio_start: spec.audio_start,
            audio_end: spec.audio_end,
            first_segment: spec.first_segment,
        })
    }

    pub fn is_first(&self) -> bool {
        self.index == 0
    }

    /// Whether output frame `pts` is this chunk's.
    pub fn keeps_picture(&self, pts: i64) -> bool {
        pts >= self.start_frame && self.end_frame.is_none_or(|end| pts < end)
    }

    /// Whether the AAC packet at `pts` (in samples) is this chunk's. The first chunk keeps the
    /// encoder's priming packet (before 0), as a whole transcode does.
    pub fn keeps_sound(&self, pts: i64) -> bool {
        (self.is_first() || pts >= self.audio_start) && self.audio_end.is_none_or(|end| pts < end)
    }

    /// Where the sound given to the AAC encoder starts, in samples: 0 for the first chunk (as
    /// in a whole transcode), else `SOUND_PRE_ROLL` before the first packet kept.
    pub fn sound_first_pts(&self) -> i64 {
        if self.is_first() {
            0
        } else {
            self.audio_start - SOUND_PRE_ROLL
        }
    }

    /// The earliest instant the chunk keeps, picture or sound, in seconds from the common zero.
    pub fn start_seconds(&self) -> f64 {
        frames_to_seconds(self.start_frame, self.frame_rate)
            .min(samples_to_seconds(self.audio_start))
    }

    /// The latest instant it keeps, in seconds from the common zero; `None` for the last chunk.
    pub fn end_seconds(&self) -> Option<f64> {
        let pictures = frames_to_seconds(self.end_frame?, self.frame_rate);
        let sound = self.audio_end.map_or(pictures, samples_to_seconds);
        Some(pictures.max(sound))
    }

    /// Where the demuxer is sent before reading, in seconds from the common zero; `None` for
    /// the first chunk, which reads from the start.
    pub fn seek_seconds(&self) -> Option<f64> {
        (!self.is_first()).then(|| (self.start_seconds() - SEEK_BEFORE_SECONDS).max(0.0))
    }
}

fn samples_to_seconds(samples: i64) -> f64 {
    samples as f64 / 48_000.0
}

/// Where a chunk with an end stops reading: once every stream it uses has given a packet
/// `READ_PAST_END_SECONDS` past the chunk's end. (A stream that ends sooner keeps it reading
/// to the end of the file: slower, not wrong.)
pub(crate) struct ReadEnd {
    /// Seconds from the common zero.
    until: f64,
    /// The common zero, in seconds of the streams' clock.
    start: f64,
    streams: Vec<UsedStream>,
}

struct UsedStream {
    index: usize,
    time_base: f64,
    passed: bool,
}

impl ReadEnd {
    /// `None` for a chunk that runs to the end. `streams`: the index and time base of each
    /// stream used; `start`: the common zero in seconds.
    pub fn new(
        range: &ChunkRange,
        start: f64,
        streams: impl IntoIterator<Item = (usize, ff::Rational)>,
    ) -> Option<Self> {
        let until = range.end_seconds()? + READ_PAST_END_SECONDS;
        Some(ReadEnd {
            until,
            start,
            streams: streams
                .into_iter()
                .map(|(index, time_base)| UsedStream {
                    index,
                    time_base: f64::from(time_base),
                    passed: false,
                })
                .collect(),
        })
    }

    /// Notes `packet`; true once every stream used has gone past the end.
    pub fn reached(&mut self, packet: &Packet) -> bool {
        let (until, start) = (self.until, self.start);
        if let Some(ts) = packet.pts().or(packet.dts())
            && let Some(stream) = self.streams.iter_mut().find(|s| s.index == packet.stream())
            && ts as f64 * stream.time_base - start >= until
        {
            stream.passed = true;
        }
        !self.streams.is_empty() && self.streams.iter().all(|s| s.passed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(index: u32, count: u32) -> ChunkSpec {
        let (start, end) = (i64::from(index) * 720, i64::from(index + 1) * 720);
        let last = index + 1 == count;
        ChunkSpec {
            index,
            count,
            frame_rate_num: 30,
            frame_rate_den: 1,
            start_frame: start,
            end_frame: (!last).then_some(end),
            audio_start: start * 1600,
            audio_end: (!last).then_some(end * 1600),
            first_segment: index * 4,
        }
    }

    #[test]
    fn a_middle_chunk_keeps_its_share() {
        let range = ChunkRange::new(&spec(1, 3), 180).unwrap();
        assert!(!range.keeps_picture(719));
        assert!(range.keeps_picture(720));
        assert!(range.keeps_picture(1439));
        assert!(!range.keeps_picture(1440));
        assert!(!range.keeps_sound(1_152_000 - 1024));
        assert!(range.keeps_sound(1_152_000));
        assert!(!range.keeps_sound(2_304_000));
        assert_eq!(range.sound_first_pts(), 1_152_000 - 2048);
        assert_eq!(range.start_seconds(), 24.0);
        assert_eq!(range.end_seconds(), Some(48.0));
        assert_eq!(range.seek_seconds(), Some(23.0));
    }

    #[test]
    fn the_first_chunk_keeps_the_priming_and_the_last_runs_to_the_end() {
        let first = ChunkRange::new(&spec(0, 3), 180).unwrap();
        assert!(first.keeps_sound(-1024));
        assert_eq!(first.sound_first_pts(), 0);
        assert_eq!(first.seek_seconds(), None);
        let last = ChunkRange::new(&spec(2, 3), 180).unwrap();
        assert!(last.keeps_picture(1_000_000));
        assert_eq!(last.end_seconds(), None);
    }

    #[test]
    fn ranges_no_plan_makes_are_refused() {
        let mut off_grid = spec(1, 3);
        off_grid.start_frame += 1;
        assert!(ChunkRange::new(&off_grid, 180).is_err());
        let mut no_end = spec(1, 3);
        no_end.end_frame = None;
        assert!(ChunkRange::new(&no_end, 180).is_err());
        let mut beyond = spec(1, 3);
        beyond.index = 3;
        assert!(ChunkRange::new(&beyond, 180).is_err());
        let mut odd_sound = spec(1, 3);
        odd_sound.audio_start += 1;
        assert!(ChunkRange::new(&odd_sound, 180).is_err());
        let mut numbered = spec(1, 3);
        numbered.first_segment = 5;
        assert!(ChunkRange::new(&numbered, 180).is_err());
    }
}
