//! The desks' view of every unit: who has sent a plan, a website, a liaison, a summary report
//! and the statistics table; the table of all units with its totals, as JSON and as the Excel
//! file the Ministry's form asks for.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;
use vocweek_db::campaigns::ActiveCampaign;
use vocweek_domain::reporting::StatisticsFigures;
use vocweek_domain::{Desk, UnitKind};
use vocweek_pipeline::{StatisticsRow, StatisticsWorkbook, StatusRow, statistics_xlsx, total_of};

use super::access::staff_view;
use super::view::{UnitRefJson, UnitReportJson, UnitRows};
use crate::auth::Caller;
use crate::disposition::content_disposition;
use crate::shanghai_time::beijing;
use crate::{ApiError, AppState};

/// Every unit of `desk` (all when `None`) that owes the province something, with its reports.
pub async fn campaign_overview(
    state: &AppState,
    campaign: &ActiveCampaign,
    desk: Option<Desk>,
) -> Result<Vec<UnitReportJson>, ApiError> {
    let id = campaign.campaign.id;
    let (units, registrations, documents, statistics) = (
        state.db.units().await?,
        state.db.registrations(id).await?,
        state.db.campaign_documents(id).await?,
        state.db.statistics_reports(id).await?,
    );
    let mut reports = Vec::new();
    for unit in &units {
        let kind = unit.kind;
        if !kind.reports_daily() || desk.is_some_and(|d| kind.desk() != d) {
            continue;
        }
        reports.push(UnitReportJson::new(
            campaign,
            UnitRefJson::from(unit),
            kind.reports_statistics(),
            UnitRows {
                registration: registrations.iter().find(|r| r.unit_id == unit.id),
                documents: documents.iter().filter(|d| d.unit_id == unit.id).collect(),
                statistics: statistics.iter().find(|s| s.unit_id == unit.id),
            },
        ));
    }
    Ok(reports)
}

/// `GET /api/v1/campaigns/{campaign}/readiness`: every unit's reports (staff; an editor sees
/// the units of its desk).
#[utoipa::path(get, path = "/api/v1/campaigns/{campaign}/readiness", tag = "reporting", security(("bearer" = [])),
    params(("campaign" = String, Path, description = "a campaign's slug, or `current`")),
    responses((status = 200, description = "`units`: every unit's report"), (status = 403, body = crate::json::ErrorEnvelope), (status = 404, description = "No such campaign", body = crate::json::ErrorEnvelope)))]
pub async fn get_readiness(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (desk, campaign) = staff_view(&state, &caller, &path.into_inner()).await?;
    let units = campaign_overview(&state, &campaign, desk).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "units": units })))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatisticsRowJson {
    pub unit: UnitRefJson,
    /// `missing`, `draft`, `on_time` or `late`.
    pub status: &'static str,
    #[schema(value_type = Object)]
    pub figures: StatisticsFigures,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatisticsTableJson {
    /// Every reporting unit, submitted or not.
    pub rows: Vec<StatisticsRowJson>,
    /// Sums over the submitted rows; the coverage weighted by participating students.
    #[schema(value_type = Object)]
    pub total: StatisticsFigures,
    pub submitted: usize,
    pub expected: usize,
}

pub fn statistics_table(units: Vec<UnitReportJson>) -> StatisticsTableJson {
    let rows: Vec<StatisticsRowJson> = units
        .into_iter()
        .filter_map(|u| {
            let statistics = u.statistics?;
            Some(StatisticsRowJson {
                unit: u.unit,
                status: statistics.status,
                figures: statistics.figures,
            })
        })
        .collect();
    let submitted = submitted_rows(&rows);
    StatisticsTableJson {
        total: total_of(&submitted),
        submitted: submitted.len(),
        expected: rows.len(),
        rows,
    }
}

fn submitted_rows(rows: &[StatisticsRowJson]) -> Vec<StatisticsRow> {
    rows.iter()
        .filter(|r| matches!(r.status, "on_time" | "late"))
        .map(|r| StatisticsRow {
            unit_name: r.unit.name.clone(),
            figures: r.figures.clone(),
        })
        .collect()
}

/// `GET /api/v1/campaigns/{campaign}/statistics`: the table of every reporting unit.
#[utoipa::path(get, path = "/api/v1/campaigns/{campaign}/statistics", tag = "reporting", security(("bearer" = [])),
    params(("campaign" = String, Path, description = "a campaign's slug, or `current`")),
    responses((status = 200, body = StatisticsTableJson), (status = 403, body = crate::json::ErrorEnvelope), (status = 404, description = "No such campaign", body = crate::json::ErrorEnvelope)))]
