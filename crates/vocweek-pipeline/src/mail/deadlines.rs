//! Missed deadlines of the active campaign, recorded as notices: after a day of the week ends
//! (midnight, Beijing), every unit that owes daily material and sent nothing that day
//! (`Db::missing_on_day`, the tracker's one definition) gets `daily-missed`; after a report's
//! due day ends, every unit that owes the report and has not sent it gets `report-overdue`.
//! Recording is insert-or-ignore on (unit, kind, day or report), so checking again, or on
//! several nodes at once, records nothing twice.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use vocweek_db::campaigns::Campaign;
use vocweek_db::notifications::NoticeParams;
use vocweek_db::reporting::{StatisticsStatus, UnitDocument, UnitRegistration};
use vocweek_db::{Db, DbResult};
use vocweek_domain::reporting::{Deadline, DocumentPurpose, campaign_days};
use vocweek_domain::{NoticeKind, UnitKind};

/// A day's end is acted on for this long after it: a node that was down catches up, and a
/// campaign activated after its week does not send its units old news.
const DAY_GRACE_HOURS: i64 = 48;
/// A report's deadline, for this long.
const REPORT_GRACE_DAYS: i64 = 14;

/// Records the missed days and overdue reports of `campaign` as of `now`; returns how many
/// notices were new.
pub async fn record_missed_deadlines(
    db: &Db,
    campaign: &Campaign,
    now: DateTime<Utc>,
) -> DbResult<usize> {
    let mut recorded = 0;
    for day in campaign_days(campaign.starts_on, campaign.ends_on) {
        if !just_passed(day, now, Duration::hours(DAY_GRACE_HOURS)) {
            continue;
        }
        let missing: Vec<i32> = db
            .missing_on_day(campaign, day)
            .await?
            .iter()
            .map(|unit| unit.id)
            .collect();
        let params = NoticeParams {
            day: Some(day),
            ..NoticeParams::default()
        };
        let key = day.to_string();
        recorded += db
            .record_notices(NoticeKind::DailyMissed, &missing, &key, &params)
            .await?;
    }
    Ok(recorded + overdue_reports(db, campaign, now).await?)
}

/// Whether the day `due_on` ended (Beijing midnight after it) less than `grace` ago.
fn just_passed(due_on: NaiveDate, now: DateTime<Utc>, grace: Duration) -> bool {
    let closes = Deadline::new(due_on).closes_at();
    now >= closes && closes.checked_add_signed(grace).is_none_or(|end| now < end)
}

/// What a unit sends besides its daily material, each with its own deadline (the reporting
/// overview's columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Report {
    Website,
    Liaison,
    Plan,
    Summary,
    Statistics,
}

impl Report {
    const ALL: [Report; 5] = [
        Report::Website,
        Report::Liaison,
        Report::Plan,
        Report::Summary,
        Report::Statistics,
    ];

    /// The word the notice's sentence names it by (`notice-part-*` in the catalog).
    fn as_str(self) -> &'static str {
        match self {
            Report::Website => "website",
            Report::Liaison => "liaison",
            Report::Plan => "plan",
            Report::Summary => "summary_report",
            Report::Statistics => "statistics",
        }
    }

    /// Who owes it: the website, liaison and plan every unit that sends daily material; the
    /// summary report and the statistics table the city bureaus and the colleges.
    fn owed_by(self, kind: UnitKind) -> bool {
        match self {
            Report::Website | Report::Liaison | Report::Plan => kind.reports_daily(),
            Report::Summary | Report::Statistics => kind.reports_statistics(),
        }
    }

    fn due_on(self, campaign: &Campaign) -> NaiveDate {
        match self {
            Report::Website | Report::Liaison | Report::Plan => campaign.plan_due_on,
            Report::Summary | Report::Statistics => campaign.report_due_on,
        }
    }
}

/// The campaign's reports as stored, to look up who sent what.
struct Sent {
    registrations: Vec<UnitRegistration>,
    documents: Vec<UnitDocument>,
    statistics: Vec<(i32, StatisticsStatus)>,
}

impl Sent {
    /// Whether `unit` sent `report` (late or not: it is not missing any more). A draft of the
    /// statistics table is not sent.
    fn has(&self, unit: i32, report: Report) -> bool {
        let registration = self.registrations.iter().find(|r| r.unit_id == unit);
        let document = |purpose: DocumentPurpose| {
            self.documents
                .iter()
                .any(|d| d.unit_id == unit && d.purpose == purpose)
        };
        match report {
            Report::Website => registration.is_some_and(|r| r.website_first_at.is_some()),
            Report::Liaison => registration.is_some_and(|r| r.liaison_first_at.is_some()),
            Report::Plan => document(DocumentPurpose::Plan),
            Report::Summary => document(DocumentPurpose::SummaryReport),
            Report::Statistics => self
                .statistics
                .iter()
                .any(|(id, status)| *id == unit && *status == StatisticsStatus::Submitted),
        }
    }
}

async fn overdue_reports(db: &Db, campaign: &Campaign, now: DateTime<Utc>) -> DbResult<usize> {
    let grace = Duration::days(REPORT_GRACE_DAYS);
    let due: Vec<Report> = Report::ALL
        .into_iter()
        .filter(|report| just_passed(report.due_on(campaign), now, grace))
        .collect();
    if due.is_empty() {
        return Ok(0);
    }
    let units = db.units().await?;
    let sent = Sent {
        registrations: db.registrations(campaign.id).await?,
        documents: db.campaign_documents(campaign.id).await?,
        statistics: db
            .statistics_reports(campaign.id)
            .await?
            .into_iter()
            .map(|s| (s.unit_id, s.status))
            .collect(),
    };
    let mut recorded = 0;
    for report in due {
        let missing: Vec<i32> = units
            .iter()
            .filter(|unit| report.owed_by(unit.kind) && !sent.has(unit.id, report))
            .map(|unit| unit.id)
            .collect();
        let params = NoticeParams {
            part: Some(report.as_str().to_owned()),
            due_on: Some(report.due_on(campaign)),
            ..NoticeParams::default()
        };
        let key = format!("{}:{}", campaign.id, report.as_str());
        recorded += db
            .record_notices(NoticeKind::ReportOverdue, &missing, &key, &params)
            .await?;
    }
    Ok(recorded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_acted_on_from_its_midnight_for_the_grace() {
        let day = NaiveDate::from_ymd_opt(2021, 5, 22).unwrap();
        let at = |text: &str| {
            DateTime::parse_from_rfc3339(text)
                .unwrap()
                .with_timezone(&Utc)
        };
        let grace = Duration::hours(48);
        assert!(!just_passed(day, at("2021-05-22T23:59:59+08:00"), grace));
        assert!(just_passed(day, at("2021-05-23T00:00:00+08:00"), grace));
        assert!(just_passed(day, at("2021-05-24T23:59:59+08:00"), grace));
        assert!(!just_passed(day, at("2021-05-25T00:00:00+08:00"), grace));
        assert!(Report::Statistics.owed_by(UnitKind::CityBureau));
        assert!(!Report::Statistics.owed_by(UnitKind::CityHrBureau));
        assert!(Report::Plan.owed_by(UnitKind::CityHrBureau));
    }
}
