//! A unit's reports for one campaign, read at once: what the report of a unit shows, and what a
//! save of its registration, statistics table or documents answers with.

use crate::records::statistics_report::StatisticsReport;
use crate::records::unit_document::UnitDocument;
use crate::records::unit_registration::UnitRegistration;
use crate::{Db, DbResult};

/// What one unit sent for one campaign, as stored.
#[derive(Debug, Clone, Default)]
pub struct UnitReports {
    /// Its website and liaison, if it registered either.
    pub registration: Option<UnitRegistration>,
    /// Every version of its plan and summary report, oldest first.
    pub documents: Vec<UnitDocument>,
    /// Its statistics table, a draft or submitted.
    pub statistics: Option<StatisticsReport>,
}

impl Db {
    /// The registration, documents and statistics table of unit `unit_id` in campaign
    /// `campaign_id` (each empty until sent).
    pub async fn unit_reports(&self, campaign_id: i32, unit_id: i32) -> DbResult<UnitReports> {
        Ok(UnitReports {
            registration: self.registration(campaign_id, unit_id).await?,
            documents: self.unit_documents(campaign_id, unit_id).await?,
            statistics: self.statistics_report(campaign_id, unit_id).await?,
        })
    }
}
