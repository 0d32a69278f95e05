//! Whether a video is cut into chunks, and where: a long video (over `chunk_above_seconds`)
//! with pictures, whose top rung is not a copy of the source, is transcoded in chunks of about
//! `chunk_seconds` by separate jobs, and `stitch` joins them.
//!
//! The cuts are where the whole transcode would put segment boundaries: a segment is a whole
//! number of GOPs (`segment_frames`) and every chunk a whole number of segments, so each
//! chunk's encoders start with the keyframe the whole transcode has there, its segments are
//! numbered where they fall in the whole video, and its sound starts on the AAC frame grid
//! (1024 samples from 0) nearest its first picture. Pure arithmetic once the file is probed;
//! the duration is the container's (declared), only used to count the chunks.

use std::path::Path;

use ffmpeg_next as ff;
use serde::{Deserialize, Serialize};

use super::chunk_range::{READ_PAST_END_SECONDS, SEEK_BEFORE_SECONDS};
use super::control::Control;
use super::passthrough::plan;
use super::pipeline::{frame_rate_for, segment_frames};
use super::probe::{check_declared_size, open_input, read_probe};
use super::settings::VideoSettings;
use super::transcode::start_seconds;
use crate::MediaError;

/// Sound samples a second, and a frame of AAC.
const SOUND_RATE: i64 = 48_000;
const AAC_FRAME: i64 = 1024;

/// The most chunks a video is cut into. The count comes from the container's declared
/// duration, which a crafted header can make anything: past this (33 hours of 2-minute
/// chunks) the video is transcoded whole, where what is decoded, not what is declared, sets
/// the work — rather than thousands of jobs, most of them beyond the real end.
const MAX_CHUNKS: usize = 1000;

/// The fewest bytes of file a chunk stands for: 256 KiB is 2 minutes at 17 kbit/s, far below
/// any real video's rate.
const MIN_BYTES_PER_CHUNK: u64 = 256 * 1024;

/// One chunk of a plan: the output frames and sound it makes, on the whole video's clock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChunkSpec {
    /// 0-based.
    pub index: u32,
    /// Chunks in the plan.
    pub count: u32,
    /// The output frame rate the plan was made for.
    pub frame_rate_num: i32,
    pub frame_rate_den: i32,
    /// First output frame (inclusive); a multiple of a segment's frames.
    pub start_frame: i64,
    /// Exclusive; `None` for the last chunk (it runs to the end).
    pub end_frame: Option<i64>,
    /// First sound sample (1/48000 s), a multiple of 1024.
    pub audio_start: i64,
    pub audio_end: Option<i64>,
    /// Global number of the chunk's first segment (names `<rung>_<%05d>.ts`).
    pub first_segment: u32,
}

impl ChunkSpec {
    /// Seconds of the source the chunk's transcode reads: its part, with the second before it
    /// and the margin after it (see `ChunkRange`), the last chunk's to `declared` (the video's
    /// declared duration; `None` when unknown). What its time limit is measured by.
    pub fn source_seconds(&self, declared: Option<f64>) -> Option<f64> {
        let (num, den) = (self.frame_rate_num, self.frame_rate_den);
        if num <= 0 || den <= 0 {
            return None;
        }
        let picture = |frames: i64| frames as f64 * f64::from(den) / f64::from(num);
        let sound = |samples: i64| samples as f64 / SOUND_RATE as f64;
        let start = picture(self.start_frame).min(sound(self.audio_start));
        let end = match self.end_frame {
            Some(frames) => {
                picture(frames)
                    .max(self.audio_end.map_or(0.0, sound))
                    .max(start)
                    + READ_PAST_END_SECONDS
            }
            None => declared?,
        };
        Some((end - (start - SEEK_BEFORE_SECONDS).max(0.0)).max(0.0))
    }
}

/// How a video is cut.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChunkPlan {
    /// The container's declared duration the plan was made from.
    pub duration_seconds: f64,
    pub chunks: Vec<ChunkSpec>,
}

