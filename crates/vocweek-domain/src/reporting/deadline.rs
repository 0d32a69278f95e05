//! Deadlines are days in Asia/Shanghai: "by 2021-06-02" is met by anything sent before midnight
//! at the end of 2021-06-02, Beijing time; from 00:00 on the 3rd it is late.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub due_on: NaiveDate,
}

impl Deadline {
    pub fn new(due_on: NaiveDate) -> Self {
        Deadline { due_on }
    }

    /// The first instant that is late (the end of time for a date at chrono's limit).
    pub fn closes_at(self) -> DateTime<Utc> {
        self.due_on
            .succ_opt()
            .map(beijing_day_start)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    pub fn is_late(self, at: DateTime<Utc>) -> bool {
        at >= self.closes_at()
    }
}

/// Midnight at the start of `day` in Beijing, as UTC (China has no daylight saving time).
pub fn beijing_day_start(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    Shanghai
        .from_local_datetime(&midnight)
        .single()
        .map(|local| local.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight) - Duration::hours(8))
}

/// Every day from `starts_on` to `ends_on`, both included.
pub fn campaign_days(starts_on: NaiveDate, ends_on: NaiveDate) -> Vec<NaiveDate> {
    starts_on
        .iter_days()
        .take_while(|day| *day <= ends_on)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_due_day_ends_at_beijing_midnight() {
        let deadline = Deadline::new(NaiveDate::from_ymd_opt(2021, 6, 2).unwrap());
        assert_eq!(deadline.closes_at(), at("2021-06-02T16:00:00Z"));
        assert!(!deadline.is_late(at("2021-06-02T23:59:59+08:00")));
        assert!(deadline.is_late(at("2021-06-03T00:00:00+08:00")));
        // 20:00 UTC on the 2nd is already the 3rd in Beijing.
        assert!(deadline.is_late(at("2021-06-02T20:00:00Z")));
    }

    #[test]
    fn the_2021_week_has_seven_days() {
        let days = campaign_days(
            NaiveDate::from_ymd_opt(2021, 5, 22).unwrap(),
            NaiveDate::from_ymd_opt(2021, 5, 28).unwrap(),
        );
        assert_eq!(days.len(), 7);
        assert_eq!(beijing_day_start(days[0]), at("2021-05-21T16:00:00Z"));
    }
}
