//! One chunk of a long video (see `chunk_plan`): the same one pass as a whole transcode over
//! the chunk's part of the file — read from a keyframe a little before it, its pictures and
//! sound kept, every rung's segments written where they fall in the whole video — and what it
//! made, reported as facts for `stitch`.

use std::path::Path;

use ffmpeg_next as ff;
use serde::{Deserialize, Serialize};

use super::chunk_plan::ChunkSpec;
use super::chunk_range::ChunkRange;
use super::cleanup::Before;
use super::control::Control;
use super::pipeline::{frame_rate_for, segment_frames};
use super::probe::{VideoProbe, check_declared_size, open_input, read_probe};
use super::run::{Closed, Run};
use super::settings::VideoSettings;
use super::transcode::{codecs_of, start_seconds};
use crate::MediaError;
use crate::photo::{Encoded, poster_renditions};

/// `avformat_seek_file` without a stream counts in microseconds (`AV_TIME_BASE`).
const SEEK_UNITS_PER_SECOND: f64 = 1_000_000.0;

/// Facts one chunk's transcode learned; serialised by the child, stored by the pipeline as
/// JSON, handed back to the stitch. Untrusted when it comes back: the stitch re-checks it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChunkFacts {
    pub index: u32,
    /// The `VideoProbe` as JSON (the first chunk's is used for the asset's facts).
    pub probe: serde_json::Value,
    pub frame_rate: Option<f64>,
    pub interlaced: bool,
    pub damaged_packets: u64,
    /// Index into `rungs` of the rung the MP4 download carries.
    pub download_rung: usize,
    pub rungs: Vec<ChunkRung>,
}

/// One rung's part of a chunk: its segments, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChunkRung {
    pub name: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// RFC 6381, sound included (`avc1.64001f,mp4a.40.2`); empty when the chunk has no
    /// pictures.
    pub codecs: String,
    /// The chunk playlist's `EXT-X-TARGETDURATION`.
    pub target_duration: u32,
    pub segments: Vec<ChunkSegment>,
}

/// One segment a chunk wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChunkSegment {
    /// `<rung>_<number>.ts`, in the chunk's output directory.
    pub file: String,
    pub duration_seconds: f64,
    pub bytes: u64,
}

/// What a chunk made: its facts, and for the first chunk the poster and thumbnail.
#[derive(Debug)]
pub struct ChunkOutput {
    pub facts: ChunkFacts,
    pub poster: Option<Encoded>,
    pub thumb: Option<Encoded>,
}

/// Transcodes the chunk `chunk` of `input` into `out_dir` (created if needed): every rung's
/// segments of its part (their playlists are read into the facts and removed), no download,
/// and for the first chunk the poster. A later chunk with no picture in its part (the file
/// ends sooner than it declares) makes nothing and says so with empty segment lists.
/// Blocking and CPU-heavy; on failure `out_dir` is left as it was found.
pub fn transcode_chunk(
    input: &Path,
    out_dir: &Path,
    settings: &VideoSettings,
    chunk: &ChunkSpec,
    control: &Control,
) -> Result<ChunkOutput, MediaError> {
    if std::fs::metadata(input).is_ok_and(|meta| meta.len() == 0) {
        return Err(MediaError::Empty);
    }
    let before = Before::note(out_dir);
    let result = chunk_into(input, out_dir, settings, chunk, control, &before);
    if result.is_err() {
        before.restore();
    }
    result
}

