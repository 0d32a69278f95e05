//! Times as the province reads them: Asia/Shanghai, minutes.

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Shanghai;

/// `2026-05-12 09:30` for an instant, in Beijing time.
pub fn beijing(at: DateTime<Utc>) -> String {
    at.with_timezone(&Shanghai)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}
