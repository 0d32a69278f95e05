//! 报送情况 and 统计表汇总: the desks' pages over every unit's reports. Same data as the JSON
//! API (`reporting::overview`), rendered in Chinese with Beijing times.

use actix_web::{HttpRequest, HttpResponse, web};
use vocweek_domain::UnitKind;
use vocweek_domain::reporting::{STATISTICS_COLUMNS, StatisticsFigures};
use vocweek_pipeline::STATISTICS_NOTES;

use super::layout::{beijing, escape, page_with};
use super::session_cookie::csrf_token;
use super::staff::signed_in;
use crate::AppState;
use crate::reporting::overview::{campaign_overview, statistics_table, status_zh};
use crate::reporting::view::{DocumentStatusJson, UnitReportJson};

fn badge(status: &str) -> String {
    let (text, class) = match status {
        "on_time" => ("按时", "ok"),
        "late" => ("逾期", "late"),
        "draft" => ("草稿", "draft"),
        _ => ("未报送", "missing"),
    };
    format!("<span class=\"badge {class}\" data-status=\"{status}\">{text}</span>")
}

fn document_cell(document: Option<&DocumentStatusJson>) -> String {
    match document {
        None => "<td>—</td>".to_owned(),
        Some(d) => {
            let link = match (&d.current, &d.download_url) {
                (Some(current), Some(url)) => format!(
                    " <a href=\"{}\">{}</a><br><small>{}</small>",
                    escape(url),
                    escape(&current.filename),
                    beijing(current.submitted_at)
                ),
                _ => String::new(),
            };
            format!("<td>{}{link}</td>", badge(d.status))
        }
    }
}

fn unit_row(report: &UnitReportJson, city_zh: &str) -> String {
    let registration = &report.registration;
    let website = match &registration.website_url {
        Some(url) => format!(
            "{} <a href=\"{url}\" rel=\"noopener noreferrer\" target=\"_blank\">{url}</a>",
            badge(registration.website_status),
            url = escape(url)
        ),
        None => badge("missing"),
    };
    let liaison = match &registration.liaison {
        Some(l) => format!(
            "{} {}<br><small>{} · {}</small>",
            badge(registration.liaison_status),
            escape(&l.name),
            escape(&l.mobile),
            escape(&l.email)
        ),
        None => badge("missing"),
    };
    let statistics = report
        .statistics
        .as_ref()
        .map(|s| format!("<td>{}</td>", badge(s.status)))
        .unwrap_or_else(|| "<td>—</td>".to_owned());
    let kind = UnitKind::parse(&report.unit.kind)
        .map(UnitKind::name_zh)
        .unwrap_or("");
    format!(
        "<tr data-unit=\"{id}\"><td>{name}</td><td>{kind}</td><td>{city}</td>{plan}<td>{website}</td><td>{liaison}</td>{summary}{statistics}</tr>",
        id = report.unit.id,
        name = escape(&report.unit.name),
        city = escape(city_zh),
        plan = document_cell(Some(&report.plan)),
        summary = document_cell(report.summary_report.as_ref()),
    )
}

