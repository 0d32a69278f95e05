//! 每日报送跟踪: which units have not sent material on a day of the week (midnight to midnight,
//! Beijing time), with their liaison's name and mobile, what the others sent, and a chart of
//! submissions per city per day, so the desk can call the missing ones in the evening — or,
//! today, remind them all at once (`tracker_reminder.rs`).

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;
use vocweek_api::AppState;
use vocweek_api::reporting::tracker::{city_totals_for_day, daily_units, tracker_day, tracker_for};
use vocweek_domain::UnitKind;

use crate::error_page::ErrorPage;
use crate::layout::{Frame, ok};
use crate::menu::Place;
use crate::staff::{Staff, urlencode};
use crate::tracker_reminder::{self, ReminderForm};

#[derive(Deserialize)]
pub struct TrackerQuery {
    day: Option<String>,
    /// After the reminder form: the units it reminded, and those reminded before today.
    reminded: Option<usize>,
    already: Option<usize>,
}

/// A day of the week in the line of links; `current` is the day shown.
struct DayLink {
    day: NaiveDate,
    current: bool,
    today: bool,
}

/// A unit that sent nothing that day.
struct MissingUnit {
    id: i32,
    name: String,
    kind: &'static str,
    city: String,
    /// Its liaison for the campaign, when registered: whom the desk calls.
    liaison: Option<LiaisonLine>,
    /// Reminded today (today's page only).
    reminded: bool,
}

struct LiaisonLine {
    name: String,
    mobile: String,
}

/// A unit that sent something that day, by kind.
struct SentUnit {
    id: i32,
    name: String,
    city: String,
    photo: i64,
    video: i64,
    article: i64,
    case: i64,
    total: i64,
}

#[derive(Template)]
#[template(path = "reporting/tracker.html")]
struct TrackerPage {
    frame: Frame,
    day: NaiveDate,
    day_links: Vec<DayLink>,
    heading: String,
    /// The slug as it goes into the export link's path.
    export_slug: String,
    missing: Vec<MissingUnit>,
    sent: Vec<SentUnit>,
    /// Units that must report daily: missing and sent.
    total: usize,
    chart: Chart,
    csrf: String,
    /// 提醒今日未报送单位: on today's page, when units are missing.
    reminder: Option<ReminderForm>,
    /// What the reminder just did.
    reminder_outcome: Option<String>,
}

