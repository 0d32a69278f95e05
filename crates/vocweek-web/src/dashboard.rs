//! 数据看板: items per city for a day (a bar chart drawn as SVG on the server) and per state,
//! so a desk sees at a glance which cities sent little.

use std::collections::{BTreeMap, BTreeSet};

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;
use vocweek_api::{ApiError, AppState};
use vocweek_domain::{parse_date, today_in_shanghai};

use crate::error_page::ErrorPage;
use crate::layout::{Frame, ok, state_zh};
use crate::menu::Place;
use crate::staff::Staff;

#[derive(Deserialize)]
pub struct DashboardQuery {
    day: Option<String>,
}

#[derive(Template)]
#[template(path = "dashboard/show.html")]
struct DashboardPage {
    frame: Frame,
    day: String,
    days: Vec<DayLink>,
    chart: BarChart,
    states: Vec<StateRow>,
}

struct DayLink {
    day: String,
    current: bool,
}

struct StateRow {
    name: &'static str,
    /// The state's slug, for the badge's colour class (`state-<slug>` in site.css).
    slug: String,
    count: i64,
}

/// Horizontal bars, one per city, zero counts included (a city that sent nothing shows).
struct BarChart {
    height: usize,
    bars: Vec<Bar>,
}

/// One city's bar with its label and count, placed in the chart's coordinates.
struct Bar {
    label: String,
    count: i64,
    y: usize,
    /// The baseline of the label and the count, beside the bar.
    text_y: usize,
    width: i64,
    count_x: i64,
    fill: &'static str,
}

/// Height of one city's row, in the chart's units.
const ROW: usize = 24;
/// The longest bar: the day's largest count.
const FULL_WIDTH: f64 = 480.0;

impl BarChart {
    fn new(counts: &[(String, i64)]) -> BarChart {
        let max = counts.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
        let bars = counts
            .iter()
            .enumerate()
            .map(|(index, (label, count))| {
                let y = index * ROW + 5;
                let width = (*count as f64 / max as f64 * FULL_WIDTH).round() as i64;
                Bar {
                    label: label.clone(),
                    count: *count,
                    y,
                    text_y: y + 14,
                    width,
                    count_x: 86 + width,
                    // A city with nothing that day stands out.
                    fill: if *count == 0 { "#d9534f" } else { "#8b1a1a" },
                }
            })
            .collect();
        BarChart {
            height: counts.len() * ROW + 10,
            bars,
        }
    }
}

pub async fn show(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<DashboardQuery>,
) -> HttpResponse {
    let vocabulary = &state.ingestor.campaign().vocabulary;
    let (by_day_city, by_state) = match (
        state.db.counts_by_day_and_city(staff.scope).await,
        state.db.counts_by_state(staff.scope).await,
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(err), _) | (_, Err(err)) => return ApiError::from(err).page(),
    };
    let days: Vec<NaiveDate> = by_day_city
        .iter()
        .map(|c| c.activity_date)
        .collect::<BTreeSet<_>>()
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
    let counts: Vec<(String, i64)> = vocabulary
        .cities
        .iter()
        .map(|c| {
            (
                c.zh.clone(),
                per_city.get(c.slug.as_str()).copied().unwrap_or(0),
            )
        })
        .collect();
    ok(&DashboardPage {
        frame: Frame::staff(&staff, "数据看板", Place::Dashboard),
        day: day.to_string(),
        days: days
            .iter()
            .map(|d| DayLink {
                day: d.to_string(),
                current: *d == day,
            })
            .collect(),
        chart: BarChart::new(&counts),
        states: by_state
            .iter()
            .map(|s| StateRow {
                name: state_zh(&s.state),
                slug: s.state.clone(),
                count: s.count,
            })
            .collect(),
    })
}
