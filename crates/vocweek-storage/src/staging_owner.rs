//! Which process owns a staging entry, so that what a killed process left behind (an upload
//! it was receiving, a media child's scratch directory) is removed, and nothing of a live one.
//!
//! Each process that writes to a staging directory holds an exclusive `flock` on
//! `.owners/<its id>.lock` there for its whole life and puts its id in every entry's name
//! (`upload-<id>-<uuid>.part`, `media-<id>-<uuid>`). The kernel releases the lock however the
//! process ends, `kill -9` included: an entry whose owner's lock can be taken is an orphan.
//! This holds across nodes that share the directory (the Docker setup's staging volume).

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, SystemTime};

use nix::fcntl::{Flock, FlockArg};

use crate::StorageError;

const OWNERS: &str = ".owners";
/// Entries of processes that never claimed the directory, and entries named before owners
/// existed, are removed only when this old.
const UNOWNED_AFTER: Duration = Duration::from_secs(24 * 3600);
/// The prefixes of staging entries that carry an owner.
const PREFIXES: [&str; 2] = ["upload-", "media-"];

static PROCESS_ID: LazyLock<String> = LazyLock::new(|| uuid::Uuid::now_v7().simple().to_string());
static HELD: Mutex<Vec<(PathBuf, Flock<File>)>> = Mutex::new(Vec::new());

/// This process's owner id (32 hex digits).
pub fn owner_id() -> &'static str {
    &PROCESS_ID
}

/// A new entry name: `<prefix>-<owner>-<uuid><suffix>`.
pub fn entry_name(prefix: &str, suffix: &str) -> String {
    format!("{prefix}-{}-{}{suffix}", owner_id(), uuid::Uuid::now_v7())
}

/// Makes this process the live owner of its entries in `dir` (idempotent).
pub fn claim(dir: &Path) -> Result<(), StorageError> {
    let mut held = HELD
        .lock()
        .map_err(|_| StorageError::Config("the staging owner lock is poisoned".to_owned()))?;
    if held.iter().any(|(claimed, _)| claimed == dir) {
        return Ok(());
    }
    let owners = dir.join(OWNERS);
    std::fs::create_dir_all(&owners).map_err(|e| StorageError::io(&owners, e))?;
    let path = owners.join(format!("{}.lock", owner_id()));
    let file = File::create(&path).map_err(|e| StorageError::io(&path, e))?;
    let lock = Flock::lock(file, FlockArg::LockExclusiveNonblock)
        .map_err(|(_, errno)| StorageError::io(&path, std::io::Error::from(errno)))?;
    held.push((dir.to_path_buf(), lock));
    Ok(())
}

/// Removes the entries of owners that are gone; returns how many entries it removed.
pub fn sweep_orphans(dir: &Path) -> Result<usize, StorageError> {
    let entries = std::fs::read_dir(dir).map_err(|e| StorageError::io(dir, e))?;
    let mut by_owner: BTreeMap<Option<String>, Vec<PathBuf>> = BTreeMap::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(rest) = PREFIXES.iter().find_map(|p| name.strip_prefix(p)) {
            let owner = rest
                .split_once('-')
                .map(|(owner, _)| owner)
                .filter(|o| o.len() == 32 && o.bytes().all(|b| b.is_ascii_hexdigit()))
                .map(str::to_owned);
            by_owner.entry(owner).or_default().push(entry.path());
        }
    }
    let mut removed = 0;
    for (owner, paths) in by_owner {
        match owner {
            Some(owner) if owner == owner_id() => {}
            Some(owner) => {
                let lock_path = dir.join(OWNERS).join(format!("{owner}.lock"));
                match File::open(&lock_path) {
                    Ok(file) => {
                        // Held: the owner lives. Taken: it is gone, and so are its entries.
                        if let Ok(lock) = Flock::lock(file, FlockArg::LockExclusiveNonblock) {
                            removed += remove_all(&paths);
                            let _ = std::fs::remove_file(&lock_path);
                            drop(lock);
                        }
                    }
                    Err(_) => removed += remove_all(&old(&paths)),
                }
            }
            None => removed += remove_all(&old(&paths)),
        }
    }
    forget_dead_owners(dir);
    Ok(removed)
}

/// Lock files of owners that are gone and left no entries.
fn forget_dead_owners(dir: &Path) {
    let Ok(locks) = std::fs::read_dir(dir.join(OWNERS)) else {
        return;
    };
    for lock_file in locks.flatten() {
        let path = lock_file.path();
        if path.file_stem().and_then(|s| s.to_str()) == Some(owner_id()) {
            continue;
        }
        if let Ok(file) = File::open(&path)
            && let Ok(lock) = Flock::lock(file, FlockArg::LockExclusiveNonblock)
        {
            let _ = std::fs::remove_file(&path);
            drop(lock);
        }
    }
}

fn old(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .filter(|path| {
            std::fs::symlink_metadata(path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|at| SystemTime::now().duration_since(at).ok())
                .is_some_and(|age| age > UNOWNED_AFTER)
        })
        .cloned()
        .collect()
}

fn remove_all(paths: &[PathBuf]) -> usize {
    paths
        .iter()
        .filter(|path| {
            let removed = if path.is_dir() {
                std::fs::remove_dir_all(path)
            } else {
                std::fs::remove_file(path)
            };
            removed.is_ok()
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dead_owners_entries_go_and_a_live_owners_stay() {
        let dir = std::env::temp_dir().join(format!("vocweek-owners-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(dir.join(OWNERS)).unwrap();
        claim(&dir).unwrap();
        let mine = dir.join(entry_name("upload", ".part"));
        std::fs::write(&mine, b"mine").unwrap();
        // A dead owner: its lock file exists and nobody holds it.
        let dead = "0".repeat(32);
        std::fs::write(dir.join(OWNERS).join(format!("{dead}.lock")), b"").unwrap();
        let orphan = dir.join(format!("upload-{dead}-x.part"));
        std::fs::write(&orphan, b"orphan").unwrap();
        let scratch = dir.join(format!("media-{dead}-y"));
        std::fs::create_dir_all(&scratch).unwrap();
        std::fs::write(scratch.join("thumb.webp"), b"x").unwrap();
        // A live owner: another open file description holds its lock.
        let live = "1".repeat(32);
        let live_lock = dir.join(OWNERS).join(format!("{live}.lock"));
        let held = Flock::lock(
            File::create(&live_lock).unwrap(),
            FlockArg::LockExclusiveNonblock,
        )
        .unwrap();
        let alive = dir.join(format!("upload-{live}-z.part"));
        std::fs::write(&alive, b"alive").unwrap();
        // Unowned and new: kept.
        let unowned = dir.join("upload-legacy.part");
        std::fs::write(&unowned, b"legacy").unwrap();

        assert_eq!(sweep_orphans(&dir).unwrap(), 2);
        assert!(mine.exists() && alive.exists() && unowned.exists());
        assert!(!orphan.exists() && !scratch.exists());
        assert!(!dir.join(OWNERS).join(format!("{dead}.lock")).exists());
        assert!(live_lock.exists());
        drop(held);
        assert_eq!(sweep_orphans(&dir).unwrap(), 1);
        assert!(!alive.exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
