//! 报送情况 and 统计表汇总: the desks' pages over every unit's reports. Same data as the JSON
//! API (`reporting::overview`), rendered in Chinese with Beijing times.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use vocweek_api::AppState;
use vocweek_api::reporting::overview::{campaign_overview, statistics_table, status_zh};
use vocweek_api::reporting::view::{DocumentStatusJson, UnitReportJson};
use vocweek_domain::reporting::{Liaison, STATISTICS_COLUMNS, StatisticsFigures};
use vocweek_domain::{Desk, UnitKind};
use vocweek_pipeline::STATISTICS_NOTES;

use crate::error_page::ErrorPage;
use crate::layout::{Frame, MessagePage, beijing, ok};
use crate::menu::Place;
use crate::staff::Staff;
use crate::week_choice::{WeekLink, WeekQuery, chosen_week};

/// A report's status as a coloured word (`reporting/badge.html`); `status` stays the API's
/// word, for scripts and tests.
struct Badge {
    status: &'static str,
    text: &'static str,
    class: &'static str,
}

impl Badge {
    fn of(status: &'static str) -> Badge {
        let (text, class) = match status {
            "on_time" => ("按时", "ok"),
            "late" => ("逾期", "late"),
            "draft" => ("草稿", "draft"),
            _ => ("未报送", "missing"),
        };
        Badge {
            status,
            text,
            class,
        }
    }
}

/// A plan or summary report (`reporting/document_cell.html`).
struct DocumentCell {
    badge: Badge,
    current: Option<CurrentDocument>,
}

/// The version that counts, with where to download it.
struct CurrentDocument {
    url: String,
    filename: String,
    submitted_at: String,
}

impl DocumentCell {
    fn of(document: &DocumentStatusJson) -> DocumentCell {
        let current = match (&document.current, &document.download_url) {
            (Some(current), Some(url)) => Some(CurrentDocument {
                url: url.clone(),
                filename: current.filename.clone(),
                submitted_at: beijing(current.submitted_at),
            }),
            _ => None,
        };
        DocumentCell {
            badge: Badge::of(document.status),
            current,
        }
    }
}

/// One unit of `/reporting`.
struct UnitRow {
    id: i32,
    name: String,
    kind: &'static str,
    city: String,
    plan: DocumentCell,
    website: Badge,
    website_url: Option<String>,
    liaison: Badge,
    liaison_contact: Option<Liaison>,
    /// `None` for a unit that owes no summary report.
    summary: Option<DocumentCell>,
    /// `None` for a unit that owes no statistics table.
    statistics: Option<Badge>,
}

impl UnitRow {
    fn of(report: &UnitReportJson, city: String) -> UnitRow {
        let registration = &report.registration;
        // Without the value itself nothing was sent, whatever the recorded first time says.
        let website = match registration.website_url {
            Some(_) => Badge::of(registration.website_status),
            None => Badge::of("missing"),
        };
        let liaison = match registration.liaison {
            Some(_) => Badge::of(registration.liaison_status),
            None => Badge::of("missing"),
        };
        UnitRow {
            id: report.unit.id,
            name: report.unit.name.clone(),
            kind: UnitKind::parse(&report.unit.kind)
                .map(UnitKind::name_zh)
                .unwrap_or(""),
            city,
            plan: DocumentCell::of(&report.plan),
            website,
            website_url: registration.website_url.clone(),
            liaison,
            liaison_contact: registration.liaison.clone(),
            summary: report.summary_report.as_ref().map(DocumentCell::of),
            statistics: report.statistics.as_ref().map(|s| Badge::of(s.status)),
        }
    }
}

#[derive(Template)]
#[template(path = "reporting/overview.html")]
struct OverviewPage {
    frame: Frame,
    weeks: Vec<WeekLink>,
    name: String,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    plan_due_on: NaiveDate,
    report_due_on: NaiveDate,
    /// Units that sent a plan.
    plans: usize,
    /// Units that submitted the statistics table (on time or late), of `owing_tables`.
    tables: usize,
    owing_tables: usize,
    rows: Vec<UnitRow>,
}

