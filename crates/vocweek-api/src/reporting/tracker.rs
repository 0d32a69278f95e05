//! The daily tracker: for each day of the week (midnight to midnight, Beijing time), what each
//! unit that must report daily sent, by kind, and who sent nothing. A duplicate counts for
//! every unit that sent it (each is a submission of its own). What "sent on a day" means is
//! vocweek-db's `sent_on_day`; the dashboard's bars are `city_totals_for_day` below, so the two
//! pages show the same number for a city and a day.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vocweek_db::accounts::Unit;
use vocweek_db::campaigns::{ActiveCampaign, Campaign};
use vocweek_domain::reporting::campaign_days;
use vocweek_domain::{Desk, UnitKind, parse_date};
use vocweek_pipeline::table_xlsx;

use super::access::staff_view;
use super::overview::xlsx_response;
use super::view::UnitRefJson;
use crate::auth::Caller;
use crate::{ApiError, AppState};

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct KindCounts {
    pub photo: i64,
    pub video: i64,
    pub article: i64,
    /// 典型案例.
    pub case: i64,
}

impl KindCounts {
    pub fn total(&self) -> i64 {
        self.photo + self.video + self.article + self.case
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrackerUnitJson {
    pub unit: UnitRefJson,
    pub counts: KindCounts,
    pub total: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrackerDayJson {
    pub day: NaiveDate,
    /// Today in Beijing.
    pub today: NaiveDate,
    pub campaign_days: Vec<NaiveDate>,
    /// Units that sent something that day, most first.
    pub sent: Vec<TrackerUnitJson>,
    /// Units that must report daily and sent nothing that day.
    pub missing: Vec<UnitRefJson>,
}

/// The units that must send material every day, of `desk` (all when `None`), in id order.
pub async fn daily_units(state: &AppState, desk: Option<Desk>) -> Result<Vec<Unit>, ApiError> {
    Ok(state
        .db
        .units()
        .await?
        .into_iter()
        .filter(|u| u.kind.reports_daily() && desk.is_none_or(|d| u.kind.desk() == d))
        .collect())
}

/// Counts per unit for one Beijing day of `campaign`'s week (nothing for any other day).
pub async fn counts_for_day(
    state: &AppState,
    campaign: &Campaign,
    day: NaiveDate,
) -> Result<BTreeMap<i32, KindCounts>, ApiError> {
    let mut per_unit: BTreeMap<i32, KindCounts> = BTreeMap::new();
    for row in state.db.sent_on_day(campaign, day).await? {
        let counts = per_unit.entry(row.unit_id).or_default();
        match row.kind.as_str() {
            "photo" => counts.photo += row.count,
            "video" => counts.video += row.count,
            "case" => counts.case += row.count,
            _ => counts.article += row.count,
        }
    }
    Ok(per_unit)
}

/// What `units` sent on `day`, per city slug (the sending unit's city, as the tracker lists
/// it); cities none of them sent from are absent. The tracker's chart and the dashboard's bars
/// are both this, over the daily units of the reader's desk.
pub async fn city_totals_for_day(
    state: &AppState,
    campaign: &Campaign,
    units: &[Unit],
    day: NaiveDate,
) -> Result<BTreeMap<String, i64>, ApiError> {
    let counts = counts_for_day(state, campaign, day).await?;
    let mut per_city: BTreeMap<String, i64> = BTreeMap::new();
    for unit in units {
        if let Some(sent) = counts.get(&unit.id) {
            *per_city.entry(unit.city.clone()).or_default() += sent.total();
        }
    }
    Ok(per_city)
}

/// The day asked for, which must be a day of the week, or today clamped into the week.
pub fn tracker_day(
    campaign: &ActiveCampaign,
    asked: Option<&str>,
    today: NaiveDate,
) -> Result<NaiveDate, ApiError> {
    let c = &campaign.campaign;
    let Some(text) = asked.map(str::trim).filter(|d| !d.is_empty()) else {
        return Ok(today.clamp(c.starts_on, c.ends_on));
    };
    let day = parse_date("day", text)?;
    if day < c.starts_on || day > c.ends_on {
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            "not-a-campaign-day",
            format!(
                "day: {day} is not a day of the week ({} to {})",
                c.starts_on, c.ends_on
            ),
        ));
    }
    Ok(day)
}

pub async fn tracker_for(
    state: &AppState,
    campaign: &ActiveCampaign,
    desk: Option<Desk>,
    day: NaiveDate,
) -> Result<TrackerDayJson, ApiError> {
    let units = daily_units(state, desk).await?;
    let counts = counts_for_day(state, &campaign.campaign, day).await?;
    let mut sent: Vec<TrackerUnitJson> = Vec::new();
    let mut missing = Vec::new();
    for unit in &units {
        match counts.get(&unit.id) {
            Some(c) if c.total() > 0 => sent.push(TrackerUnitJson {
                unit: UnitRefJson::from(unit),
                total: c.total(),
                counts: c.clone(),
            }),
            _ => missing.push(UnitRefJson::from(unit)),
        }
    }
    sent.sort_by(|a, b| b.total.cmp(&a.total).then(a.unit.id.cmp(&b.unit.id)));
    let c = &campaign.campaign;
    Ok(TrackerDayJson {
        day,
        today: state.db.clock().today_in_shanghai(),
        campaign_days: campaign_days(c.starts_on, c.ends_on),
        sent,
        missing,
    })
}

#[derive(Debug, Deserialize)]
pub struct TrackerQuery {
    pub day: Option<String>,
}

/// `GET /api/v1/campaigns/{campaign}/tracker?day=YYYY-MM-DD`: who sent what that day and who
/// sent nothing (default: today, Beijing time, within the week).
#[utoipa::path(get, path = "/api/v1/campaigns/{campaign}/tracker", tag = "reporting", security(("bearer" = [])),
    params(("campaign" = String, Path, description = "a campaign's slug, or `current`"), ("day" = Option<String>, Query, description = "YYYY-MM-DD; default today in Beijing, within the week")),
    responses((status = 200, body = TrackerDayJson), (status = 403, body = crate::json::ErrorEnvelope), (status = 404, description = "No such campaign", body = crate::json::ErrorEnvelope), (status = 422, description = "`invalid-value`: `day` is not YYYY-MM-DD; `not-a-campaign-day`", body = crate::json::ErrorEnvelope)))]