fn chunk_into(
    input: &Path,
    out_dir: &Path,
    settings: &VideoSettings,
    chunk: &ChunkSpec,
    control: &Control,
    before: &Before,
) -> Result<ChunkOutput, MediaError> {
    super::init()?;
    std::fs::create_dir_all(out_dir)
        .map_err(|e| MediaError::Internal(format!("creating {}: {e}", out_dir.display())))?;
    check_declared_size(input, settings)?;
    let mut context = open_input(input)?;
    let probe = read_probe(&context, input, settings)?;
    let facts = probe
        .video
        .as_ref()
        .ok_or_else(|| MediaError::Internal("a chunk of a video without pictures".to_owned()))?;
    let rate = frame_rate_for(facts, settings);
    let planned = ff::Rational::new(chunk.frame_rate_num, chunk.frame_rate_den);
    // Cross-multiplied: 30000/1001 and 60000/2002 are one rate.
    let same_rate = i64::from(rate.numerator()) * i64::from(planned.denominator())
        == i64::from(planned.numerator()) * i64::from(rate.denominator());
    if !same_rate {
        return Err(MediaError::Internal(format!(
            "chunk {} was planned at {planned} frames a second, the video now makes {rate}",
            chunk.index
        )));
    }
    let range = ChunkRange::new(chunk, segment_frames(rate, settings))?;
    let start = start_seconds(&context, &probe);
    if let Some(seconds) = range.seek_seconds() {
        // Backward to the keyframe at or before the point (the upper bound is the point).
        let ts = ((start + seconds) * SEEK_UNITS_PER_SECOND) as i64;
        if context.seek(ts, ..ts).is_err() {
            // A file without an index to seek by is read from its start: slower, the same
            // output (what comes before the chunk is decoded and dropped).
            tracing::debug!(chunk = chunk.index, "cannot seek; reading from the start");
            context = open_input(input)?;
        }
    }
    let mut run = Run::new(
        &context,
        &probe,
        start,
        out_dir,
        settings,
        None,
        Some(&range),
    )?;
    run.read_all(&mut context, control)?;
    if !range.is_first() && run.pictures() == 0 && run.sound_packets() > 0 {
        // Sound and no picture: a stretch of the video that cannot be decoded, or a sound
        // track longer than the pictures that the plan counted. Dropping the chunk would lose
        // its sound without a word; the item fails instead, and says where.
        return Err(MediaError::VideoCorrupt(format!(
            "no picture could be decoded in the part from {:.0} s on, which has sound",
            range.start_seconds()
        )));
    }
    if !range.is_first() && run.pictures() == 0 {
        // Nothing of it (a declared duration past the real end): whatever its muxers wrote is
        // not the chunk's output.
        let closed = run.abandon()?;
        before.restore();
        let rungs = without_segments(&closed);
        return Ok(ChunkOutput {
            facts: chunk_facts(&range, &probe, &closed, rungs)?,
            poster: None,
            thumb: None,
        });
    }
    run.check_decoded()?;
    let closed = run.close()?;
    let mut rungs = Vec::new();
    for (name, size, video_codec) in &closed.rungs {
        let playlist = format!("{name}.m3u8");
        let (target_duration, segments) = read_chunk_playlist(out_dir, &playlist)?;
        // The chunk's output is its segments; the stitch writes the one playlist per rung.
        std::fs::remove_file(out_dir.join(&playlist))
            .map_err(|e| MediaError::Internal(format!("removing {playlist}: {e}")))?;
        rungs.push(ChunkRung {
            name: name.clone(),
            width: size.map(|s| s.0),
            height: size.map(|s| s.1),
            codecs: codecs_of(video_codec.clone(), closed.sounds > 0),
            target_duration,
            segments,
        });
    }
    let facts = chunk_facts(&range, &probe, &closed, rungs)?;
    let (poster, thumb) = if range.is_first() {
        match closed.poster.finish()? {
            Some(rgb) => {
                let (poster, thumb) = poster_renditions(rgb, settings.poster, settings.thumb)?;
                (Some(poster), Some(thumb))
            }
            None => (None, None),
        }
    } else {
        (None, None)
    };
    Ok(ChunkOutput {
        facts,
        poster,
        thumb,
    })
}

/// The rungs of a chunk that made nothing.
fn without_segments(closed: &Closed) -> Vec<ChunkRung> {
    closed
        .rungs
        .iter()
        .map(|(name, size, _)| ChunkRung {
            name: name.clone(),
            width: size.map(|s| s.0),
            height: size.map(|s| s.1),
            codecs: String::new(),
            target_duration: 0,
            segments: Vec::new(),
        })
        .collect()
}

fn chunk_facts(
    range: &ChunkRange,
    probe: &VideoProbe,
    closed: &Closed,
    rungs: Vec<ChunkRung>,
) -> Result<ChunkFacts, MediaError> {
    Ok(ChunkFacts {
        index: range.index,
        probe: serde_json::to_value(probe)
            .map_err(|e| MediaError::Internal(format!("the probe as JSON: {e}")))?,
        frame_rate: closed.frame_rate,
        interlaced: closed.interlaced,
        damaged_packets: closed.damaged,
        download_rung: closed.download_rung,
        rungs,
    })
}

/// A chunk's media playlist as its muxer wrote it: the target duration, and every segment
/// with its `EXTINF` duration and its size on disk.
fn read_chunk_playlist(dir: &Path, playlist: &str) -> Result<(u32, Vec<ChunkSegment>), MediaError> {
    let text = std::fs::read_to_string(dir.join(playlist))
        .map_err(|e| MediaError::Internal(format!("reading {playlist}: {e}")))?;
    let (target, segments) = parse_playlist(&text);
    let segments = segments
        .into_iter()
        .map(|(file, duration_seconds)| {
            let bytes = std::fs::metadata(dir.join(&file))
                .map_err(|e| MediaError::Internal(format!("segment {file}: {e}")))?
                .len();
            Ok(ChunkSegment {
                file,
                duration_seconds,
                bytes,
            })
        })
        .collect::<Result<Vec<_>, MediaError>>()?;
    Ok((target, segments))
}

/// `EXT-X-TARGETDURATION` (0 when missing) and the (URI, `EXTINF` seconds) of every segment.
fn parse_playlist(text: &str) -> (u32, Vec<(String, f64)>) {
    let mut target = 0;
    let mut segments = Vec::new();
    let mut pending = None;
    for line in text.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("#EXT-X-TARGETDURATION:") {
            target = rest.trim().parse().unwrap_or(0);
        } else if let Some(rest) = line.strip_prefix("#EXTINF:") {
            pending = rest.split(',').next().and_then(|s| s.trim().parse().ok());
        } else if !line.is_empty() && !line.starts_with('#') {
            segments.push((line.to_owned(), pending.take().unwrap_or(0.0)));
        }
    }
    (target, segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_hls_muxer_writes() {
        let text = "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:4\n\
                    #EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXTINF:6.006000,\n\
                    360p_00004.ts\n#EXTINF:5.972633,\n360p_00005.ts\n#EXT-X-ENDLIST\n";
        let (target, segments) = parse_playlist(text);
        assert_eq!(target, 6);
        assert_eq!(
            segments,
            [
                ("360p_00004.ts".to_owned(), 6.006),
                ("360p_00005.ts".to_owned(), 5.972633)
            ]
        );
    }
}
