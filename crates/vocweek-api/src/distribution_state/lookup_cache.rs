//! A few seconds of memory for what every `/media` request looks up: who a partner key is, and
//! where an approved item's file is stored. A player fetching HLS segments or a download
//! manager fetching ranges asks the same questions many times a second; each answer costs 2–4
//! database queries (measured: a fifth of the server's CPU under the media benchmark). The
//! price is that a revoked key, or an item taken back from publication, is still served by a
//! node for up to `partners.media_cache_seconds` (0 turns the cache off).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries kept at most; when full, expired ones go first, then everything.
const CAPACITY: usize = 50_000;

pub struct LookupCache<K, V> {
    ttl: Duration,
    entries: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash, V: Clone> LookupCache<K, V> {
    pub fn new(ttl: Duration) -> Self {
        LookupCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub fn get(&self, key: &K) -> Option<V> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.lock().ok()?;
        entries
            .get(key)
            .filter(|(stored, _)| stored.elapsed() < self.ttl)
            .map(|(_, value)| value.clone())
    }

    /// Drops every entry whose value fails `keep`.
    pub fn retain(&self, keep: impl Fn(&V) -> bool) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|_, (_, value)| keep(value));
        }
    }

    pub fn insert(&self, key: K, value: V) {
        if self.ttl.is_zero() {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= CAPACITY {
            entries.retain(|_, (stored, _)| stored.elapsed() < self.ttl);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(key, (Instant::now(), value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_zero_turns_it_off() {
        let cache = LookupCache::new(Duration::from_millis(50));
        cache.insert("a", 1);
        assert_eq!(cache.get(&"a"), Some(1));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(cache.get(&"a"), None);
        let off = LookupCache::new(Duration::ZERO);
        off.insert("a", 1);
        assert_eq!(off.get(&"a"), None);
    }
}