pub async fn get_statistics_table(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (desk, campaign) = staff_view(&state, &caller, &path.into_inner()).await?;
    let units = campaign_overview(&state, &campaign, desk).await?;
    Ok(HttpResponse::Ok().json(statistics_table(units)))
}

pub fn status_zh(status: &str) -> &'static str {
    match status {
        "on_time" => "已提交",
        "late" => "逾期提交",
        "draft" => "草稿（未提交）",
        _ => "未填报",
    }
}

/// The Excel file of the statistics table, for `desk` (all when `None`).
pub async fn statistics_workbook(
    state: &AppState,
    campaign: &ActiveCampaign,
    desk: Option<Desk>,
) -> Result<(Vec<u8>, String), ApiError> {
    let units = campaign_overview(state, campaign, desk).await?;
    let vocabulary = &campaign.vocabulary;
    let statuses: Vec<StatusRow> = units
        .iter()
        .filter_map(|u| {
            let statistics = u.statistics.as_ref()?;
            let kind = UnitKind::parse(&u.unit.kind).ok()?;
            Some(StatusRow {
                unit_name: u.unit.name.clone(),
                unit_kind_zh: kind.name_zh().to_owned(),
                city_zh: vocabulary
                    .city(&u.unit.city)
                    .map(|c| c.zh.clone())
                    .unwrap_or_else(|| u.unit.city.clone()),
                status_zh: status_zh(statistics.status).to_owned(),
                first_submitted: statistics
                    .first_submitted_at
                    .map(beijing)
                    .unwrap_or_default(),
                last_submitted: statistics.submitted_at.map(beijing).unwrap_or_default(),
            })
        })
        .collect();
    let table = statistics_table(units);
    let rows = submitted_rows(&table.rows);
    let title = format!("{}年职业教育活动周情况统计表", campaign.campaign.year);
    let reporting_unit = match desk {
        Some(Desk::Hr) => "省人力资源社会保障厅（汇总）",
        _ => "省教育厅职业教育处（汇总）",
    };
    let bytes = statistics_xlsx(&StatisticsWorkbook {
        title: &title,
        reporting_unit,
        rows: &rows,
        statuses: &statuses,
        with_total: true,
    })
    .map_err(|err| ApiError::internal(&err))?;
    Ok((bytes, format!("{title}.xlsx")))
}

/// `GET /api/v1/campaigns/{campaign}/statistics.xlsx`: the table as the Ministry's Excel form,
/// one row per unit that submitted, a total row and the seed's notes; a second sheet lists
/// every reporting unit's status.
#[utoipa::path(get, path = "/api/v1/campaigns/{campaign}/statistics.xlsx", tag = "reporting", security(("bearer" = [])),
    params(("campaign" = String, Path, description = "a campaign's slug, or `current`")),
    responses((status = 200, description = "The Excel form", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = crate::json::ErrorEnvelope), (status = 404, description = "No such campaign", body = crate::json::ErrorEnvelope)))]
pub async fn get_statistics_xlsx(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (desk, campaign) = staff_view(&state, &caller, &path.into_inner()).await?;
    let (bytes, filename) = statistics_workbook(&state, &campaign, desk).await?;
    Ok(xlsx_response(bytes, &filename))
}

pub fn xlsx_response(bytes: Vec<u8>, filename: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((
            "Content-Disposition",
            content_disposition("attachment", filename),
        ))
        .body(bytes)
}
