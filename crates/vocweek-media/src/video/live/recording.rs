//! A publish's recording: the top rendition's pictures and the sound written into one MP4 as
//! they pass, so that the replay's download exists the moment the stream ends. Remuxing an
//! hour of stored segments after the end writes gigabytes, half a minute of disk on a small
//! node; the recording spreads that writing over the hour, and the end only adds its index.
//!
//! It is packet for packet what the top rendition's segments carry (the same packets go to
//! both, `Outputs::write_video`), so the replay trusts it in their place when it covers the
//! same segments, and remuxes from the segments otherwise (a publish cut by a node's death
//! leaves an MP4 with no index, which is never handed on).
//!
//! The MP4 muxer keeps its index in memory until the end: about 48 bytes per picture and per
//! sound frame, some 13 MB an hour at 30 pictures and 47 AAC frames a second (the live child
//! peaked at 151 MiB over an hour in the replay benchmark). Past `MAX_RECORDING_SECONDS`
//! the recording is given up, so a child's memory stays bounded however long a publisher
//! sends; the replay of such a publish is remuxed from its segments.

use std::path::Path;

use crate::MediaError;
use crate::video::outputs::{AudioSource, CopiedAudio, Output, Outputs, Streams};
use crate::video::video_path::VideoPath;

/// The recording's name in the live child's output directory.
pub const RECORDING_FILE: &str = "recording.mp4";

/// The longest publish recorded: longer than any competition's session.
const MAX_RECORDING_SECONDS: f64 = 12.0 * 3600.0;

/// Opens the recording of the top rung of `video` with `audio` in `out_dir`.
pub(super) fn open_recording(
    out_dir: &Path,
    video: &VideoPath,
    audio: Option<&CopiedAudio>,
) -> Result<Output, MediaError> {
    let streams = Streams {
        video: video.video_source(0),
        audio: audio.map(AudioSource::Copy),
    };
    Output::mp4_recording(out_dir.join(RECORDING_FILE), streams)
}

/// Whether a publish that started at `zero` (seconds) and is now at `now` is past what is
/// recorded.
pub(super) fn outlasted(zero: f64, now: f64) -> bool {
    now - zero > MAX_RECORDING_SECONDS
}

/// Gives the recording up: its muxer and what it had written go.
pub(super) fn give_up(outputs: &mut Outputs, out_dir: &Path) {
    if outputs.download.take().is_some() {
        let _ = std::fs::remove_file(out_dir.join(RECORDING_FILE));
    }
}

/// Writes the recording's index: its file name when it is complete, `None` (and no file)
/// when there was none or it could not be finished — the publish's segments are what counts,
/// and they are all written by then.
pub(super) fn close(outputs: &mut Outputs, out_dir: &Path) -> Option<String> {
    let recording = outputs.download.take()?;
    match recording.finish() {
        Ok(_) => Some(RECORDING_FILE.to_owned()),
        Err(err) => {
            eprintln!("media-run: the live recording could not be finished: {err}");
            let _ = std::fs::remove_file(out_dir.join(RECORDING_FILE));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_publish_is_recorded_for_twelve_hours() {
        assert!(!outlasted(5.0, 5.0 + 11.0 * 3600.0));
        assert!(outlasted(5.0, 5.0 + 12.0 * 3600.0 + 1.0));
    }
}
