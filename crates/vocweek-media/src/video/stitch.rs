//! Joins the chunks of a chunked video (see `chunk_plan`): one media playlist per rung listing
//! every chunk's segments in order, the master playlist, and the MP4 download remuxed from the
//! download rung's segments — what a whole transcode writes, but the segments, which the chunk
//! jobs stored already.
//!
//! The chunks' facts come back from the job queue and are checked before anything is written:
//! the same ladder in every chunk, segment names that are plain `<rung>_<digits>.ts` in
//! ascending order, durations a segment can have. A chunk with no segments (past the real end
//! of a file that declared more) is allowed; a video with none at all is not.

use std::fmt::Write as _;
use std::path::Path;

use super::chunk::{ChunkFacts, ChunkRung, ChunkSegment};
use super::cleanup::Before;
use super::master::{RenditionStats, bit_rates, master_playlist};
use super::probe::VideoProbe;
use super::remux::remux_to_mp4;
use super::settings::VideoSettings;
use super::transcode::{DownloadFile, TranscodeOutput};
use crate::MediaError;

/// The longest rung name accepted (ours are like `1080p`).
const LONGEST_RUNG_NAME: usize = 16;
/// The longest `CODECS` accepted (ours are like `avc1.64001f,mp4a.40.2`).
const LONGEST_CODECS: usize = 64;
/// A segment may be this many times the configured length (a whole transcode's are at most
/// one GOP longer; a copied top rung's a few seconds).
const LONGEST_SEGMENT_FACTOR: f64 = 4.0;

/// The name of the MP4 download in the stitch's output directory.
pub const DOWNLOAD_FILE: &str = "download.mp4";

/// Where the stitch's MP4 download comes from.
#[derive(Clone, Copy)]
pub enum StitchDownload<'a> {
    /// Remuxed from the download rung's segments of every chunk, in order, one after the
    /// other: in one file when their timestamps run on (a chunked video), or in one file per
    /// chunk when each starts its clock again (a live event's publishes, one "chunk" each) —
    /// then every chunk after the first starts with a discontinuity.
    Remux(&'a [&'a Path]),
    /// Already in the output directory as `DOWNLOAD_FILE`: a live publish's recording, made
    /// while it was sent (`live::recording`).
    Ready,
}

/// Writes `<rung>.m3u8` for every rung, `master.m3u8` and (unless it is there already)
/// `download.mp4` into `out_dir` from the chunks' facts. The output's renditions list the
/// segments, which are not in `out_dir`; it has no poster (the first chunk made it). On
/// failure `out_dir` is left as it was found.
pub fn stitch(
    download: StitchDownload<'_>,
    out_dir: &Path,
    chunks: &[ChunkFacts],
    settings: &VideoSettings,
) -> Result<TranscodeOutput, MediaError> {
    let before = Before::note(out_dir);
    let result = stitch_into(download, out_dir, chunks, settings);
    if result.is_err() {
        before.restore();
    }
    result
}

