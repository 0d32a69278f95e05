//! Campaign reporting: registrations (website, liaison), documents (plan, summary report), the
//! statistics table, what each unit sent on a day (the tracker's and the dashboard's one
//! count), and what the editors approved or recommended on a day (the daily brief). Every
//! write is dated by the database's clock, so deadline tests can move time.

mod decided_on_day;
mod documents;
mod registrations;
mod sent_on_day;
mod statistics;
mod unit_reports;

pub use crate::records::statistics_report::{StatisticsReport, StatisticsStatus};
pub use crate::records::unit_document::UnitDocument;
pub use crate::records::unit_registration::UnitRegistration;
pub use decided_on_day::DECIDED_ON_DAY_MAX;
pub use documents::NewDocument;
pub use sent_on_day::DailyCount;
pub use statistics::SaveStatistics;
pub use unit_reports::UnitReports;
