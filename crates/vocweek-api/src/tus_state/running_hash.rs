//! BLAKE3 of the uploads in progress on this node, carried from one PATCH to the next while
//! their bytes arrive here in order, so the last PATCH does not re-read a 4 GB file. A PATCH on
//! another node, after a restart or after a discarded chunk finds nothing for its offset, and
//! the hash is then made by re-reading the complete file: correct either way, only slower.

use std::collections::HashMap;
use std::sync::Mutex;

/// More uploads in progress at once than any campaign has: past it, new ones are not cached.
const MAX_TRACKED: usize = 10_000;

#[derive(Debug, Default)]
pub struct RunningHashes {
    by_upload: Mutex<HashMap<String, (u64, blake3::Hasher)>>,
}

impl RunningHashes {
    /// The hash of the upload's first `offset` bytes, if this node has it (always, at 0).
    pub fn take(&self, id: &str, offset: u64) -> Option<blake3::Hasher> {
        if offset == 0 {
            return Some(blake3::Hasher::new());
        }
        let mut map = self.by_upload.lock().ok()?;
        match map.remove(id) {
            Some((at, hasher)) if at == offset => Some(hasher),
            _ => None,
        }
    }

    /// Keeps the hash of the upload's first `offset` bytes for its next PATCH.
    pub fn keep(&self, id: &str, offset: u64, hasher: blake3::Hasher) {
        if let Ok(mut map) = self.by_upload.lock()
            && (map.len() < MAX_TRACKED || map.contains_key(id))
        {
            map.insert(id.to_owned(), (offset, hasher));
        }
    }

    /// The finished upload's BLAKE3 (hex), if this node saw all of its `length` bytes.
    pub fn finished(&self, id: &str, length: u64) -> Option<String> {
        self.take(id, length)
            .map(|hasher| hasher.finalize().to_hex().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_continues_only_from_its_own_offset() {
        let hashes = RunningHashes::default();
        let mut hasher = hashes.take("u", 0).unwrap();
        hasher.update(b"hello ");
        hashes.keep("u", 6, hasher);
        assert!(hashes.take("u", 3).is_none(), "another offset: start over");
        assert!(hashes.take("u", 6).is_none(), "a miss forgets the entry");

        let mut hasher = hashes.take("v", 0).unwrap();
        hasher.update(b"hello ");
        hashes.keep("v", 6, hasher);
        let mut hasher = hashes.take("v", 6).unwrap();
        hasher.update(b"world");
        hashes.keep("v", 11, hasher);
        assert_eq!(
            hashes.finished("v", 11).unwrap(),
            blake3::hash(b"hello world").to_hex().to_string()
        );
    }
}
