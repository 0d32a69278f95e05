//! How a notices use case fails: each case is one that a caller answers differently (the API
//! with its status and code, a page with its message). A database failure is an error, never
//! an empty list.

use chrono::NaiveDate;
use vocweek_db::DbError;

/// Why notices were not read, marked or sent.
#[derive(Debug, thiserror::Error)]
pub enum NoticeError {
    /// Notices are a unit's own: staff and partners have none.
    #[error("notices belong to units: sign in with the unit's upload token")]
    NotAUnit,
    /// Only the provincial desks remind units.
    #[error("only the provincial desks remind units")]
    NotStaff,
    /// An editor account without a desk reminds no unit rather than every unit.
    #[error("this account has no desk; an administrator must assign one")]
    NoDesk,
    /// The unit has no such notice (another unit's is answered the same).
    #[error("notice not found")]
    NotFound,
    /// Today (Beijing) is not a day of the active campaign's week: there is nothing to send
    /// daily.
    #[error("{0} is not a day of the active campaign's week")]
    NotACampaignDay(NaiveDate),
    #[error(transparent)]
    Database(#[from] DbError),
}