/// Probes `input` and plans its chunks; `None` when it is transcoded whole: chunks are off
/// (`chunk_above_seconds` 0), the video is not longer than that, has no pictures, would be
/// one chunk (or absurdly many, see `MAX_CHUNKS`), or its top rung would be the source's own
/// stream (passthrough reads the whole file in one pass; its
/// copy cannot be cut at our keyframes). Reads the file once more for the passthrough check
/// of a long video; cancelled through `control` meanwhile, it says so.
pub fn plan_chunks(
    input: &Path,
    settings: &VideoSettings,
    control: &Control,
) -> Result<Option<ChunkPlan>, MediaError> {
    if settings.chunk_above_seconds == 0 {
        return Ok(None);
    }
    super::init()?;
    check_declared_size(input, settings)?;
    let context = open_input(input)?;
    let probe = read_probe(&context, input, settings)?;
    let Some(facts) = probe.video.as_ref() else {
        return Ok(None);
    };
    // The pictures' own duration where the container gives it: a sound track longer than the
    // pictures is the last chunk's (it runs to the end), not chunks of sound without pictures.
    let pictures_seconds = context.stream(facts.stream_index).and_then(|stream| {
        let (duration, base) = (stream.duration(), stream.time_base());
        (duration > 0 && base.denominator() > 0).then(|| duration as f64 * f64::from(base))
    });
    let duration = match (probe.declared_duration_seconds, pictures_seconds) {
        (Some(declared), Some(pictures)) => Some(declared.min(pictures)),
        (declared, pictures) => declared.or(pictures),
    };
    let Some(duration) =
        duration.filter(|d| d.is_finite() && *d > f64::from(settings.chunk_above_seconds))
    else {
        return Ok(None);
    };
    // One chunk would be the whole transcode, with a stitch after it for nothing; more chunks
    // than the file has bytes for is a header that lies (each chunk would fetch the file and
    // find nothing), and the whole transcode measures what is really there.
    let size = std::fs::metadata(input).map_or(0, |m| m.len());
    let most = usize::try_from(size / MIN_BYTES_PER_CHUNK).unwrap_or(usize::MAX);
    let Some(chunks) = chunk_plan(duration, frame_rate_for(facts, settings), settings)
        .filter(|p| p.chunks.len() > 1 && p.chunks.len() <= most)
    else {
        return Ok(None);
    };
    let start = start_seconds(&context, &probe);
    // The demuxer is no longer needed: the passthrough check opens its own.
    drop(context);
    if plan(input, &probe, start, settings, control)?.is_some() {
        return Ok(None);
    }
    Ok(Some(chunks))
}

/// The chunks of a video of `duration` seconds at `rate`; `None` past `MAX_CHUNKS`.
pub(crate) fn chunk_plan(
    duration: f64,
    rate: ff::Rational,
    settings: &VideoSettings,
) -> Option<ChunkPlan> {
    let segment = segment_frames(rate, settings);
    let fps = f64::from(rate);
    let segments_per_chunk =
        ((f64::from(settings.chunk_seconds) * fps / segment as f64).round() as i64).max(1);
    let per_chunk = segment.saturating_mul(segments_per_chunk);
    // A hair under a whole frame is that frame (60.0 s × 30 is not 1800.000001 frames). The
    // cast saturates: an absurd duration makes too many chunks, not an overflow.
    let frames = ((duration * fps - 1e-6).ceil() as i64).max(1);
    let mut count = frames / per_chunk + i64::from(frames % per_chunk != 0);
    // A tail shorter than a segment is not worth a job of its own: the chunk before takes it.
    if count > 1 && frames - (count - 1) * per_chunk < segment {
        count -= 1;
    }
    let count = u32::try_from(count)
        .ok()
        .filter(|&c| c as usize <= MAX_CHUNKS)?;
    let starts: Vec<i64> = (0..i64::from(count)).map(|k| k * per_chunk).collect();
    let audio_starts: Vec<i64> = starts
        .iter()
        .map(|&frame| nearest_aac_frame(frame, rate))
        .collect();
    let chunks = (0..count)
        .map(|index| {
            let k = index as usize;
            ChunkSpec {
                index,
                count,
                frame_rate_num: rate.numerator(),
                frame_rate_den: rate.denominator(),
                start_frame: starts[k],
                end_frame: starts.get(k + 1).copied(),
                audio_start: audio_starts[k],
                audio_end: audio_starts.get(k + 1).copied(),
                first_segment: u32::try_from(starts[k] / segment).unwrap_or(u32::MAX),
            }
        })
        .collect();
    Some(ChunkPlan {
        duration_seconds: duration,
        chunks,
    })
}

