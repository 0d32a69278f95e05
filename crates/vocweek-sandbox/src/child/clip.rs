//! A clip in the child: the stretch of the item's original an editor marked, cut into
//! `clip.mp4` (whole GOPs copied, the edges encoded again).

use std::path::Path;

use vocweek_media::MediaError;
use vocweek_media::video::{VideoSettings, cut_clip};

use super::output::Reporter;
use crate::protocol::{Done, Message};

/// The clip's file in `out_dir`.
const CLIP_FILE: &str = "clip.mp4";

pub fn run_clip(
    input: &Path,
    out_dir: &Path,
    settings: &VideoSettings,
    from_seconds: f64,
    to_seconds: f64,
    reporter: &Reporter,
) -> Result<Done, MediaError> {
    // The time limit is the clip's length (the parent keeps it finite and bounded): the cut
    // reads about that much of the source and encodes at most two partial GOPs.
    reporter.send(&Message::Probed {
        declared_duration_seconds: Some((to_seconds - from_seconds).max(0.0)),
    });
    let facts = cut_clip(
        input,
        from_seconds,
        to_seconds,
        &out_dir.join(CLIP_FILE),
        settings,
    )?;
    Ok(Done::Clip {
        facts,
        file: CLIP_FILE.to_owned(),
    })
}
