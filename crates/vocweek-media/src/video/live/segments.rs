//! Knowing when a rendition's segment is complete, to tell the parent at once.
//!
//! The `hls` muxer ends a segment only when a keyframe packet reaches it (the packet that
//! starts the next one): then, within that one write, it writes the finished segment out as
//! `….ts.tmp`, renames it to its name and rewrites the playlist. So a segment can appear only
//! after a keyframe was handed to the muxer, and its final name appears complete (`temp_file`).
//! Not in the same call, though: `av_interleaved_write_frame` holds a packet until every
//! stream of the output has one queued, so a keyframe of the copied rung waits for the next
//! AAC packet (some milliseconds of the stream). So after each keyframe a rendition's next
//! segment name is looked for (one `stat`) after every packet for `WATCH_SECONDS` of the
//! stream, far longer than that wait; the rest of the time, nothing is looked at. Its duration
//! is then read from the end of the muxer's playlist, as written. Re-reading the playlist after
//! every packet instead would read a file that grows with the publish, 80 times a second.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::events::LiveSegment;
use super::renditions::{playlist_file, segment_file};
use crate::MediaError;

/// Seconds of the stream after a keyframe during which its segment is looked for.
const WATCH_SECONDS: f64 = 1.0;
/// The end of the playlist read for a new segment's duration: a few hundred entries.
const PLAYLIST_TAIL_BYTES: u64 = 16 * 1024;

/// One rendition's segments, as they are completed.
pub(super) struct SegmentWatch {
    rung: String,
    dir: PathBuf,
    playlist: PathBuf,
    /// The number of the next segment to report.
    next: u64,
    /// The muxer's keyframe count when last polled.
    keyframes: u64,
    /// Until when (seconds of the stream) the next segment is looked for.
    until: Option<f64>,
}

impl SegmentWatch {
    pub fn new(out_dir: &Path, rung: &str) -> Self {
        let dir = out_dir.join(rung);
        SegmentWatch {
            rung: rung.to_owned(),
            playlist: dir.join(playlist_file(rung)),
            dir,
            next: 0,
            keyframes: 0,
            until: None,
        }
    }

    /// After a packet: `keyframes` is how many the rendition's muxer has been given so far,
    /// `now` the stream's time in seconds. The segments completed since the last report.
    pub fn poll(&mut self, keyframes: u64, now: f64) -> Result<Vec<LiveSegment>, MediaError> {
        if keyframes > self.keyframes {
            self.keyframes = keyframes;
            self.until = Some(now + WATCH_SECONDS);
        }
        match self.until {
            Some(until) => {
                if now > until {
                    self.until = None;
                }
                self.collect()
            }
            None => Ok(Vec::new()),
        }
    }

    /// Every complete segment not yet reported, in order (at the end, the last one the
    /// muxer's trailer wrote).
    pub fn collect(&mut self) -> Result<Vec<LiveSegment>, MediaError> {
        let mut found = Vec::new();
        loop {
            let file = segment_file(&self.rung, self.next);
            if !self.dir.join(&file).exists() {
                return Ok(found);
            }
            let duration_seconds = duration_of(&self.playlist, &file)?;
            found.push(LiveSegment {
                rung: self.rung.clone(),
                file: format!("{}/{file}", self.rung),
                sequence: self.next,
                duration_seconds,
            });
            self.next += 1;
        }
    }
}

/// `file`'s `EXTINF` in the playlist: read from its end, where a new segment is, else whole.
fn duration_of(playlist: &Path, file: &str) -> Result<f64, MediaError> {
    let failed =
        |e: std::io::Error| MediaError::Internal(format!("reading {}: {e}", playlist.display()));
    let mut text = std::fs::File::open(playlist).map_err(failed)?;
    let length = text.metadata().map_err(failed)?.len();
    text.seek(SeekFrom::Start(length.saturating_sub(PLAYLIST_TAIL_BYTES)))
        .map_err(failed)?;
    let mut tail = Vec::new();
    text.read_to_end(&mut tail).map_err(failed)?;
    if let Some(seconds) = duration_in(&String::from_utf8_lossy(&tail), file) {
        return Ok(seconds);
    }
    let whole = std::fs::read_to_string(playlist).map_err(failed)?;
    duration_in(&whole, file)
        .ok_or_else(|| MediaError::Internal(format!("{file} is not in {}", playlist.display())))
}

/// The duration the `#EXTINF` line before `file`'s line gives, in a playlist's text (or its
/// end, which may begin mid-line).
fn duration_in(text: &str, file: &str) -> Option<f64> {
    let mut duration = None;
    for line in text.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("#EXTINF:") {
            duration = rest.split(',').next().and_then(|d| d.trim().parse().ok());
        } else if line == file {
            return duration;
        } else if !line.is_empty() && !line.starts_with('#') {
            duration = None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_s_duration_is_the_extinf_before_it() {
        let text = "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.000000,\n\
                    720p_00000.ts\n#EXTINF:2.033000,\n720p_00001.ts\n";
        assert_eq!(duration_in(text, "720p_00001.ts"), Some(2.033));
        assert_eq!(duration_in(text, "720p_00000.ts"), Some(2.0));
        assert_eq!(duration_in(text, "720p_00002.ts"), None);
        // A tail that begins mid-line, in the first entry's EXTINF: not guessed.
        assert_eq!(
            duration_in("NF:2.000000,\n720p_00000.ts\n", "720p_00000.ts"),
            None
        );
    }

    #[test]
    fn segments_are_reported_once_in_order_only_while_watched() {
        let dir = std::env::temp_dir().join(format!("vocweek-live-watch-{}", std::process::id()));
        let rung = dir.join("360p");
        std::fs::create_dir_all(&rung).unwrap();
        let mut watch = SegmentWatch::new(&dir, "360p");
        std::fs::write(rung.join("360p_00000.ts"), b"ts").unwrap();
        std::fs::write(
            rung.join("360p.m3u8"),
            "#EXTM3U\n#EXTINF:2.000000,\n360p_00000.ts\n",
        )
        .unwrap();
        assert!(watch.poll(0, 0.0).unwrap().is_empty(), "no keyframe yet");
        let found = watch.poll(1, 0.5).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].file, "360p/360p_00000.ts");
        assert_eq!((found[0].sequence, found[0].duration_seconds), (0, 2.0));
        assert!(watch.poll(1, 0.6).unwrap().is_empty(), "reported once");
        assert!(
            watch.poll(1, 1.6).unwrap().is_empty(),
            "a second after the keyframe"
        );
        std::fs::write(rung.join("360p_00001.ts"), b"ts").unwrap();
        std::fs::write(
            rung.join("360p.m3u8"),
            "#EXTM3U\n#EXTINF:2.000000,\n360p_00000.ts\n#EXTINF:1.5,\n360p_00001.ts\n",
        )
        .unwrap();
        assert!(
            watch.poll(1, 2.0).unwrap().is_empty(),
            "no new keyframe, not looked for"
        );
        let last = watch.collect().unwrap();
        assert_eq!((last[0].sequence, last[0].duration_seconds), (1, 1.5));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
