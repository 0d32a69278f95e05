//! Leaves the output directory as a failed transcode found it: the playlists, segments and
//! download it added are removed (half-written, they would be picked up by a retry's or a
//! caller's listing), and whatever was there before is kept.

use std::collections::HashSet;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

/// The output directory's entries before the transcode.
pub(crate) struct Before {
    dir: PathBuf,
    /// The directory did not exist: the transcode created it, so it goes too (when empty).
    absent: bool,
    /// `None` when an existing directory could not be listed: then nothing is removed, as
    /// nothing can be told apart from what was there.
    names: Option<HashSet<OsString>>,
}

impl Before {
    pub fn note(dir: &Path) -> Self {
        let absent = !dir.exists();
        let names = match std::fs::read_dir(dir) {
            Ok(entries) => Some(
                entries
                    .filter_map(Result::ok)
                    .map(|entry| entry.file_name())
                    .collect(),
            ),
            Err(_) if absent => Some(HashSet::new()),
            Err(_) => None,
        };
        Before {
            dir: dir.to_path_buf(),
            absent,
            names,
        }
    }

    /// Removes every file of the kinds a transcode writes that was not there before. Best
    /// effort: the failure being reported matters more than a leftover it cannot remove.
    pub fn restore(&self) {
        let Some(names) = &self.names else {
            return;
        };
        if let Ok(entries) = std::fs::read_dir(&self.dir) {
            for entry in entries.filter_map(Result::ok) {
                let name = entry.file_name();
                let file = entry.file_type().is_ok_and(|t| t.is_file());
                if file && !names.contains(&name) && written_by_a_transcode(&name) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        if self.absent {
            // Only when empty: something else may have put files there meanwhile.
            let _ = std::fs::remove_dir(&self.dir);
        }
    }
}

/// `master.m3u8`, `<rendition>.m3u8`, `<rendition>_00000.ts`, `download.mp4` or `.m4a`, and
/// the `.tmp` twins a muxer may write first.
fn written_by_a_transcode(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    let name = name.strip_suffix(".tmp").unwrap_or(&*name);
    name.ends_with(".m3u8")
        || name.ends_with(".ts")
        || name == "download.mp4"
        || name == "download.m4a"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_only_what_a_transcode_added() {
        let root = std::env::temp_dir().join(format!("vocweek-cleanup-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let dir = root.join("out");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("notes.txt"), b"kept").unwrap();
        std::fs::write(dir.join("old.m3u8"), b"kept: it was there before").unwrap();
        let before = Before::note(&dir);
        for name in [
            "master.m3u8",
            "360p.m3u8",
            "360p_00000.ts",
            "download.mp4",
            "x.m3u8.tmp",
        ] {
            std::fs::write(dir.join(name), b"new").unwrap();
        }
        std::fs::write(dir.join("someone-else.txt"), b"not ours").unwrap();
        before.restore();
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["notes.txt", "old.m3u8", "someone-else.txt"]);

        // A directory the transcode created is removed with what it wrote.
        let created = root.join("created");
        let before = Before::note(&created);
        std::fs::create_dir_all(&created).unwrap();
        std::fs::write(created.join("audio_00000.ts"), b"new").unwrap();
        before.restore();
        assert!(!created.exists());
        std::fs::remove_dir_all(&root).unwrap();
    }
}
