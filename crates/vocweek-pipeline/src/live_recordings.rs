//! Where a finished publish's recording (`vocweek_media::video::RECORDING_FILE`) waits for the
//! event's replay: in the staging directory, named for the event and for the first and last
//! top-rung segment it covers (`media-<owner>-live-<event>-<first>-<last>.mp4`). The replay
//! takes it as its MP4 download when its one publish is exactly those segments, and removes
//! every recording of the event whatever it did.
//!
//! The name carries this process's owner id, as a media child's scratch directory does
//! (`staging_owner`): a node that dies between the end of a publish and its replay leaves a
//! recording the staging sweep removes, and the replay is then remuxed from the segments.

use std::path::{Path, PathBuf};
use std::time::Duration;

use vocweek_storage::staging_owner::owner_id;

/// The name's owner prefix, as the staging sweep reads it.
const PREFIX: &str = "media-";

/// The top-rung segments a recording covers, numbered as stored (the event's numbering).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Covered {
    pub first: i64,
    pub last: i64,
}

/// What follows the owner id in a recording's name.
fn tail(event_id: &str, covered: Covered) -> String {
    format!("-live-{event_id}-{}-{}.mp4", covered.first, covered.last)
}

/// Where this process keeps the recording of `event_id` covering `covered`.
pub fn recording_path(staging: &Path, event_id: &str, covered: Covered) -> PathBuf {
    staging.join(format!("{PREFIX}{}{}", owner_id(), tail(event_id, covered)))
}

/// The recording of `event_id` covering exactly `covered`, kept by any process sharing
/// `staging`.
pub fn find_recording(staging: &Path, event_id: &str, covered: Covered) -> Option<PathBuf> {
    let tail = tail(event_id, covered);
    entries(staging, |name| name.ends_with(&tail))
        .into_iter()
        .next()
}

/// Removes every recording of `event_id`; answers how many went.
pub fn remove_recordings(staging: &Path, event_id: &str) -> usize {
    let marker = format!("-live-{event_id}-");
    entries(staging, |name| {
        name.contains(&marker) && name.ends_with(".mp4")
    })
    .into_iter()
    .filter(|path| std::fs::remove_file(path).is_ok())
    .count()
}

/// Removes the recordings untouched for `older_than`; answers how many went. A recording
/// normally waits seconds for its replay, which removes it; one renamed after its replay had
/// already run (a transcode that needed longer than the end of the publish allows) would
/// otherwise stay as long as its node runs.
pub fn remove_stale_recordings(staging: &Path, older_than: Duration) -> usize {
    let stale = |path: &PathBuf| {
        std::fs::metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok())
            .is_some_and(|age| age > older_than)
    };
    entries(staging, |name| {
        name.contains("-live-") && name.ends_with(".mp4")
    })
    .into_iter()
    .filter(stale)
    .filter(|path| std::fs::remove_file(path).is_ok())
    .count()
}

/// The staging entries carrying an owner whose name `matches`.
fn entries(staging: &Path, matches: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let Ok(read) = std::fs::read_dir(staging) else {
        return Vec::new();
    };
    read.flatten()
        .filter(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            name.starts_with(PREFIX) && matches(&name)
        })
        .map(|entry| entry.path())
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// A staging directory removed with the test.
    struct Staging(PathBuf);

    impl Staging {
        fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Staging {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn a_recording_is_found_by_its_event_and_segments_only() {
        let dir = std::env::temp_dir().join(format!("vocweek-recordings-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let staging = Staging(dir);
        let covered = Covered {
            first: 3,
            last: 1802,
        };
        let path = recording_path(staging.path(), "ev-1", covered);
        std::fs::write(&path, b"mp4").unwrap();
        let other_event = recording_path(staging.path(), "ev-12", covered);
        std::fs::write(&other_event, b"mp4").unwrap();
        assert_eq!(find_recording(staging.path(), "ev-1", covered), Some(path));
        let shorter = Covered {
            first: 3,
            last: 1801,
        };
        assert_eq!(find_recording(staging.path(), "ev-1", shorter), None);
        assert_eq!(remove_recordings(staging.path(), "ev-1"), 1);
        assert_eq!(find_recording(staging.path(), "ev-1", covered), None);
        assert!(other_event.exists(), "another event's recording stays");
        assert_eq!(
            remove_stale_recordings(staging.path(), Duration::from_secs(3600)),
            0
        );
        assert_eq!(remove_stale_recordings(staging.path(), Duration::ZERO), 1);
        assert!(!other_event.exists(), "a stale recording goes");
        // Swept as any entry of a process that is gone: it carries the owner's id.
        let name = other_event
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            name.starts_with(&format!("media-{}-", owner_id())),
            "{name}"
        );
    }
}