/// The sample nearest output frame `frame` that starts an AAC frame (a multiple of 1024),
/// in exact arithmetic: frame × den × 48000 / num samples, rounded to whole AAC frames.
fn nearest_aac_frame(frame: i64, rate: ff::Rational) -> i64 {
    let (num, den) = (i128::from(rate.numerator()), i128::from(rate.denominator()));
    if num <= 0 || den <= 0 || frame <= 0 {
        return 0;
    }
    let samples = i128::from(frame) * den * i128::from(SOUND_RATE);
    let per_frame = num * i128::from(AAC_FRAME);
    let frames = (2 * samples + per_frame) / (2 * per_frame);
    i64::try_from(frames * i128::from(AAC_FRAME)).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(chunk_seconds: u32) -> VideoSettings {
        VideoSettings {
            chunk_seconds,
            ..VideoSettings::default()
        }
    }

    fn starts(plan: &ChunkPlan) -> Vec<i64> {
        plan.chunks.iter().map(|c| c.start_frame).collect()
    }

    #[test]
    fn thirty_fps_cuts_on_segment_boundaries() {
        let plan = chunk_plan(60.0, ff::Rational::new(30, 1), &settings(24)).unwrap();
        // 6 s segments of 180 frames, chunks of 4 segments.
        assert_eq!(starts(&plan), [0, 720, 1440]);
        let [first, middle, last] = &plan.chunks[..] else {
            panic!("three chunks");
        };
        assert_eq!((first.index, first.count), (0, 3));
        assert_eq!(first.end_frame, Some(720));
        assert_eq!(middle.end_frame, Some(1440));
        assert_eq!(last.end_frame, None);
        assert_eq!(last.audio_end, None);
        assert_eq!(
            [
                first.first_segment,
                middle.first_segment,
                last.first_segment
            ],
            [0, 4, 8]
        );
        // 24 s is 1125 AAC frames exactly.
        assert_eq!(middle.audio_start, 1_152_000);
        assert_eq!(first.audio_end, Some(middle.audio_start));
        assert_eq!(middle.audio_end, Some(last.audio_start));
        assert_eq!(first.audio_start, 0);
        assert_eq!((first.frame_rate_num, first.frame_rate_den), (30, 1));
    }

    #[test]
    fn twenty_five_fps() {
        let plan = chunk_plan(1300.0, ff::Rational::new(25, 1), &settings(120)).unwrap();
        // Segments of 150 frames, chunks of 20 segments (3000 frames = 120 s).
        assert_eq!(plan.chunks.len(), 11);
        assert_eq!(plan.chunks[1].start_frame, 3000);
        assert_eq!(plan.chunks[1].first_segment, 20);
        // 120 s = 5625 AAC frames.
        assert_eq!(plan.chunks[1].audio_start, 5_760_000);
    }

    #[test]
    fn ntsc_rate_chunks_are_whole_segments_of_6_006_seconds() {
        let rate = ff::Rational::new(30000, 1001);
        let plan = chunk_plan(1500.0, rate, &settings(120)).unwrap();
        let second = &plan.chunks[1];
        // 180-frame segments; 120 s × 29.97 / 180 = 19.98 → 20 segments.
        assert_eq!(second.start_frame, 3600);
        assert_eq!(second.first_segment, 20);
        // 3600 frames = 120.12 s = 5765760 samples = 5630.625 AAC frames → 5631.
        assert_eq!(second.audio_start, 5631 * 1024);
        assert!(plan.chunks.iter().all(|c| c.start_frame % 180 == 0));
    }

    #[test]
    fn sixty_fps() {
        let plan = chunk_plan(61.0, ff::Rational::new(60, 1), &settings(24)).unwrap();
        // Segments of 360 frames, chunks of 1440 frames; 3660 frames: 3 chunks (a 780-frame tail).
        assert_eq!(starts(&plan), [0, 1440, 2880]);
        assert_eq!(plan.chunks[2].first_segment, 8);
    }

    #[test]
    fn a_tail_shorter_than_a_segment_joins_the_chunk_before() {
        // 48 s + 3 s: the 3 s would be a chunk of less than one 6 s segment.
        let plan = chunk_plan(51.0, ff::Rational::new(30, 1), &settings(24)).unwrap();
        assert_eq!(starts(&plan), [0, 720]);
        assert_eq!(plan.chunks[1].end_frame, None);
        // 48 s + 6 s: a whole segment is a chunk.
        let plan = chunk_plan(54.0, ff::Rational::new(30, 1), &settings(24)).unwrap();
        assert_eq!(starts(&plan), [0, 720, 1440]);
        // Shorter than one chunk: one chunk, the whole video.
        let plan = chunk_plan(10.0, ff::Rational::new(30, 1), &settings(24)).unwrap();
        assert_eq!(plan.chunks.len(), 1);
        assert_eq!(plan.chunks[0].end_frame, None);
    }

    #[test]
    fn a_chunk_reads_its_part_and_the_margins() {
        let plan = chunk_plan(60.0, ff::Rational::new(30, 1), &settings(24)).unwrap();
        // 0–24 s, and 3 s past the end.
        assert_eq!(plan.chunks[0].source_seconds(Some(60.0)), Some(27.0));
        // 23–51 s.
        assert_eq!(plan.chunks[1].source_seconds(Some(60.0)), Some(28.0));
        // 47–60 s; to an unknown end, unknown.
        assert_eq!(plan.chunks[2].source_seconds(Some(60.0)), Some(13.0));
        assert_eq!(plan.chunks[2].source_seconds(None), None);
    }

    #[test]
    fn an_absurd_duration_is_no_plan() {
        let rate = ff::Rational::new(30, 1);
        assert!(chunk_plan(1.0e12, rate, &settings(120)).is_none());
        assert!(chunk_plan(f64::MAX, rate, &settings(120)).is_none());
        assert!(chunk_plan(120.0 * 1000.0, rate, &settings(120)).is_some());
        assert!(chunk_plan(120.0 * 1001.0, rate, &settings(120)).is_none());
    }

    #[test]
    fn sound_starts_on_the_aac_grid_nearest_the_picture() {
        let rate = ff::Rational::new(30, 1);
        assert_eq!(nearest_aac_frame(0, rate), 0);
        // Frame 1 is 1600 samples: 1.5625 AAC frames → 2.
        assert_eq!(nearest_aac_frame(1, rate), 2048);
        // Frame 180 (6 s) is 288000 samples: 281.25 frames → 281.
        assert_eq!(nearest_aac_frame(180, rate), 281 * 1024);
        let ntsc = ff::Rational::new(30000, 1001);
        // 720 frames = 24.024 s = 1153152 samples = 1126.125 AAC frames → 1126.
        assert_eq!(nearest_aac_frame(720, ntsc), 1126 * 1024);
        for frame in [1, 7, 720, 1440, 100_000] {
            let samples = nearest_aac_frame(frame, ntsc);
            assert_eq!(samples % 1024, 0);
            let exact = frame as f64 * 1001.0 / 30000.0 * 48000.0;
            assert!((samples as f64 - exact).abs() <= 512.0, "{frame}");
        }
    }
}
