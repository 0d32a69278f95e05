//! A unit's own reports: read them all at once, register the website and liaison, save the
//! statistics table as a draft or submit it, send the plan and the summary report. Who reads
//! and changes which unit's reports, the active campaign, which units owe what and the checks
//! of the values are the reporting service's (`vocweek_app::Reporting`): here are the requests
//! and the answers.

use std::sync::Arc;

use actix_multipart::Multipart;
use actix_web::{HttpResponse, web};
use futures_util::TryStreamExt;
use serde::Deserialize;
use utoipa::ToSchema;
use vocweek_app::{Obligation, RegistrationInput, ReportingUnit, StatisticsInput, UnitReport};
use vocweek_db::campaigns::ActiveCampaign;
use vocweek_domain::reporting::{DocumentPurpose, Liaison, RawFigures};

use super::view::{UnitRefJson, UnitReportJson, UnitRows};
use crate::auth::Caller;
use crate::disposition::content_disposition;
use crate::upload_form::malformed;
use crate::{ApiError, AppState};

/// `current` is the active campaign; otherwise a campaign's slug.
pub async fn campaign_of(state: &AppState, slug: &str) -> Result<Arc<ActiveCampaign>, ApiError> {
    Ok(state.reporting.campaign(slug).await?)
}

impl From<&ReportingUnit> for UnitRefJson {
    fn from(unit: &ReportingUnit) -> Self {
        UnitRefJson {
            id: unit.id,
            name: unit.name.clone(),
            kind: unit.kind.as_str().to_owned(),
            desk: unit.kind.desk().as_str().to_owned(),
            city: unit.city.clone(),
        }
    }
}

/// A unit's reports as the API answers them: each requirement with its deadline and status.
pub fn report_json(report: &UnitReport) -> UnitReportJson {
    UnitReportJson::new(
        &report.campaign,
        UnitRefJson::from(&report.unit),
        report.unit.kind.reports_statistics(),
        UnitRows {
            registration: report.reports.registration.as_ref(),
            documents: report.reports.documents.iter().collect(),
            statistics: report.reports.statistics.as_ref(),
        },
    )
}

/// `GET /api/v1/campaigns/{campaign}/units/{unit}/report`: everything the unit owes, with
/// deadlines and late flags (`{unit}` may be `me` for a unit's own token).
#[utoipa::path(get, path = "/api/v1/campaigns/{campaign}/units/{unit}/report", tag = "reporting", security(("bearer" = [])),
    params(("campaign" = String, Path, description = "a campaign's slug, or `current`"), ("unit" = String, Path, description = "a unit id, or `me` for the calling unit")),
    responses((status = 200, body = UnitReportJson), (status = 403, body = crate::json::ErrorEnvelope), (status = 404, body = crate::json::ErrorEnvelope)))]
