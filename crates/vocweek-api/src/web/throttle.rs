//! Failed sign-ins are throttled per username: after `MAX_FAILURES` within the window, the
//! account is locked for a while (password guessing gets a few tries an hour, not thousands).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const MAX_FAILURES: u32 = 5;
const WINDOW: Duration = Duration::from_secs(10 * 60);
const LOCKOUT: Duration = Duration::from_secs(5 * 60);

#[derive(Default)]
pub struct SignInThrottle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl SignInThrottle {
    /// Seconds until `username` may try again, when it is locked.
    pub fn locked_for(&self, username: &str) -> Option<u64> {
        let map = self.failures.lock().ok()?;
        let (count, since) = map.get(&username.trim().to_lowercase())?;
        let elapsed = since.elapsed();
        (*count >= MAX_FAILURES && elapsed < LOCKOUT).then(|| (LOCKOUT - elapsed).as_secs().max(1))
    }

    pub fn failed(&self, username: &str) {
        if let Ok(mut map) = self.failures.lock() {
            let entry = map
                .entry(username.trim().to_lowercase())
                .or_insert((0, Instant::now()));
            if entry.1.elapsed() > WINDOW {
                *entry = (0, Instant::now());
            }
            entry.0 += 1;
            entry.1 = Instant::now();
        }
    }

    pub fn succeeded(&self, username: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&username.trim().to_lowercase());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_the_account() {
        let throttle = SignInThrottle::default();
        for _ in 0..4 {
            throttle.failed("Editor");
        }
        assert!(throttle.locked_for("editor").is_none());
        throttle.failed("editor");
        assert!(throttle.locked_for("EDITOR").is_some());
        throttle.succeeded("editor");
        assert!(throttle.locked_for("editor").is_none());
    }
}