/// `/reporting`: every unit of the desk with its plan, website, liaison, summary and table.
pub async fn overview(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let staff = match signed_in(&req, &state).await {
        Ok(staff) => staff,
        Err(to_login) => return to_login,
    };
    let campaign = state.ingestor.campaign();
    let reports = match campaign_overview(&state, &campaign, staff.desk()).await {
        Ok(reports) => reports,
        Err(err) => return err.page(),
    };
    let c = &campaign.campaign;
    let city = |slug: &str| {
        campaign
            .vocabulary
            .city(slug)
            .map(|t| t.zh.clone())
            .unwrap_or_else(|| slug.to_owned())
    };
    let rows: String = reports
        .iter()
        .map(|r| unit_row(r, &city(&r.unit.city)))
        .collect();
    let count = |pick: fn(&UnitReportJson) -> bool| reports.iter().filter(|r| pick(r)).count();
    let plans = count(|r| r.plan.status != "missing");
    let tables = count(|r| {
        r.statistics
            .as_ref()
            .is_some_and(|s| matches!(s.status, "on_time" | "late"))
    });
    let owing_tables = count(|r| r.statistics.is_some());
    let body = format!(
        "<h1>报送情况 · {name}</h1>{nav}\
         <p>活动周：{starts} 至 {ends}。方案、专题网站、联络员截止 {plan_due}；总结报告与统计表截止 {report_due}（北京时间当日24时前为按时，之后仍可提交，标记为逾期）。</p>\
         <p>已报送方案 <strong id=\"plans-count\">{plans}</strong> / {units} 个单位；已提交统计表 <strong id=\"tables-count\">{tables}</strong> / {owing_tables} 个单位。</p>\
         <table id=\"readiness\"><thead><tr><th>单位</th><th>类型</th><th>城市</th><th>活动周方案</th><th>专题网站</th><th>联络员</th><th>总结报告</th><th>统计表</th></tr></thead><tbody>{rows}</tbody></table>",
        name = escape(&c.name_zh),
        nav = NAV,
        starts = c.starts_on,
        ends = c.ends_on,
        plan_due = c.plan_due_on,
        report_due = c.report_due_on,
        units = reports.len(),
    );
    html_page("报送情况", &body, &staff.session)
}

fn figures_cells(f: &StatisticsFigures) -> String {
    let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    let text = |t: &Option<String>| escape(t.as_deref().unwrap_or_default());
    format!(
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
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
    )
}

/// `/reporting/statistics`: the 附件2 table of every reporting unit, totals, and the Excel file.
pub async fn statistics(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let staff = match signed_in(&req, &state).await {
        Ok(staff) => staff,
        Err(to_login) => return to_login,
    };
    let campaign = state.ingestor.campaign();
    let table = match campaign_overview(&state, &campaign, staff.desk()).await {
        Ok(reports) => statistics_table(reports),
        Err(err) => return err.page(),
    };
    let headers: String = STATISTICS_COLUMNS
        .iter()
        .map(|(_, zh)| format!("<th>{zh}</th>"))
        .collect();
    let rows: String = table
        .rows
        .iter()
        .map(|r| {
            format!(
                "<tr data-unit=\"{}\"><td>{}</td><td>{}</td>{}</tr>",
                r.unit.id,
                escape(&r.unit.name),
                status_zh(r.status),
                figures_cells(&r.figures)
            )
        })
        .collect();
    let notes: String = STATISTICS_NOTES
        .iter()
        .map(|n| format!("<p class=\"hint\">{n}</p>"))
        .collect();
    let body = format!(
        "<h1>{year}年职业教育活动周情况统计表</h1>{nav}\
         <p>已提交 {submitted} / {expected} 个单位。合计只计已提交（含逾期）的单位。\
         <a id=\"xlsx\" href=\"/api/v1/campaigns/{slug}/statistics.xlsx\">下载Excel</a></p>\
         <table id=\"statistics\"><thead><tr><th>统计单位</th><th>状态</th>{headers}</tr></thead><tbody>{rows}\
         <tr id=\"total\"><th>合计</th><td></td>{total}</tr></tbody></table>{notes}",
        year = campaign.campaign.year,
        nav = NAV,
        submitted = table.submitted,
        expected = table.expected,
        slug = escape(&campaign.campaign.slug),
        total = figures_cells(&table.total),
    );
    html_page("统计表汇总", &body, &staff.session)
}

pub const NAV: &str = "<p class=\"nav\"><a href=\"/queue\">审核队列</a> · <a href=\"/reporting\">报送情况</a> · \
<a href=\"/reporting/statistics\">统计表汇总</a> · <a href=\"/tracker\">每日报送跟踪</a> · <a href=\"/campaigns\">活动周管理</a> · <a href=\"/webhooks\">推送记录</a></p>";

pub fn html_page(title: &str, body: &str, session: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page_with(title, body, Some(&csrf_token(session))))
}
