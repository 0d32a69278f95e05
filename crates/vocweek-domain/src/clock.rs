//! The one source of "now" for what depends on the date: submission times, deadlines, the daily
//! tracker's "today". Tests move it to any instant (a day boundary, the day after a deadline)
//! without waiting or touching the machine's clock.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Asia::Shanghai;

/// The system clock unless a test pinned it; clones share the pin.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    pinned: Arc<RwLock<Option<DateTime<Utc>>>>,
}

impl Clock {
    pub fn system() -> Self {
        Clock::default()
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self.pinned.read() {
            Ok(pinned) => pinned.unwrap_or_else(Utc::now),
            Err(poisoned) => poisoned.into_inner().unwrap_or_else(Utc::now),
        }
    }

    /// Today's date in Asia/Shanghai, where the campaign's days begin at midnight.
    pub fn today_in_shanghai(&self) -> NaiveDate {
        self.now().with_timezone(&Shanghai).date_naive()
    }

    /// Stops the clock at `at` (every clone of this clock sees it); `None` resumes real time.
    pub fn pin(&self, at: Option<DateTime<Utc>>) {
        match self.pinned.write() {
            Ok(mut pinned) => *pinned = at,
            Err(poisoned) => *poisoned.into_inner() = at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pinned_clock_is_shared_by_its_clones_and_reads_beijing_days() {
        let clock = Clock::system();
        let copy = clock.clone();
        let at = DateTime::parse_from_rfc3339("2021-05-22T16:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        clock.pin(Some(at));
        assert_eq!(copy.now(), at);
        // 16:00 UTC is midnight in Beijing: already the 23rd there.
        assert_eq!(copy.today_in_shanghai().to_string(), "2021-05-23");
        clock.pin(None);
        assert!(copy.now() > at);
    }
}