pub async fn get_report(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (campaign, unit) = path.into_inner();
    let report = state
        .reporting
        .report(&caller.actor(), &campaign, &unit)
        .await?;
    Ok(HttpResponse::Ok().json(report_json(&report)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RegistrationRequest {
    /// 专题网站地址: an http(s) URL.
    pub website_url: Option<String>,
    /// 联络员.
    pub liaison: Option<Liaison>,
}

/// `PUT …/units/{unit}/registration`: the website and/or the liaison; each part given is
/// checked (every problem listed at once) and replaces the previous value.
#[utoipa::path(put, path = "/api/v1/campaigns/{campaign}/units/{unit}/registration", tag = "reporting", security(("bearer" = [])),
    params(("campaign" = String, Path, description = "a campaign's slug, or `current`"), ("unit" = String, Path, description = "a unit id, or `me` for the calling unit")), request_body = RegistrationRequest,
    responses((status = 200, body = UnitReportJson), (status = 400, description = "`nothing-to-save`; `not-a-unit` (`me` from a staff session)", body = crate::json::ErrorEnvelope), (status = 403, body = crate::json::ErrorEnvelope), (status = 404, description = "No such campaign or unit", body = crate::json::ErrorEnvelope), (status = 409, description = "`campaign-closed`: not the active campaign", body = crate::json::ErrorEnvelope), (status = 422, description = "`invalid-fields` with `details.problems`; `not-a-reporting-unit`", body = crate::json::ErrorEnvelope)))]
pub async fn put_registration(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Json<RegistrationRequest>,
) -> Result<HttpResponse, ApiError> {
    let (campaign, unit) = path.into_inner();
    let input = RegistrationInput {
        website_url: body.website_url.as_deref(),
        liaison: body.liaison.as_ref(),
    };
    let report = state
        .reporting
        .save_registration(&caller.actor(), &campaign, &unit, input)
        .await?;
    Ok(HttpResponse::Ok().json(report_json(&report)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StatisticsRequest {
    #[serde(flatten)]
    pub figures: RawFigures,
    /// `false` (default): save a draft, which may be incomplete. `true`: the final submission,
    /// checked in full; after the deadline it is accepted and flagged late.
    #[serde(default)]
    pub submit: bool,
    /// The `revision` the form was loaded with; a save over a newer one is refused (409).
    pub revision: Option<i32>,
}

/// `PUT …/units/{unit}/statistics`: the statistics table (附件2).
#[utoipa::path(put, path = "/api/v1/campaigns/{campaign}/units/{unit}/statistics", tag = "reporting", security(("bearer" = [])),
    params(("campaign" = String, Path, description = "a campaign's slug, or `current`"), ("unit" = String, Path, description = "a unit id, or `me` for the calling unit")), request_body = StatisticsRequest,
    responses((status = 200, body = UnitReportJson), (status = 400, description = "`not-a-unit` (`me` from a staff session)", body = crate::json::ErrorEnvelope), (status = 403, body = crate::json::ErrorEnvelope), (status = 404, description = "No such campaign or unit", body = crate::json::ErrorEnvelope), (status = 409, description = "`version-conflict`, `already-submitted` or `campaign-closed`", body = crate::json::ErrorEnvelope), (status = 422, description = "`invalid-fields` with `details.problems`; `not-a-reporting-unit`", body = crate::json::ErrorEnvelope)))]
pub async fn put_statistics(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Json<StatisticsRequest>,
) -> Result<HttpResponse, ApiError> {
    let (campaign, unit) = path.into_inner();
    let input = StatisticsInput {
        figures: &body.figures,
        submit: body.submit,
        revision: body.revision,
    };
    let report = state
        .reporting
        .save_statistics(&caller.actor(), &campaign, &unit, input)
        .await?;
    Ok(HttpResponse::Ok().json(report_json(&report)))
}

/// The multipart form of a document (for the OpenAPI document): other fields are ignored.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct DocumentFormSchema {
    /// The plan or summary report: Word (`.docx`), PDF, text or HTML.
    #[schema(format = Binary, value_type = String)]
    pub file: Vec<u8>,
}

/// `POST …/units/{unit}/documents/{plan|summary_report}`: a Word, PDF, text or HTML file in
/// the multipart field `file`, streamed through the normal ingest (size limit, type sniffing,
/// BLAKE3). A new version replaces the current one; the first one dates the submission.
#[utoipa::path(post, path = "/api/v1/campaigns/{campaign}/units/{unit}/documents/{purpose}", tag = "reporting", security(("bearer" = [])),
    params(("campaign" = String, Path, description = "a campaign's slug, or `current`"), ("unit" = String, Path, description = "a unit id, or `me` for the calling unit"), ("purpose" = String, Path, description = "`plan` or `summary_report`")),
    request_body(content = DocumentFormSchema, content_type = "multipart/form-data"),
    responses((status = 201, body = UnitReportJson), (status = 400, description = "`malformed-multipart`, `missing-file`, `multiple-files`; `not-a-unit` (`me` from a staff session)", body = crate::json::ErrorEnvelope), (status = 403, description = "`not-your-unit`: only the unit itself sends its documents; `forbidden`: a partner, or staff of the other desk", body = crate::json::ErrorEnvelope), (status = 404, description = "No such campaign or unit", body = crate::json::ErrorEnvelope), (status = 409, description = "`campaign-closed`: not the active campaign", body = crate::json::ErrorEnvelope), (status = 413, body = crate::json::ErrorEnvelope), (status = 415, description = "Not a Word, PDF, text or HTML file", body = crate::json::ErrorEnvelope), (status = 422, description = "`unknown-value` (purpose); `not-a-reporting-unit`", body = crate::json::ErrorEnvelope)))]
pub async fn post_document(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
    mut form_data: Multipart,
) -> Result<HttpResponse, ApiError> {
    let (campaign, unit, purpose) = path.into_inner();
    let purpose = DocumentPurpose::parse(&purpose)?;
    // Who sends what where is settled before a byte of the form is read.
    let upload = state
        .reporting
        .document_upload(&caller.actor(), &campaign, &unit, purpose)
        .await?;
    let mut staged = None;
    while let Some(mut field) = form_data.try_next().await.map_err(malformed)? {
        if field.name() != Some("file") {
            // Drain and ignore other fields; a document has no tags.
            while field.try_next().await.map_err(malformed)?.is_some() {}
            continue;
        }
        if staged.is_some() {
            return Err(ApiError::bad_request(
                "multiple-files",
                "send one document per request",
            ));
        }
        let filename = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .unwrap_or("document")
            .to_owned();
        let mut open = state.reporting.stage_document(&filename).await?;
        while let Some(chunk) = field.try_next().await.map_err(malformed)? {
            open.write(&chunk).await?;
        }
        staged = Some(open.finish().await?);
    }
    let staged = staged
        .ok_or_else(|| ApiError::bad_request("missing-file", "the form has no 'file' part"))?;
    let report = state.reporting.record_document(upload, staged).await?;
    Ok(HttpResponse::Created().json(report_json(&report)))
}

