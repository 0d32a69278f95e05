//! The campaign's clock: people read and type times in Asia/Shanghai; the API stores UTC.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;

use crate::DomainError;

/// An instant as people there read it.
pub fn in_shanghai(at: DateTime<Utc>) -> DateTime<chrono_tz::Tz> {
    at.with_timezone(&Shanghai)
}

/// Today's date in Asia/Shanghai (the default activity date of an upload).
pub fn today_in_shanghai() -> NaiveDate {
    Utc::now().with_timezone(&Shanghai).date_naive()
}

/// A date as `YYYY-MM-DD`.
pub fn parse_date(field: &'static str, value: &str) -> Result<NaiveDate, DomainError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| {
        DomainError::InvalidValue(format!("{field}: '{value}' is not a YYYY-MM-DD date"))
    })
}

/// A timestamp: RFC 3339 with an offset, or a local `YYYY-MM-DD HH:MM[:SS]` / `YYYY-MM-DDTHH:MM[:SS]`
/// read in Asia/Shanghai (what a camera or a person in the province writes).
pub fn parse_timestamp(field: &'static str, value: &str) -> Result<DateTime<Utc>, DomainError> {
    let value = value.trim();
    if let Ok(with_offset) = DateTime::parse_from_rfc3339(value) {
        return Ok(with_offset.with_timezone(&Utc));
    }
    let formats = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ];
    formats
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(value, format).ok())
        .and_then(|local| Shanghai.from_local_datetime(&local).single())
        .map(|local| local.with_timezone(&Utc))
        .ok_or_else(|| {
            DomainError::InvalidValue(format!(
                "{field}: '{value}' is not a time (RFC 3339, or YYYY-MM-DD HH:MM:SS in Beijing time)"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_are_beijing_time() {
        let t = parse_timestamp("captured_at", "2021-05-22 08:30:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2021-05-22T00:30:00+00:00");
        let z = parse_timestamp("captured_at", "2021-05-22T08:30:00+08:00").unwrap();
        assert_eq!(t, z);
        assert!(parse_timestamp("captured_at", "yesterday").is_err());
        assert!(parse_date("activity_date", "2021-02-30").is_err());
        assert_eq!(
            parse_date("activity_date", "2021-05-22")
                .unwrap()
                .to_string(),
            "2021-05-22"
        );
    }
}