pub async fn show(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<TrackerQuery>,
) -> HttpResponse {
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
    // Per city per day over the whole week, for the chart: the dashboard's numbers for a day.
    let units = match daily_units(&state, staff.desk()).await {
        Ok(units) => units,
        Err(err) => return err.page(),
    };
    let mut grid: BTreeMap<(String, NaiveDate), i64> = BTreeMap::new();
    for d in &tracker.campaign_days {
        match city_totals_for_day(&state, &campaign.campaign, &units, *d).await {
            Ok(per_city) => grid.extend(per_city.into_iter().map(|(city, n)| ((city, *d), n))),
            Err(err) => return err.page(),
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
    let registrations = match state.db.registrations(campaign.campaign.id).await {
        Ok(registrations) => registrations,
        Err(err) => return vocweek_api::ApiError::from(err).page(),
    };
    let liaison = |unit: i32| {
        let row = registrations.iter().find(|r| r.unit_id == unit)?;
        Some(LiaisonLine {
            name: row.liaison_name.clone()?,
            mobile: row.liaison_mobile.clone().unwrap_or_default(),
        })
    };
    let missing_ids: Vec<i32> = tracker.missing.iter().map(|u| u.id).collect();
    let (reminder, reminded) =
        match tracker_reminder::status(&state, &staff, day, today, &missing_ids).await {
            Ok(status) => status,
            Err(err) => return err.page(),
        };

    let day_links = tracker
        .campaign_days
        .iter()
        .map(|d| DayLink {
            day: *d,
            current: *d == day,
            today: *d == today,
        })
        .collect();
    let missing = tracker
        .missing
        .iter()
        .map(|u| MissingUnit {
            id: u.id,
            name: u.name.clone(),
            kind: kind_zh(&u.kind),
            city: city_zh(&u.city),
            liaison: liaison(u.id),
            reminded: reminded.contains(&u.id),
        })
        .collect();
    let sent = tracker
        .sent
        .iter()
        .map(|s| SentUnit {
            id: s.unit.id,
            name: s.unit.name.clone(),
            city: city_zh(&s.unit.city),
            photo: s.counts.photo,
            video: s.counts.video,
            article: s.counts.article,
            case: s.counts.case,
            total: s.total,
        })
        .collect();
    let heading = if day == today {
        "今日未报送单位".to_owned()
    } else {
        format!("{day} 未报送单位")
    };
    ok(&TrackerPage {
        frame: Frame::staff(&staff, "每日报送跟踪", Place::Tracker),
        day,
        day_links,
        heading,
        export_slug: urlencode(&campaign.campaign.slug),
        missing,
        sent,
        total: tracker.missing.len() + tracker.sent.len(),
        chart: Chart::new(&cities, &tracker.campaign_days, &grid),
        csrf: staff.csrf(),
        reminder,
        reminder_outcome: tracker_reminder::outcome(query.reminded, query.already),
    })
}

/// A grid, cities down and days across, each cell shaded by how much the city sent that day
/// and labelled with the count; an empty day of a city stands out in red
/// (`reporting/city_day_chart.html`, an SVG).
struct Chart {
    width: usize,
    height: usize,
    cell_width: usize,
    cell_height: usize,
    columns: Vec<ChartColumn>,
    rows: Vec<ChartRow>,
}

/// A day's label above its column.
struct ChartColumn {
    x: usize,
    label: String,
}

/// A city: its name at the left, then one cell per day.
struct ChartRow {
    city: String,
    label_y: usize,
    cells: Vec<ChartCell>,
}

struct ChartCell {
    slug: String,
    day: NaiveDate,
    count: i64,
    x: usize,
    y: usize,
    fill: String,
    /// Where the count is written, in the cell's middle.
    text_x: usize,
    text_y: usize,
}

impl Chart {
    const LABEL_WIDTH: usize = 70;
    const CELL_WIDTH: usize = 64;
    const CELL_HEIGHT: usize = 22;
    const TOP: usize = 24;

    fn new(
        cities: &[(String, String)],
        days: &[NaiveDate],
        grid: &BTreeMap<(String, NaiveDate), i64>,
    ) -> Chart {
        let max = grid.values().copied().max().unwrap_or(0).max(1);
        let (w, h) = (Self::CELL_WIDTH, Self::CELL_HEIGHT);
        let columns = days
            .iter()
            .enumerate()
            .map(|(column, day)| ChartColumn {
                x: Self::LABEL_WIDTH + column * w + w / 2,
                label: day.format("%m-%d").to_string(),
            })
            .collect();
        let rows = cities
            .iter()
            .enumerate()
            .map(|(row, (slug, zh))| {
                let y = Self::TOP + row * h;
                let cells = days
                    .iter()
                    .enumerate()
                    .map(|(column, day)| {
                        let count = grid.get(&(slug.clone(), *day)).copied().unwrap_or(0);
                        let x = Self::LABEL_WIDTH + column * w;
                        ChartCell {
                            slug: slug.clone(),
                            day: *day,
                            count,
                            x,
                            y,
                            fill: fill(count, max),
                            text_x: x + w / 2,
                            text_y: y + 15,
                        }
                    })
                    .collect();
                ChartRow {
                    city: zh.clone(),
                    label_y: y + 15,
                    cells,
                }
            })
            .collect();
        Chart {
            width: Self::LABEL_WIDTH + w * days.len() + 10,
            height: Self::TOP + h * cities.len() + 10,
            cell_width: w,
            cell_height: h,
            columns,
            rows,
        }
    }
}

/// A cell's colour: pale red for nothing sent, then from light to the page's red as the count
/// grows towards the week's largest.
fn fill(count: i64, max: i64) -> String {
    if count == 0 {
        return "#f2dede".to_owned();
    }
    let strength = 0.2 + 0.8 * (count as f64 / max as f64);
    format!("rgba(139,26,26,{strength:.2})")
}
