//! A live channel's publish in the child: the FLV stream read from the FIFO the parent made in
//! the scratch directory, transcoded into HLS renditions there until the publish ends, each
//! segment reported as soon as it is complete so the parent stores and lists it.

use std::path::{Component, Path};

use vocweek_media::MediaError;
use vocweek_media::video::{Control, LiveEvent, VideoSettings, transcode_live};

use super::output::Reporter;
use crate::protocol::{Done, Message};

pub fn run(
    out_dir: &Path,
    settings: &VideoSettings,
    fifo: &str,
    reporter: &Reporter,
) -> Result<Done, MediaError> {
    let fifo = fifo_path(out_dir, fifo)?;
    // Nothing cancels a live transcode from inside: it ends with its stream, or the parent
    // kills it.
    let control = Control::new();
    let mut report = |event: LiveEvent| {
        let message = match event {
            LiveEvent::Ladder(ladder) => Message::LiveLadder { ladder },
            LiveEvent::Segment(segment) => Message::LiveSegment(segment),
        };
        reporter.send(&message);
    };
    let facts = transcode_live(&fifo, out_dir, settings, &control, &mut report)?;
    Ok(Done::Live { facts })
}

/// The FIFO's path: a plain file name in the scratch directory, where the parent made it;
/// anything else (a path elsewhere, `..`) is a broken task, not a stream to open.
fn fifo_path(out_dir: &Path, fifo: &str) -> Result<std::path::PathBuf, MediaError> {
    let mut components = Path::new(fifo).components();
    match (components.next(), components.next()) {
        (Some(Component::Normal(name)), None) => Ok(out_dir.join(name)),
        _ => Err(MediaError::Internal(format!(
            "the live stream's FIFO must be a file name in the scratch directory, not {fifo:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fifo_is_a_name_in_the_scratch_directory() {
        let dir = Path::new("/scratch/live-1");
        assert_eq!(
            fifo_path(dir, "ingest.flv").unwrap(),
            dir.join("ingest.flv")
        );
        for outside in ["../ingest.flv", "/tmp/ingest.flv", "a/b.flv", "", "."] {
            assert!(fifo_path(dir, outside).is_err(), "{outside}");
        }
    }
}