/// `/reporting`: every unit of the desk with its plan, website, liaison, summary and table.
pub async fn overview(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<WeekQuery>,
) -> HttpResponse {
    let (campaign, weeks) = match chosen_week(&state, &query).await {
        Ok(chosen) => chosen,
        Err(err) => return err.page(),
    };
    let reports = match campaign_overview(&state, &campaign, staff.desk()).await {
        Ok(reports) => reports,
        Err(err) => return err.page(),
    };
    let city = |slug: &str| {
        campaign
            .vocabulary
            .city(slug)
            .map(|t| t.zh.clone())
            .unwrap_or_else(|| slug.to_owned())
    };
    let count = |pick: fn(&UnitReportJson) -> bool| reports.iter().filter(|r| pick(r)).count();
    let c = &campaign.campaign;
    ok(&OverviewPage {
        frame: Frame::staff(&staff, "报送情况", Place::Reporting),
        weeks,
        name: c.name_zh.clone(),
        starts_on: c.starts_on,
        ends_on: c.ends_on,
        plan_due_on: c.plan_due_on,
        report_due_on: c.report_due_on,
        plans: count(|r| r.plan.status != "missing"),
        tables: count(|r| {
            r.statistics
                .as_ref()
                .is_some_and(|s| matches!(s.status, "on_time" | "late"))
        }),
        owing_tables: count(|r| r.statistics.is_some()),
        rows: reports
            .iter()
            .map(|r| UnitRow::of(r, city(&r.unit.city)))
            .collect(),
    })
}

/// The table's nine figures as the cells show them (empty when not given).
fn figure_cells(f: &StatisticsFigures) -> Vec<String> {
    let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    let text = |t: &Option<String>| t.clone().unwrap_or_default();
    vec![
        number(f.schools),
        number(f.teachers),
        number(f.students),
        f.student_coverage_percent
            .map(|c| format!("{c}%"))
            .unwrap_or_default(),
        number(f.enterprises),
        number(f.participants),
        number(f.experience_items),
        text(&f.activity_forms),
        text(&f.media_coverage),
    ]
}

/// One unit of `/reporting/statistics`.
struct StatisticsRow {
    id: i32,
    name: String,
    status: &'static str,
    cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "reporting/statistics.html")]
struct StatisticsPage {
    frame: Frame,
    weeks: Vec<WeekLink>,
    year: i32,
    slug: String,
    submitted: usize,
    expected: usize,
    headings: Vec<&'static str>,
    rows: Vec<StatisticsRow>,
    total: Vec<String>,
    notes: Vec<&'static str>,
}

/// `/reporting/statistics`: the 附件2 table of every reporting unit, totals, and the Excel file.
pub async fn statistics(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<WeekQuery>,
) -> HttpResponse {
    // The HR desk's units (city HR bureaus, technical colleges) owe no 附件2: an empty 0 / 0
    // table and an Excel file of nothing would only mislead, so the page says why instead.
    if staff.desk() == Some(Desk::Hr) {
        return ok(&MessagePage {
            frame: Frame::staff(&staff, "统计表汇总", Place::Statistics),
            class: "notice",
            text:
                "情况统计表（附件2）由省教育厅职业教育处汇总：只有市教育（教体）局和高职院校报送。\
                   市人社局和省属技工院校不报送统计表，人社厅审核台没有需要汇总的数据。"
                    .to_owned(),
        });
    }
    let (campaign, weeks) = match chosen_week(&state, &query).await {
        Ok(chosen) => chosen,
        Err(err) => return err.page(),
    };
    let table = match campaign_overview(&state, &campaign, staff.desk()).await {
        Ok(reports) => statistics_table(reports),
        Err(err) => return err.page(),
    };
    ok(&StatisticsPage {
        frame: Frame::staff(&staff, "统计表汇总", Place::Statistics),
        weeks,
        year: campaign.campaign.year,
        slug: campaign.campaign.slug.clone(),
        submitted: table.submitted,
        expected: table.expected,
        headings: STATISTICS_COLUMNS.iter().map(|(_, zh)| *zh).collect(),
        rows: table
            .rows
            .iter()
            .map(|r| StatisticsRow {
                id: r.unit.id,
                name: r.unit.name.clone(),
                status: status_zh(r.status),
                cells: figure_cells(&r.figures),
            })
            .collect(),
        total: figure_cells(&table.total),
        notes: STATISTICS_NOTES.to_vec(),
    })
}
