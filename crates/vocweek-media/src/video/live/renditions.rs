//! A live rendition's muxer: libavformat's `hls` muxer writing MPEG-TS segments into the
//! rung's own subdirectory (`720p/720p.m3u8`, `720p/720p_00000.ts`…), the names the files
//! of a video's renditions have, numbered from 0 with no gap.
//!
//! - `hls_time` 2: a segment ends at the first keyframe at least 2 s after the previous end
//!   (counted from the rendition's first packet, the same in every rendition), so a viewer is
//!   a few seconds behind the publisher, not the 6 s segments of a video.
//! - `hls_list_size` 0: the muxer's playlist keeps every segment and is only what the child
//!   reads durations from; the parent owns the sliding window and the DVR playlists.
//! - `temp_file`: each segment is written as `….ts.tmp` and renamed when complete, so the
//!   parent (which stores a segment when told, `LiveEvent::Segment`) and anything else that
//!   looks never sees a half-written one; the playlist is written the same way.
//! - `independent_segments`: every segment starts with a keyframe (all of them do: the muxer
//!   cuts only there) and its playlist says so, as the VOD renditions' do.

use std::path::Path;

use ffmpeg_next as ff;

use crate::MediaError;
use crate::video::outputs::{AudioSource, CopiedAudio, Output, Streams};
use crate::video::video_path::VideoPath;

/// `hls_time`: the shortest segment, in seconds (a segment lasts whole GOPs of the rung).
pub(super) const SEGMENT_SECONDS: &str = "2";

/// A segment's file name in its rung's directory: the muxer's `%05d` pattern.
pub(super) fn segment_file(rung: &str, sequence: u64) -> String {
    format!("{rung}_{sequence:05}.ts")
}

/// The playlist's file name in its rung's directory.
pub(super) fn playlist_file(rung: &str) -> String {
    format!("{rung}.m3u8")
}

/// One live rendition per rung of `video`, each carrying `audio` (the source's AAC) if any.
pub(super) fn open_renditions(
    out_dir: &Path,
    video: &VideoPath,
    audio: Option<&CopiedAudio>,
) -> Result<Vec<Output>, MediaError> {
    let lead = video.hls_lead_seconds();
    video
        .rungs
        .iter()
        .enumerate()
        .map(|(i, rung)| {
            let dir = out_dir.join(&rung.name);
            std::fs::create_dir_all(&dir)
                .map_err(|e| MediaError::Internal(format!("creating {}: {e}", dir.display())))?;
            let streams = Streams {
                video: video.video_source(i),
                audio: audio.map(AudioSource::Copy),
            };
            open_rendition(&dir, &rung.name, lead, streams)
        })
        .collect()
}

/// `lead_seconds` moves every timestamp ahead, as for a video's renditions (`Output::hls`):
/// with a copied top rung, past the deepest reordering, so that libavformat moves no
/// rendition's clock and all keep the same one.
fn open_rendition(
    dir: &Path,
    name: &str,
    lead_seconds: f64,
    streams: Streams<'_>,
) -> Result<Output, MediaError> {
    let segments = dir.join(format!("{name}_%05d.ts"));
    let mut options = ff::Dictionary::new();
    options.set("hls_time", SEGMENT_SECONDS);
    options.set("hls_list_size", "0");
    options.set("start_number", "0");
    options.set("hls_segment_type", "mpegts");
    options.set("hls_flags", "temp_file+independent_segments");
    options.set("hls_segment_filename", &segments.to_string_lossy());
    Output::open(
        dir.join(playlist_file(name)),
        "hls",
        options,
        streams,
        lead_seconds,
    )
}