fn stitch_into(
    download: StitchDownload<'_>,
    out_dir: &Path,
    chunks: &[ChunkFacts],
    settings: &VideoSettings,
) -> Result<TranscodeOutput, MediaError> {
    let ladder = check(chunks, settings)?;
    let discontinuous = match download {
        StitchDownload::Remux(parts) => parts.len() > 1,
        // A recording is one publish's: one clock.
        StitchDownload::Ready => false,
    };
    if let StitchDownload::Remux(parts) = download
        && discontinuous
        && parts.len() != chunks.len()
    {
        return Err(wrong(format!(
            "{} parts for {} chunks",
            parts.len(),
            chunks.len()
        )));
    }
    let probe: VideoProbe = serde_json::from_value(ladder.first.probe.clone())
        .map_err(|e| wrong(format!("the first chunk's probe: {e}")))?;
    std::fs::create_dir_all(out_dir)
        .map_err(|e| MediaError::Internal(format!("creating {}: {e}", out_dir.display())))?;
    let mut renditions = Vec::new();
    for (i, rung) in ladder.first.rungs.iter().enumerate() {
        let parts: Vec<&ChunkRung> = chunks.iter().filter_map(|c| c.rungs.get(i)).collect();
        let segments: Vec<&ChunkSegment> = parts.iter().flat_map(|p| &p.segments).collect();
        // The first segment of each part after the first follows a discontinuity.
        let mut breaks = Vec::new();
        if discontinuous {
            let mut count = 0;
            for part in &parts {
                if count > 0 && !part.segments.is_empty() {
                    breaks.push(count);
                }
                count += part.segments.len();
            }
        }
        let target = parts
            .iter()
            .map(|p| p.target_duration)
            .chain(segments.iter().map(|s| s.duration_seconds.round() as u32))
            .max()
            .unwrap_or(0);
        let playlist = format!("{}.m3u8", rung.name);
        std::fs::write(
            out_dir.join(&playlist),
            media_playlist(target, &segments, &breaks),
        )
        .map_err(|e| MediaError::Internal(format!("writing {playlist}: {e}")))?;
        let (duration, bandwidth, average) =
            bit_rates(segments.iter().map(|s| (s.duration_seconds, s.bytes)));
        renditions.push(RenditionStats {
            name: rung.name.clone(),
            playlist,
            width: rung.width,
            height: rung.height,
            bandwidth,
            average_bandwidth: average,
            segments: segments.iter().map(|s| s.file.clone()).collect(),
            duration_seconds: duration,
            codecs: ladder.codecs.get(i).cloned().unwrap_or_default(),
            frame_rate: Some(ladder.frame_rate),
        });
    }
    let master = "master.m3u8".to_owned();
    let download_rung = ladder.first.download_rung;
    std::fs::write(
        out_dir.join(&master),
        master_playlist(&renditions, download_rung),
    )
    .map_err(|e| MediaError::Internal(format!("writing the master playlist: {e}")))?;
    let download_file = DOWNLOAD_FILE.to_owned();
    match download {
        StitchDownload::Remux(parts) => remux_to_mp4(parts, &out_dir.join(&download_file))?,
        StitchDownload::Ready if !out_dir.join(&download_file).is_file() => {
            return Err(wrong("the recording is missing".to_owned()));
        }
        StitchDownload::Ready => {}
    }
    let downloaded = renditions.get(download_rung);
    let download = DownloadFile {
        file: download_file,
        mime: "video/mp4",
        width: downloaded.and_then(|r| r.width),
        height: downloaded.and_then(|r| r.height),
    };
    let duration_seconds = renditions
        .iter()
        .map(|r| r.duration_seconds)
        .fold(0.0, f64::max);
    Ok(TranscodeOutput {
        probe,
        duration_seconds,
        frame_rate: Some(ladder.frame_rate),
        interlaced: chunks.iter().any(|c| c.interlaced),
        top_rung_passthrough: false,
        damaged_packets: chunks
            .iter()
            .fold(0u64, |sum, c| sum.saturating_add(c.damaged_packets)),
        master,
        renditions,
        download: Some(download),
        poster: None,
        thumb: None,
    })
}

/// What the checked facts say about the whole video.
struct Ladder<'a> {
    first: &'a ChunkFacts,
    frame_rate: f64,
    /// Each rung's `CODECS`.
    codecs: Vec<String>,
}

fn wrong(what: String) -> MediaError {
    MediaError::Internal(format!("the chunks do not fit together: {what}"))
}

/// Checks the chunks' facts as `stitch` does, before anything is read by them: the worker
/// joins the download rung's segments by these names.
pub fn check_chunks(chunks: &[ChunkFacts], settings: &VideoSettings) -> Result<(), MediaError> {
    check(chunks, settings).map(|_| ())
}

