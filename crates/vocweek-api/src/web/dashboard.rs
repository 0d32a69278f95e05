//! 数据看板: items per city for a day (a bar chart drawn as SVG on the server) and per state,
//! so a desk sees at a glance which cities sent little.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use serde::Deserialize;
use vocweek_domain::{parse_date, today_in_shanghai};

use super::layout::{escape, page_with, state_zh};
use super::session_cookie::csrf_token;
use super::staff::signed_in;
use crate::AppState;

#[derive(Deserialize)]
pub struct DashboardQuery {
    day: Option<String>,
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<DashboardQuery>,
) -> HttpResponse {
    let staff = match signed_in(&req, &state).await {
        Ok(staff) => staff,
        Err(redirect) => return redirect,
    };
    let vocabulary = &state.ingestor.campaign().vocabulary;
    let (by_day_city, by_state) = match (
        state.db.counts_by_day_and_city(staff.scope).await,
        state.db.counts_by_state(staff.scope).await,
    ) {
        (Ok(a), Ok(b)) => (a, b),
        _ => return HttpResponse::InternalServerError().body("系统错误"),
    };
    let days: Vec<NaiveDate> = by_day_city
        .iter()
        .map(|c| c.activity_date)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let day = query
        .day
        .as_deref()
        .and_then(|d| parse_date("day", d).ok())
        .unwrap_or_else(|| {
            let today = today_in_shanghai();
            if days.contains(&today) {
                today
            } else {
                days.last().copied().unwrap_or(today)
            }
        });
    let mut per_city: BTreeMap<&str, i64> = vocabulary
        .cities
        .iter()
        .map(|c| (c.slug.as_str(), 0))
        .collect();
    for count in by_day_city.iter().filter(|c| c.activity_date == day) {
        *per_city.entry(count.city.as_str()).or_default() += count.count;
    }
    let bars: Vec<(String, i64)> = vocabulary
        .cities
        .iter()
        .map(|c| {
            (
                c.zh.clone(),
                per_city.get(c.slug.as_str()).copied().unwrap_or(0),
            )
        })
        .collect();
    let day_links: String = days
        .iter()
        .map(|d| {
            let current = if *d == day {
                " aria-current=\"page\""
            } else {
                ""
            };
            format!("<a href=\"/dashboard?day={d}\"{current}>{d}</a> ")
        })
        .collect();
    let states: String = by_state
        .iter()
        .map(|s| {
            format!(
                "<tr><td>{}</td><td>{}</td></tr>",
                state_zh(&s.state),
                s.count
            )
        })
        .collect();
    let body = format!(
        "<h1>数据看板</h1><p><a href=\"/queue\">审核队列</a></p><p>活动日期：{day_links}</p>\
         <h2>{day} 各市报送数量</h2>{chart}<h2>各状态数量</h2><table><tr><th>状态</th><th>数量</th></tr>{states}</table>",
        chart = bar_chart(&bars),
    );
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page_with(
            "数据看板",
            &body,
            Some(&csrf_token(&staff.session)),
        ))
}

/// Horizontal bars, one per city, zero counts included (a city that sent nothing shows).
fn bar_chart(bars: &[(String, i64)]) -> String {
    let max = bars.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let row = 24;
    let height = bars.len() * row + 10;
    let mut svg = format!(
        "<svg role=\"img\" aria-label=\"各市报送数量\" width=\"640\" height=\"{height}\" viewBox=\"0 0 640 {height}\" xmlns=\"http://www.w3.org/2000/svg\">"
    );
    for (index, (label, count)) in bars.iter().enumerate() {
        let y = index * row + 5;
        let width = (*count as f64 / max as f64 * 480.0).round() as i64;
        let fill = if *count == 0 { "#d9534f" } else { "#8b1a1a" };
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{ty}\" font-size=\"14\">{label}</text>\
             <rect class=\"bar\" data-city=\"{label}\" x=\"80\" y=\"{y}\" width=\"{width}\" height=\"18\" fill=\"{fill}\"/>\
             <text x=\"{tx}\" y=\"{ty}\" font-size=\"13\">{count}</text>",
            ty = y + 14,
            tx = 86 + width,
            label = escape(label),
        ));
    }
    svg.push_str("</svg>");
    svg
}
