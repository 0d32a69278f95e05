//! Campaign reporting: registrations (website, liaison), documents (plan, summary report), the
//! statistics table, and the daily submission counts the tracker reads. Every write is dated by
//! the database's clock, so deadline tests can move time.

mod documents;
mod registrations;
mod statistics;
mod tracker;
mod unit_reports;

pub use crate::records::statistics_report::{StatisticsReport, StatisticsStatus};
pub use crate::records::unit_document::UnitDocument;
pub use crate::records::unit_registration::UnitRegistration;
pub use documents::NewDocument;
pub use statistics::SaveStatistics;
pub use tracker::DailyCount;
pub use unit_reports::UnitReports;