/// Checks the chunks' facts (see the module's comment).
fn check<'a>(chunks: &'a [ChunkFacts], settings: &VideoSettings) -> Result<Ladder<'a>, MediaError> {
    let first = chunks
        .first()
        .ok_or_else(|| wrong("there are none".to_owned()))?;
    if first.rungs.is_empty() {
        return Err(wrong("the first chunk has no rungs".to_owned()));
    }
    if first.download_rung >= first.rungs.len() {
        return Err(wrong("the download rung is not a rung".to_owned()));
    }
    let frame_rate = first
        .frame_rate
        .filter(|r| r.is_finite() && *r > 0.0)
        .ok_or_else(|| wrong("no frame rate".to_owned()))?;
    for rung in &first.rungs {
        if !plain(&rung.name, LONGEST_RUNG_NAME, |c| c.is_ascii_alphanumeric()) {
            return Err(wrong(format!("the rung name {:?}", rung.name)));
        }
    }
    let longest = f64::from(settings.segment_seconds) * LONGEST_SEGMENT_FACTOR;
    for (position, chunk) in chunks.iter().enumerate() {
        let n = chunk.index;
        if usize::try_from(n).ok() != Some(position) {
            return Err(wrong(format!("chunk {n} is in place {position}")));
        }
        let same_ladder = chunk.rungs.len() == first.rungs.len()
            && chunk.rungs.iter().zip(&first.rungs).all(|(a, b)| {
                (a.name.as_str(), a.width, a.height) == (b.name.as_str(), b.width, b.height)
            });
        if !same_ladder || chunk.download_rung != first.download_rung {
            return Err(wrong(format!("chunk {n} has another ladder")));
        }
        if chunk.frame_rate != first.frame_rate {
            return Err(wrong(format!("chunk {n} has another frame rate")));
        }
        for rung in &chunk.rungs {
            check_rung(n, rung, longest)?;
        }
    }
    // Only the video's end may be empty: an empty chunk between two with segments is a hole
    // (pictures lost for a chunk's length) that a player would jump over without a word.
    let has_segments = |c: &ChunkFacts| c.rungs.iter().any(|r| !r.segments.is_empty());
    if let Some(empty) = chunks.iter().position(|c| !has_segments(c))
        && let Some(later) = chunks[empty..].iter().find(|c| has_segments(c))
    {
        return Err(wrong(format!(
            "chunk {} has segments after the empty chunk {empty}",
            later.index
        )));
    }
    let mut codecs = Vec::new();
    for (i, rung) in first.rungs.iter().enumerate() {
        let mut last_number = None;
        for part in chunks.iter().filter_map(|c| c.rungs.get(i)) {
            for segment in &part.segments {
                let number = segment_number(&rung.name, &segment.file)
                    .ok_or_else(|| wrong(format!("the segment name {:?}", segment.file)))?;
                if last_number.is_some_and(|last| number <= last) {
                    return Err(wrong(format!("{} is out of order", segment.file)));
                }
                last_number = Some(number);
            }
        }
        if last_number.is_none() {
            return Err(wrong(format!("the rung {} has no segments", rung.name)));
        }
        codecs.push(rung_codecs(chunks, i)?);
    }
    Ok(Ladder {
        first,
        frame_rate,
        codecs,
    })
}

/// One chunk's rung: its `CODECS` (when it has segments), its target duration and its
/// segments' durations and sizes.
fn check_rung(chunk: u32, rung: &ChunkRung, longest: f64) -> Result<(), MediaError> {
    let name = &rung.name;
    if rung.segments.is_empty() {
        return Ok(());
    }
    let codecs_plain = plain(&rung.codecs, LONGEST_CODECS, |c| {
        c.is_ascii_alphanumeric() || c == '.' || c == ','
    });
    if !codecs_plain {
        return Err(wrong(format!(
            "chunk {chunk}, rung {name}: CODECS {:?}",
            rung.codecs
        )));
    }
    if f64::from(rung.target_duration) > longest.ceil() + 1.0 {
        return Err(wrong(format!(
            "chunk {chunk}, rung {name}: its target duration"
        )));
    }
    for segment in &rung.segments {
        let seconds = segment.duration_seconds;
        if !(seconds.is_finite() && seconds > 0.0 && seconds <= longest) || segment.bytes == 0 {
            return Err(wrong(format!(
                "chunk {chunk}: {} lasts {seconds} s in {} bytes",
                segment.file, segment.bytes
            )));
        }
    }
    Ok(())
}

