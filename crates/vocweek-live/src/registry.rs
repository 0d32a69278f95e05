//! Which channels are live on this node: one publisher per channel, at most `max_channels`.
//!
//! A publish holds a `LiveSlot` for as long as it lasts; dropping the slot frees the channel.
//! Because freeing is a drop, a session that panics, is cut off or simply vanishes frees its
//! slot as surely as one that ends cleanly: no path can leave a channel "live" forever.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use crate::Refusal;

/// A live channel's publisher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LivePublisher {
    pub peer: SocketAddr,
    pub since: Instant,
}

#[derive(Debug)]
struct Entry {
    /// Which claim made this entry, so only that claim's slot removes it.
    claim: u64,
    publisher: LivePublisher,
}

type LiveMap = Arc<Mutex<HashMap<String, Entry>>>;

/// The node's live channels.
#[derive(Debug)]
pub struct LiveRegistry {
    max_channels: usize,
    live: LiveMap,
    next_claim: AtomicU64,
}

impl LiveRegistry {
    pub fn new(max_channels: usize) -> Self {
        Self {
            max_channels,
            live: LiveMap::default(),
            next_claim: AtomicU64::new(0),
        }
    }

    /// Makes `channel_id` live with the publisher at `peer`, or says why not.
    pub fn claim(&self, channel_id: &str, peer: SocketAddr) -> Result<LiveSlot, Refusal> {
        let mut live = lock(&self.live);
        // A second encoder on a live channel hears that, even on a full node.
        if live.contains_key(channel_id) {
            return Err(Refusal::AlreadyPublishing);
        }
        if live.len() >= self.max_channels {
            return Err(Refusal::TooManyChannels {
                max: self.max_channels,
            });
        }
        let claim = self.next_claim.fetch_add(1, Ordering::Relaxed);
        let publisher = LivePublisher {
            peer,
            since: Instant::now(),
        };
        live.insert(channel_id.to_owned(), Entry { claim, publisher });
        Ok(LiveSlot {
            live: Arc::clone(&self.live),
            channel_id: channel_id.to_owned(),
            claim,
        })
    }

    pub fn is_live(&self, channel_id: &str) -> bool {
        lock(&self.live).contains_key(channel_id)
    }

    /// The live channels and their publishers, in no particular order.
    pub fn live_channels(&self) -> Vec<(String, LivePublisher)> {
        let live = lock(&self.live);
        live.iter()
            .map(|(id, entry)| (id.clone(), entry.publisher.clone()))
            .collect()
    }

    pub fn live_count(&self) -> usize {
        lock(&self.live).len()
    }
}

/// A channel's place in the registry, held by its publish.
#[derive(Debug)]
pub struct LiveSlot {
    live: LiveMap,
    channel_id: String,
    claim: u64,
}

impl LiveSlot {
    pub fn channel_id(&self) -> &str {
        &self.channel_id
    }
}

impl Drop for LiveSlot {
    fn drop(&mut self) {
        let mut live = lock(&self.live);
        if live
            .get(&self.channel_id)
            .is_some_and(|entry| entry.claim == self.claim)
        {
            live.remove(&self.channel_id);
        }
    }
}

/// The map stays consistent even if a holder panicked: every change under the lock is a single
/// insert or remove. So a poisoned lock is used as it is rather than failing every later
/// publish on the node.
fn lock(live: &Mutex<HashMap<String, Entry>>) -> MutexGuard<'_, HashMap<String, Entry>> {
    live.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 40000))
    }

    #[test]
    fn one_publisher_per_channel() {
        let registry = LiveRegistry::new(4);
        let slot = registry.claim("ch-1", peer()).unwrap();
        assert_eq!(slot.channel_id(), "ch-1");
        assert!(registry.is_live("ch-1"));
        assert_eq!(
            registry.claim("ch-1", peer()).unwrap_err(),
            Refusal::AlreadyPublishing
        );
        drop(slot);
        assert!(!registry.is_live("ch-1"));
        assert!(registry.claim("ch-1", peer()).is_ok());
    }

    #[test]
    fn at_most_max_channels() {
        let registry = LiveRegistry::new(2);
        let _first = registry.claim("ch-1", peer()).unwrap();
        let second = registry.claim("ch-2", peer()).unwrap();
        assert_eq!(
            registry.claim("ch-3", peer()).unwrap_err(),
            Refusal::TooManyChannels { max: 2 }
        );
        // A live channel's second publisher is told that rather than "too many".
        assert_eq!(
            registry.claim("ch-2", peer()).unwrap_err(),
            Refusal::AlreadyPublishing
        );
        assert_eq!(registry.live_count(), 2);
        drop(second);
        assert!(registry.claim("ch-3", peer()).is_ok());
    }

    #[test]
    fn a_panicking_holder_frees_its_channel() {
        let registry = LiveRegistry::new(1);
        let slot = registry.claim("ch-1", peer()).unwrap();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            let _held = slot;
            panic!("session failed");
        }));
        assert!(outcome.is_err());
        assert!(!registry.is_live("ch-1"));
        let channels = registry.live_channels();
        assert!(channels.is_empty());
        let _again = registry.claim("ch-1", peer()).unwrap();
        let channels = registry.live_channels();
        assert_eq!(channels.len(), 1);
        assert_eq!(channels[0].0, "ch-1");
        assert_eq!(channels[0].1.peer, peer());
    }
}
