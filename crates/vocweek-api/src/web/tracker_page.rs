//! 每日报送跟踪: which units have not sent material on a day of the week (midnight to midnight,
//! Beijing time), what the others sent, and a chart of submissions per city per day, so the
//! desk can call the missing ones in the evening.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use serde::Deserialize;
use vocweek_domain::UnitKind;

use super::layout::escape;
use super::reporting_pages::{NAV, html_page};
use super::staff::{signed_in, urlencode};
use crate::AppState;
use crate::reporting::tracker::{counts_for_day, daily_units, tracker_day, tracker_for};

#[derive(Deserialize)]
pub struct TrackerQuery {
    day: Option<String>,
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<TrackerQuery>,
) -> HttpResponse {
    let staff = match signed_in(&req, &state).await {
        Ok(staff) => staff,
        Err(to_login) => return to_login,
    };
    let campaign = state.ingestor.campaign();
    let today = state.db.clock().today_in_shanghai();
    let day = match tracker_day(&campaign, query.day.as_deref(), today) {
        Ok(day) => day,
        Err(err) => return err.page(),
    };
    let tracker = match tracker_for(&state, &campaign, staff.desk(), day).await {
        Ok(tracker) => tracker,
        Err(err) => return err.page(),
    };
    // Per city per day over the whole week, for the chart.
    let units = match daily_units(&state, staff.desk()).await {
        Ok(units) => units,
        Err(err) => return err.page(),
    };
    let city_of: BTreeMap<i32, String> = units.iter().map(|u| (u.id, u.city.clone())).collect();
    let mut grid: BTreeMap<(String, NaiveDate), i64> = BTreeMap::new();
    for d in &tracker.campaign_days {
        let counts = match counts_for_day(&state, *d).await {
            Ok(counts) => counts,
            Err(err) => return err.page(),
        };
        for (unit_id, c) in counts {
            if let Some(city) = city_of.get(&unit_id) {
                *grid.entry((city.clone(), *d)).or_default() += c.total();
            }
        }
    }
    let cities: Vec<(String, String)> = campaign
        .vocabulary
        .cities
        .iter()
        .map(|c| (c.slug.clone(), c.zh.clone()))
        .collect();
    let city_zh = |slug: &str| {
        cities
            .iter()
            .find(|(s, _)| s == slug)
            .map(|(_, zh)| zh.clone())
            .unwrap_or_else(|| slug.to_owned())
    };
    let kind_zh = |kind: &str| UnitKind::parse(kind).map(UnitKind::name_zh).unwrap_or("");

    let day_links: String = tracker
        .campaign_days
        .iter()
        .map(|d| {
            let current = if *d == day {
                " aria-current=\"page\""
            } else {
                ""
            };
            let label = if *d == today { "（今天）" } else { "" };
            format!("<a href=\"/tracker?day={d}\"{current}>{d}{label}</a> ")
        })
        .collect();
    let missing: String = tracker
        .missing
        .iter()
        .map(|u| {
            format!(
                "<li data-unit=\"{}\">{}（{}，{}）</li>",
                u.id,
                escape(&u.name),
                kind_zh(&u.kind),
                escape(&city_zh(&u.city))
            )
        })
        .collect();
    let sent: String = tracker
        .sent
        .iter()
        .map(|s| {
            format!(
                "<tr data-unit=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                s.unit.id,
                escape(&s.unit.name),
                escape(&city_zh(&s.unit.city)),
                s.counts.photo,
                s.counts.video,
                s.counts.article,
                s.total
            )
        })
        .collect();
    let heading = if day == today {
        "今日未报送单位".to_owned()
    } else {
        format!("{day} 未报送单位")
    };
    let chart = city_day_chart(&cities, &tracker.campaign_days, &grid);
    let body = format!(
        "<h1>每日报送跟踪</h1>{NAV}<p>活动周日期：{day_links}</p>\
         <p class=\"hint\">按北京时间0时至24时统计；重复文件计入每个报送了它的单位；处理失败的文件不计。</p>\
         <h2>{heading}（<span id=\"missing-count\">{missing_count}</span> / {total}）</h2>\
         <p><a id=\"export\" href=\"/api/v1/campaigns/{slug}/tracker.xlsx?day={day}\">导出Excel</a></p>\
         <ul id=\"missing\">{missing}</ul>\
         <h2>已报送单位</h2><table id=\"sent\"><thead><tr><th>单位</th><th>城市</th><th>照片</th><th>视频</th><th>稿件</th><th>合计</th></tr></thead><tbody>{sent}</tbody></table>\
         <h2>各市每日报送数量</h2>{chart}",
        heading = escape(&heading),
        missing_count = tracker.missing.len(),
        total = tracker.missing.len() + tracker.sent.len(),
        slug = urlencode(&campaign.campaign.slug),
    );
    html_page("每日报送跟踪", &body, &staff.session)
}

/// A grid, cities down and days across, each cell shaded by how much the city sent that day
/// and labelled with the count; an empty day of a city stands out in red.
fn city_day_chart(
    cities: &[(String, String)],
    days: &[NaiveDate],
    grid: &BTreeMap<(String, NaiveDate), i64>,
) -> String {
    let max = grid.values().copied().max().unwrap_or(0).max(1);
    let (label_width, cell_w, cell_h, top) = (70, 64, 22, 24);
    let width = label_width + cell_w * days.len() + 10;
    let height = top + cell_h * cities.len() + 10;
    let mut svg = format!(
        "<svg id=\"city-day-chart\" role=\"img\" aria-label=\"各市每日报送数量\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">"
    );
    for (column, day) in days.iter().enumerate() {
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"16\" font-size=\"12\" text-anchor=\"middle\">{}</text>",
            label_width + column * cell_w + cell_w / 2,
            day.format("%m-%d")
        ));
    }
    for (row, (slug, zh)) in cities.iter().enumerate() {
        let y = top + row * cell_h;
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{}\" font-size=\"13\">{}</text>",
            y + 15,
            escape(zh)
        ));
        for (column, day) in days.iter().enumerate() {
            let count = grid.get(&(slug.clone(), *day)).copied().unwrap_or(0);
            let fill = if count == 0 {
                "#f2dede".to_owned()
            } else {
                // From light to the page's red as the count grows.
                let strength = 0.2 + 0.8 * (count as f64 / max as f64);
                format!("rgba(139,26,26,{strength:.2})")
            };
            let x = label_width + column * cell_w;
            svg.push_str(&format!(
                "<rect class=\"cell\" data-city=\"{slug}\" data-day=\"{day}\" data-count=\"{count}\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"{fill}\" stroke=\"#fff\"/>\
                 <text x=\"{tx}\" y=\"{ty}\" font-size=\"12\" text-anchor=\"middle\">{count}</text>",
                slug = escape(slug),
                w = cell_w,
                h = cell_h,
                tx = x + cell_w / 2,
                ty = y + 15,
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}
