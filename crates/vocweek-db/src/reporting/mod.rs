//! Campaign reporting: registrations (website, liaison), documents (plan, summary report), the
//! statistics table, and what each unit sent on a day (the tracker's and the dashboard's one
//! count). Every write is dated by the database's clock, so deadline tests can move time.

mod documents;
mod registrations;
mod sent_on_day;
mod statistics;
mod unit_reports;

pub use crate::records::statistics_report::{StatisticsReport, StatisticsStatus};
pub use crate::records::unit_document::UnitDocument;
pub use crate::records::unit_registration::UnitRegistration;
pub use documents::NewDocument;
pub use sent_on_day::DailyCount;
pub use statistics::SaveStatistics;
pub use unit_reports::UnitReports;
