//! How the daily brief fails: each case one a caller answers differently.

use chrono::NaiveDate;
use vocweek_db::DbError;
use vocweek_domain::DomainError;
use vocweek_pipeline::word::WordError;

/// Why no brief was written.
#[derive(Debug, thiserror::Error)]
pub enum BriefError {
    /// Units and partners read no brief.
    #[error("only editors and admins download the daily brief")]
    NotStaff,
    /// An editor account without a desk reaches nothing.
    #[error("this editor account has no desk; an admin must give it one")]
    NoDesk,
    /// The day is not a date (`YYYY-MM-DD`).
    #[error(transparent)]
    Day(DomainError),
    /// A date outside the active campaign's week.
    #[error("day: {day} is not a day of the week ({starts_on} to {ends_on})")]
    NotACampaignDay {
        day: NaiveDate,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
    },
    /// A day of the week still to come: nothing to brief yet (every unit would show as
    /// silent).
    #[error("day: {day} has not come yet (today is {today} in Beijing)")]
    NotYet { day: NaiveDate, today: NaiveDate },
    /// Writing the document failed.
    #[error("writing the brief failed: {0}")]
    Document(#[from] WordError),
    #[error(transparent)]
    Database(#[from] DbError),
}
