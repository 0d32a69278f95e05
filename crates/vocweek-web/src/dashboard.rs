//! 数据看板: what each city sent on a day of the week (a bar chart drawn as SVG on the server)
//! and the items per state, so a desk sees at a glance which cities sent little. A city's
//! number is the tracker's for the same day (`city_totals_for_day`: uploads by the desk's daily
//! units, by upload day in Beijing, failed files left out), so the two pages never disagree.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use vocweek_api::reporting::tracker::{city_totals_for_day, daily_units, tracker_day};
use vocweek_api::{ApiError, AppState};
use vocweek_domain::reporting::campaign_days;

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

/// A day of the campaign's week in the line of links; `current` is the day shown.
struct DayLink {
    day: String,
    current: bool,
    today: bool,
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
    /// Sent nothing: a short red bar and 未报送 beside it (`.bar.empty`, `text.empty`).
    empty: bool,
}

/// Height of one city's row, in the chart's units.
const ROW: usize = 24;
/// The longest bar: the day's largest count.
const FULL_WIDTH: f64 = 480.0;
/// A city that sent nothing still gets a bar: a zero-width one could not be seen, and the
/// point of the chart is to find those cities.
const EMPTY_WIDTH: i64 = 8;
/// A city that sent a little next to one that sent much keeps a sliver rather than nothing.
const MIN_WIDTH: i64 = 2;
/// The bars' colours: the brand red, and the danger red (site.css's `--brand`, `--danger`).
const FILL: &str = "#8b1a1a";
const EMPTY_FILL: &str = "#b42318";

impl BarChart {
    fn new(counts: &[(String, i64)]) -> BarChart {
        let max = counts.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
        let bars = counts
            .iter()
            .enumerate()
            .map(|(index, (label, count))| {
                let y = index * ROW + 5;
                let empty = *count == 0;
                let width = if empty {
                    EMPTY_WIDTH
                } else {
                    ((*count as f64 / max as f64 * FULL_WIDTH).round() as i64).max(MIN_WIDTH)
                };
                Bar {
                    label: label.clone(),
                    count: *count,
                    y,
                    text_y: y + 14,
                    width,
                    count_x: 86 + width,
                    fill: if empty { EMPTY_FILL } else { FILL },
                    empty,
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
    let campaign = state.ingestor.campaign();
    let week = &campaign.campaign;
    let today = state.db.clock().today_in_shanghai();
    // A glance, not an export: a day that is not one of the week shows the default day (today,
    // within the week) instead of the error the tracker gives.
    let day = tracker_day(&campaign, query.day.as_deref(), today)
        .unwrap_or_else(|_| today.clamp(week.starts_on, week.ends_on));
    let units = match daily_units(&state, staff.desk()).await {
        Ok(units) => units,
        Err(err) => return err.page(),
    };
    let per_city = match city_totals_for_day(&state, week, &units, day).await {
        Ok(per_city) => per_city,
        Err(err) => return err.page(),
    };
    let by_state = match state.db.counts_by_state(staff.scope).await {
        Ok(by_state) => by_state,
        Err(err) => return ApiError::from(err).page(),
    };
    let counts: Vec<(String, i64)> = campaign
        .vocabulary
        .cities
        .iter()
        .map(|city| {
            (
                city.zh.clone(),
                per_city.get(city.slug.as_str()).copied().unwrap_or(0),
            )
        })
        .collect();
    ok(&DashboardPage {
        frame: Frame::staff(&staff, "数据看板", Place::Dashboard),
        day: day.to_string(),
        days: campaign_days(week.starts_on, week.ends_on)
            .iter()
            .map(|d| DayLink {
                day: d.to_string(),
                current: *d == day,
                today: *d == today,
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