pub async fn get_tracker(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<TrackerQuery>,
) -> Result<HttpResponse, ApiError> {
    let (desk, campaign) = staff_view(&state, &caller, &path.into_inner()).await?;
    let today = state.db.clock().today_in_shanghai();
    let day = tracker_day(&campaign, query.day.as_deref(), today)?;
    Ok(HttpResponse::Ok().json(tracker_for(&state, &campaign, desk, day).await?))
}

/// The tracker of one day as a spreadsheet: every daily unit, its counts, 已报送/未报送.
pub async fn tracker_workbook(
    state: &AppState,
    campaign: &ActiveCampaign,
    desk: Option<Desk>,
    day: NaiveDate,
) -> Result<(Vec<u8>, String), ApiError> {
    let tracker = tracker_for(state, campaign, desk, day).await?;
    let city = |slug: &str| {
        campaign
            .vocabulary
            .city(slug)
            .map(|c| c.zh.clone())
            .unwrap_or_else(|| slug.to_owned())
    };
    let kind = |k: &str| {
        UnitKind::parse(k)
            .map(|k| k.name_zh().to_owned())
            .unwrap_or_default()
    };
    let mut rows: Vec<Vec<String>> = tracker
        .missing
        .iter()
        .map(|u| {
            vec![
                u.name.clone(),
                kind(&u.kind),
                city(&u.city),
                "0".into(),
                "0".into(),
                "0".into(),
                "0".into(),
                "0".into(),
                "未报送".into(),
            ]
        })
        .collect();
    rows.extend(tracker.sent.iter().map(|s| {
        vec![
            s.unit.name.clone(),
            kind(&s.unit.kind),
            city(&s.unit.city),
            s.counts.photo.to_string(),
            s.counts.video.to_string(),
            s.counts.article.to_string(),
            s.counts.case.to_string(),
            s.total.to_string(),
            "已报送".into(),
        ]
    }));
    let title = format!("{day} 报送情况（北京时间0时至24时）");
    let bytes = table_xlsx(
        "报送情况",
        Some(&title),
        &[
            "单位",
            "单位类型",
            "所在城市",
            "照片",
            "视频",
            "稿件",
            "典型案例",
            "合计",
            "状态",
        ],
        &rows,
        &[3, 4, 5, 6, 7],
    )
    .map_err(|err| ApiError::internal(&err))?;
    Ok((bytes, format!("报送情况-{day}.xlsx")))
}

/// `GET /api/v1/campaigns/{campaign}/tracker.xlsx?day=`: the same day as a spreadsheet.
#[utoipa::path(get, path = "/api/v1/campaigns/{campaign}/tracker.xlsx", tag = "reporting", security(("bearer" = [])),
    params(("campaign" = String, Path, description = "a campaign's slug, or `current`"), ("day" = Option<String>, Query, description = "YYYY-MM-DD")),
    responses((status = 200, description = "The day as a spreadsheet", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = crate::json::ErrorEnvelope), (status = 404, description = "No such campaign", body = crate::json::ErrorEnvelope), (status = 422, description = "`invalid-value`: `day` is not YYYY-MM-DD; `not-a-campaign-day`", body = crate::json::ErrorEnvelope)))]
pub async fn get_tracker_xlsx(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<TrackerQuery>,
) -> Result<HttpResponse, ApiError> {
    let (desk, campaign) = staff_view(&state, &caller, &path.into_inner()).await?;
    let today = state.db.clock().today_in_shanghai();
    let day = tracker_day(&campaign, query.day.as_deref(), today)?;
    let (bytes, filename) = tracker_workbook(&state, &campaign, desk, day).await?;
    Ok(xlsx_response(bytes, &filename))
}