/// Rung `i`'s `CODECS`: the chunks' (those with segments) share the picture's; the sound's is
/// there when any chunk had sound (one whose part of the sound track could not be decoded says
/// none, yet its segments carry the track).
fn rung_codecs(chunks: &[ChunkFacts], i: usize) -> Result<String, MediaError> {
    let mut chosen: Option<&str> = None;
    for part in chunks.iter().filter_map(|c| c.rungs.get(i)) {
        if part.segments.is_empty() {
            continue;
        }
        let codecs = part.codecs.as_str();
        let picture = |c: &str| c.split(',').next().unwrap_or_default().to_owned();
        match chosen {
            Some(known) if picture(known) != picture(codecs) => {
                return Err(wrong(format!("the rung {} changes codec", part.name)));
            }
            Some(known) if known.len() >= codecs.len() => {}
            _ => chosen = Some(codecs),
        }
    }
    chosen
        .map(str::to_owned)
        .ok_or_else(|| wrong("a rung has no segments".to_owned()))
}

/// `<rung>_<digits>.ts` → the number.
fn segment_number(rung: &str, file: &str) -> Option<u64> {
    let digits = file
        .strip_prefix(rung)?
        .strip_prefix('_')?
        .strip_suffix(".ts")?;
    if digits.is_empty() || digits.len() > 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Non-empty, at most `longest` characters, every one `allowed`.
fn plain(text: &str, longest: usize, allowed: impl Fn(char) -> bool) -> bool {
    !text.is_empty() && text.len() <= longest && text.chars().all(allowed)
}

/// A VOD media playlist as FFmpeg's HLS muxer writes one with our options (version 6 for
/// `independent_segments`), numbered from 0; a discontinuity before each segment whose place
/// is in `breaks`.
fn media_playlist(target_duration: u32, segments: &[&ChunkSegment], breaks: &[usize]) -> String {
    let mut text = format!(
        "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:{target_duration}\n\
         #EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT-SEGMENTS\n"
    );
    for (place, segment) in segments.iter().enumerate() {
        if breaks.contains(&place) {
            text.push_str("#EXT-X-DISCONTINUITY\n");
        }
        let _ = writeln!(text, "#EXTINF:{:.6},", segment.duration_seconds);
        let _ = writeln!(text, "{}", segment.file);
    }
    text.push_str("#EXT-X-ENDLIST\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(file: &str, duration_seconds: f64) -> ChunkSegment {
        ChunkSegment {
            file: file.to_owned(),
            duration_seconds,
            bytes: 1000,
        }
    }

    fn chunk(index: u32, first_segment: u32, segments: usize) -> ChunkFacts {
        let rung = |name: &str, width: u32, height: u32| ChunkRung {
            name: name.to_owned(),
            width: Some(width),
            height: Some(height),
            codecs: "avc1.64001e,mp4a.40.2".to_owned(),
            target_duration: 6,
            segments: (0..segments)
                .map(|k| {
                    let number = first_segment as usize + k;
                    segment(&format!("{name}_{number:05}.ts"), 6.006)
                })
                .collect(),
        };
        ChunkFacts {
            index,
            probe: serde_json::json!({}),
            frame_rate: Some(30000.0 / 1001.0),
            interlaced: false,
            damaged_packets: 0,
            download_rung: 1,
            rungs: vec![rung("360p", 640, 360), rung("240p", 426, 240)],
        }
    }

    #[test]
    fn chunks_that_fit_together_pass() {
        let chunks = [chunk(0, 0, 4), chunk(1, 4, 4), chunk(2, 8, 0)];
        let ladder = check(&chunks, &VideoSettings::default()).unwrap();
        assert_eq!(ladder.codecs, ["avc1.64001e,mp4a.40.2"; 2]);
    }

    #[test]
    fn facts_that_do_not_fit_are_refused() {
        let settings = VideoSettings::default();
        let refused = |chunks: &[ChunkFacts]| check(chunks, &settings).is_err();
        assert!(refused(&[]));
        assert!(refused(&[chunk(1, 0, 4)]), "out of place");
        assert!(refused(&[chunk(0, 0, 0)]), "no segment at all");
        assert!(
            refused(&[chunk(0, 0, 4), chunk(1, 2, 4)]),
            "overlapping numbers"
        );
        let mut traversal = chunk(0, 0, 1);
        traversal.rungs[0].segments[0].file = "../360p_00000.ts".to_owned();
        assert!(refused(&[traversal]));
        let mut named = chunk(0, 0, 1);
        named.rungs[0].name = "360p/..".to_owned();
        assert!(refused(&[named]));
        let mut long = chunk(0, 0, 1);
        long.rungs[1].segments[0].duration_seconds = 25.0;
        assert!(refused(&[long]));
        let mut endless = chunk(0, 0, 1);
        endless.rungs[1].segments[0].duration_seconds = f64::NAN;
        assert!(refused(&[endless]));
        let mut quoted = chunk(0, 0, 1);
        quoted.rungs[0].codecs = "avc1\"\n#EXT".to_owned();
        assert!(refused(&[quoted]));
        let mut other = chunk(1, 4, 4);
        other.rungs[1].height = Some(480);
        assert!(refused(&[chunk(0, 0, 4), other]));
        let mut changed = chunk(1, 4, 4);
        changed.rungs[0].codecs = "avc1.640028,mp4a.40.2".to_owned();
        assert!(refused(&[chunk(0, 0, 4), changed]));
        assert!(
            refused(&[chunk(0, 0, 4), chunk(1, 4, 0), chunk(2, 8, 4)]),
            "a hole between chunks"
        );
        assert!(check(&[chunk(0, 0, 4), chunk(1, 4, 0), chunk(2, 8, 0)], &settings).is_ok());
    }

    #[test]
    fn a_chunk_without_sound_does_not_take_it_from_the_rung() {
        let mut silent = chunk(1, 4, 4);
        for rung in &mut silent.rungs {
            rung.codecs = "avc1.64001e".to_owned();
        }
        let chunks = [silent.clone(), chunk(1, 4, 4)];
        assert_eq!(rung_codecs(&chunks, 0).unwrap(), "avc1.64001e,mp4a.40.2");
        assert_eq!(rung_codecs(&[silent], 0).unwrap(), "avc1.64001e");
    }

    #[test]
    fn playlists_are_written_as_the_muxer_writes_them() {
        let a = segment("360p_00000.ts", 6.006);
        let b = segment("360p_00001.ts", 1.968633);
        assert_eq!(
            media_playlist(6, &[&a, &b], &[]),
            "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:0\n\
             #EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXTINF:6.006000,\n\
             360p_00000.ts\n#EXTINF:1.968633,\n360p_00001.ts\n#EXT-X-ENDLIST\n"
        );
        // A live replay's second publish follows a discontinuity.
        assert!(
            media_playlist(6, &[&a, &b], &[1])
                .contains("360p_00000.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:1.968633,")
        );
        assert_eq!(segment_number("360p", "360p_00012.ts"), Some(12));
        assert_eq!(segment_number("360p", "360p_.ts"), None);
        assert_eq!(segment_number("360p", "360p_1e3.ts"), None);
        assert_eq!(segment_number("360p", "240p_00012.ts"), None);
    }
}
