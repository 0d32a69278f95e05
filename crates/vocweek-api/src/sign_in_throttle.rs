//! Failed sign-ins are throttled per username: after `MAX_FAILURES` within the window, the
//! account is locked for a while (password guessing gets a few tries an hour, not thousands).
//!
//! An attempt is counted when it *starts* ([`SignInThrottle::begin`]), so thirty guesses sent
//! at once get five verifications, not thirty. Usernames are kept as a 32-byte hash and stale
//! entries are pruned, with a hard cap: unauthenticated requests cannot grow the map with
//! what they send.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const MAX_FAILURES: u32 = 5;
const WINDOW: Duration = Duration::from_secs(10 * 60);
const LOCKOUT: Duration = Duration::from_secs(5 * 60);
/// Usernames tracked at once. Past it, entries with no lockout running are dropped first;
/// a flood of names can at worst shorten others' lockouts, never grow memory.
const MAX_TRACKED: usize = 10_000;

type Key = [u8; 32];

#[derive(Debug, Clone, Copy)]
struct Tries {
    failures: u32,
    in_flight: u32,
    last: Instant,
}

#[derive(Default)]
pub struct SignInThrottle {
    tries: Mutex<HashMap<Key, Tries>>,
}

/// A sign-in attempt under way; say how it ended with [`SignInThrottle::finish`].
#[must_use]
pub struct Attempt {
    key: Key,
}

/// What a unit person's sign-ins are throttled under: their own name space, so that guesses at
/// a unit person's password do not lock out a member of staff of the same username, nor the
/// reverse.
pub fn unit_person_key(username: &str) -> String {
    format!("unit person {}", username.trim())
}

fn key(username: &str) -> Key {
    *blake3::hash(username.trim().to_lowercase().as_bytes()).as_bytes()
}

impl Tries {
    fn locked_for(&self, now: Instant) -> Option<u64> {
        let elapsed = now.saturating_duration_since(self.last);
        (self.failures + self.in_flight >= MAX_FAILURES && elapsed < LOCKOUT)
            .then(|| (LOCKOUT - elapsed).as_secs().max(1))
    }
}

impl SignInThrottle {
    /// Starts an attempt for `username`, or the seconds until it may try again.
    pub fn begin(&self, username: &str) -> Result<Attempt, u64> {
        let key = key(username);
        let now = Instant::now();
        let Ok(mut map) = self.tries.lock() else {
            return Ok(Attempt { key });
        };
        if !map.contains_key(&key) && map.len() >= MAX_TRACKED {
            prune(&mut map, now);
        }
        let tries = map.entry(key).or_insert(Tries {
            failures: 0,
            in_flight: 0,
            last: now,
        });
        if tries.in_flight == 0 && now.saturating_duration_since(tries.last) > WINDOW {
            tries.failures = 0;
        }
        if let Some(seconds) = tries.locked_for(now) {
            return Err(seconds);
        }
        tries.in_flight += 1;
        tries.last = now;
        Ok(Attempt { key })
    }

    /// Ends an attempt: a success forgets the username's failures, a wrong password counts,
    /// an attempt that could not be checked (`None`: the database was down) does not.
    pub fn finish(&self, attempt: Attempt, succeeded: Option<bool>) {
        let Ok(mut map) = self.tries.lock() else {
            return;
        };
        if succeeded == Some(true) {
            map.remove(&attempt.key);
            return;
        }
        if let Some(tries) = map.get_mut(&attempt.key) {
            tries.in_flight = tries.in_flight.saturating_sub(1);
            if succeeded == Some(false) {
                tries.failures += 1;
                tries.last = Instant::now();
            }
        }
    }

    /// Usernames tracked now (for tests).
    pub fn tracked(&self) -> usize {
        self.tries.lock().map_or(0, |map| map.len())
    }
}

/// Drops entries past their window, then, if still full, those not locked out.
fn prune(map: &mut HashMap<Key, Tries>, now: Instant) {
    map.retain(|_, tries| {
        tries.in_flight > 0 || now.saturating_duration_since(tries.last) <= WINDOW
    });
    if map.len() >= MAX_TRACKED {
        map.retain(|_, tries| tries.in_flight > 0 || tries.locked_for(now).is_some());
    }
    if map.len() >= MAX_TRACKED {
        map.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_the_account() {
        let throttle = SignInThrottle::default();
        for _ in 0..5 {
            let attempt = throttle.begin("Editor").unwrap();
            throttle.finish(attempt, Some(false));
        }
        assert!(throttle.begin("EDITOR").is_err());
        assert!(throttle.begin("someone else").is_ok());
    }

    #[test]
    fn a_success_clears_the_failures() {
        let throttle = SignInThrottle::default();
        for _ in 0..4 {
            let attempt = throttle.begin("editor").unwrap();
            throttle.finish(attempt, Some(false));
        }
        let attempt = throttle.begin("editor").unwrap();
        throttle.finish(attempt, Some(true));
        for _ in 0..4 {
            let attempt = throttle.begin("editor").unwrap();
            throttle.finish(attempt, Some(false));
        }
        assert!(throttle.begin("editor").is_ok());
    }

    #[test]
    fn concurrent_guesses_are_counted_before_they_are_verified() {
        let throttle = SignInThrottle::default();
        // Thirty guesses arrive at once: only five get to verify.
        let started: Vec<_> = (0..30)
            .filter_map(|_| throttle.begin("admin").ok())
            .collect();
        assert_eq!(started.len(), 5);
        for attempt in started {
            throttle.finish(attempt, Some(false));
        }
        assert!(throttle.begin("admin").is_err());
    }

    #[test]
    fn a_flood_of_usernames_does_not_grow_without_bound() {
        let throttle = SignInThrottle::default();
        let long = "x".repeat(64 * 1024);
        for index in 0..(MAX_TRACKED + 500) {
            let attempt = throttle.begin(&format!("{long}{index}")).unwrap();
            throttle.finish(attempt, Some(false));
        }
        assert!(throttle.tracked() <= MAX_TRACKED, "{}", throttle.tracked());
    }
}