/// `GET …/units/{unit}/documents/{purpose}`: the current version, named as it was sent.
#[utoipa::path(get, path = "/api/v1/campaigns/{campaign}/units/{unit}/documents/{purpose}", tag = "reporting", security(("bearer" = [])),
    params(("campaign" = String, Path, description = "a campaign's slug, or `current`"), ("unit" = String, Path, description = "a unit id, or `me` for the calling unit"), ("purpose" = String, Path, description = "`plan` or `summary_report`")),
    responses((status = 200, description = "The current version's bytes"), (status = 404, body = crate::json::ErrorEnvelope), (status = 422, description = "`unknown-value`: not `plan` or `summary_report`", body = crate::json::ErrorEnvelope)))]
pub async fn get_document(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (campaign, unit, purpose) = path.into_inner();
    let purpose = DocumentPurpose::parse(&purpose)?;
    let target = state
        .reporting
        .target(&caller.actor(), &campaign, &unit)
        .await?;
    let versions = state
        .db
        .documents_of_unit(target.campaign.campaign.id, target.unit.id, purpose)
        .await?;
    let current = versions
        .last()
        .ok_or_else(|| ApiError::not_found(purpose.as_str()))?;
    let key =
        vocweek_storage::original_key(&current.blake3).map_err(|err| ApiError::internal(&err))?;
    let (file, size) = state
        .store
        .open(&key)
        .await
        .map_err(|err| ApiError::internal(&err))?;
    let stream = tokio_util::io::ReaderStream::with_capacity(file, 256 * 1024);
    Ok(HttpResponse::Ok()
        .content_type(current.mime.clone())
        .insert_header((
            "Content-Disposition",
            content_disposition("attachment", &current.original_filename),
        ))
        // An HTML plan may hold scripts: never run them on our origin.
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Content-Security-Policy", "default-src 'none'; sandbox"))
        .no_chunking(size)
        .streaming(stream))
}

/// `GET …/units/{unit}/statistics.xlsx`: the unit's own table as the Ministry's Excel form
/// (统计单位 is the unit; a draft is marked so on the status sheet), to keep or to print.
#[utoipa::path(get, path = "/api/v1/campaigns/{campaign}/units/{unit}/statistics.xlsx", tag = "reporting", security(("bearer" = [])),
    params(("campaign" = String, Path, description = "a campaign's slug, or `current`"), ("unit" = String, Path, description = "a unit id, or `me` for the calling unit")),
    responses((status = 200, description = "The Excel form with this unit's row", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = crate::json::ErrorEnvelope), (status = 404, body = crate::json::ErrorEnvelope), (status = 422, description = "`not-a-reporting-unit`: the unit sends no statistics table", body = crate::json::ErrorEnvelope)))]
pub async fn get_unit_statistics_xlsx(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (campaign, unit) = path.into_inner();
    let target = state
        .reporting
        .target(&caller.actor(), &campaign, &unit)
        .await?;
    target.unit.owes(Obligation::Statistics)?;
    let report = state.reporting.report_of(target).await?;
    let statistics = report_json(&report)
        .statistics
        .ok_or_else(|| ApiError::not_found("statistics table"))?;
    if statistics.status == "missing" {
        return Err(ApiError::not_found("statistics table"));
    }
    let (campaign, unit) = (&report.campaign, &report.unit);
    let title = format!("{}年职业教育活动周情况统计表", campaign.campaign.year);
    let status = vocweek_pipeline::StatusRow {
        unit_name: unit.name.clone(),
        unit_kind_zh: unit.kind.name_zh().to_owned(),
        city_zh: campaign
            .vocabulary
            .city(&unit.city)
            .map(|c| c.zh.clone())
            .unwrap_or_else(|| unit.city.clone()),
        status_zh: super::overview::status_zh(statistics.status).to_owned(),
        first_submitted: statistics
            .first_submitted_at
            .map(crate::shanghai_time::beijing)
            .unwrap_or_default(),
        last_submitted: statistics
            .submitted_at
            .map(crate::shanghai_time::beijing)
            .unwrap_or_default(),
    };
    let rows = [vocweek_pipeline::StatisticsRow {
        unit_name: unit.name.clone(),
        figures: statistics.figures,
    }];
    let bytes = vocweek_pipeline::statistics_xlsx(&vocweek_pipeline::StatisticsWorkbook {
        title: &title,
        reporting_unit: &unit.name,
        rows: &rows,
        statuses: std::slice::from_ref(&status),
        with_total: false,
    })
    .map_err(|err| ApiError::internal(&err))?;
    Ok(super::overview::xlsx_response(
        bytes,
        &format!("{title}-{}.xlsx", unit.name),
    ))
}
