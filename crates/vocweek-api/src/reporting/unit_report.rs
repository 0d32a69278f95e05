//! A unit's own reports: read them all at once, register the website and liaison, save the
//! statistics table as a draft or submit it, send the plan and the summary report.

use std::sync::Arc;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use futures_util::TryStreamExt;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use vocweek_db::campaigns::ActiveCampaign;
use vocweek_db::reporting::SaveStatistics;
use vocweek_domain::reporting::{
    DocumentPurpose, FieldProblem, Liaison, RawFigures, check_draft, check_final, check_website,
};

use super::access::{TargetUnit, target_unit};
use super::view::{UnitReportJson, UnitRows};
use crate::auth::Caller;
use crate::disposition::content_disposition;
use crate::routes::malformed;
use crate::{ApiError, AppState};

/// `current` is the active campaign; otherwise a campaign's slug.
pub async fn campaign_of(state: &AppState, slug: &str) -> Result<Arc<ActiveCampaign>, ApiError> {
    if slug == "current" {
        return Ok(state.ingestor.campaign());
    }
    Ok(Arc::new(state.db.campaign_by_slug(slug).await?))
}

/// Reports go to the active campaign only: an earlier week's are read, no longer changed (its
/// totals were sent), and a week not yet active does not take reports yet.
fn require_active(campaign: &ActiveCampaign) -> Result<(), ApiError> {
    if campaign.campaign.active {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::CONFLICT,
            "campaign-closed",
            format!(
                "campaign '{}' is not the active one; its reports can be read, not changed",
                campaign.campaign.slug
            ),
        ))
    }
}

/// The campaign and unit of a write: the unit itself, in the active campaign.
async fn writable(
    state: &AppState,
    caller: &Caller,
    campaign: &str,
    unit: &str,
) -> Result<(Arc<ActiveCampaign>, TargetUnit), ApiError> {
    let campaign = campaign_of(state, campaign).await?;
    let target = target_unit(state, caller, unit).await?;
    target.require_edit()?;
    require_active(&campaign)?;
    Ok((campaign, target))
}

pub fn invalid_fields(problems: Vec<FieldProblem>) -> ApiError {
    let summary = problems
        .iter()
        .map(|p| format!("{}: {}", p.field, p.message))
        .collect::<Vec<_>>()
        .join("; ");
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-fields",
        format!("please correct: {summary}"),
    )
    .with_details(json!({ "problems": problems }))
}

pub async fn unit_report(
    state: &AppState,
    campaign: &ActiveCampaign,
    target: &TargetUnit,
) -> Result<UnitReportJson, ApiError> {
    let campaign_id = campaign.campaign.id;
    let unit_id = target.unit.id;
    let registration = state.db.registration(campaign_id, unit_id).await?;
    let documents = state.db.unit_documents(campaign_id, unit_id).await?;
    let statistics = state.db.statistics_report(campaign_id, unit_id).await?;
    Ok(UnitReportJson::new(
        campaign,
        &target.unit,
        target.kind.reports_statistics(),
        UnitRows {
            registration: registration.as_ref(),
            documents: documents.iter().collect(),
            statistics: statistics.as_ref(),
        },
    ))
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
    let campaign = campaign_of(&state, &campaign).await?;
    let target = target_unit(&state, &caller, &unit).await?;
    Ok(HttpResponse::Ok().json(unit_report(&state, &campaign, &target).await?))
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
    let (campaign, target) = writable(&state, &caller, &campaign, &unit).await?;
    target.require_daily_unit()?;
    let body = body.into_inner();
    if body.website_url.is_none() && body.liaison.is_none() {
        return Err(ApiError::bad_request(
            "nothing-to-save",
            "send 'website_url', 'liaison' or both",
        ));
    }
    let mut problems = Vec::new();
    let website = match body
        .website_url
        .as_deref()
        .map(|w| check_website("website_url", w))
    {
        Some(Ok(url)) => Some(url),
        Some(Err(problem)) => {
            problems.push(problem);
            None
        }
        None => None,
    };
    let liaison = match body.liaison.as_ref().map(Liaison::checked) {
        Some(Ok(liaison)) => Some(liaison),
        Some(Err(found)) => {
            problems.extend(found);
            None
        }
        None => None,
    };
    if !problems.is_empty() {
        return Err(invalid_fields(problems));
    }
    state
        .db
        .save_registration(
            campaign.campaign.id,
            target.unit.id,
            website.as_deref(),
            liaison.as_ref(),
        )
        .await?;
    Ok(HttpResponse::Ok().json(unit_report(&state, &campaign, &target).await?))
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
    let (campaign, target) = writable(&state, &caller, &campaign, &unit).await?;
    target.require_statistics_unit()?;
    let body = body.into_inner();
    let figures = if body.submit {
        check_final(&body.figures, target.kind)
    } else {
        check_draft(&body.figures)
    }
    .map_err(invalid_fields)?;
    state
        .db
        .save_statistics(SaveStatistics {
            campaign_id: campaign.campaign.id,
            unit_id: target.unit.id,
            figures: &figures,
            submit: body.submit,
            expected_revision: body.revision,
        })
        .await
        .map_err(|err| match err {
            vocweek_db::DbError::Invalid(message) => {
                ApiError::new(StatusCode::CONFLICT, "already-submitted", message)
            }
            other => other.into(),
        })?;
    Ok(HttpResponse::Ok().json(unit_report(&state, &campaign, &target).await?))
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
    let (campaign, target) = writable(&state, &caller, &campaign, &unit).await?;
    match purpose {
        DocumentPurpose::Plan => target.require_daily_unit()?,
        DocumentPurpose::SummaryReport => target.require_statistics_unit()?,
    }
    let uploader = caller.uploader()?;
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
        let mut open = state
            .ingestor
            .start_upload(&filename, Some(vocweek_domain::AssetKind::Article))
            .await?;
        while let Some(chunk) = field.try_next().await.map_err(malformed)? {
            open.write(&chunk).await?;
        }
        staged = Some(open.finish().await?);
    }
    let staged = staged
        .ok_or_else(|| ApiError::bad_request("missing-file", "the form has no 'file' part"))?;
    state
        .ingestor
        .commit_document(staged, campaign.campaign.id, &uploader, purpose)
        .await?;
    Ok(HttpResponse::Created().json(unit_report(&state, &campaign, &target).await?))
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
    let campaign = campaign_of(&state, &campaign).await?;
    let target = target_unit(&state, &caller, &unit).await?;
    let versions = state
        .db
        .documents_of_unit(campaign.campaign.id, target.unit.id, purpose)
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
    let campaign = campaign_of(&state, &campaign).await?;
    let target = target_unit(&state, &caller, &unit).await?;
    target.require_statistics_unit()?;
    let report = unit_report(&state, &campaign, &target).await?;
    let statistics = report
        .statistics
        .ok_or_else(|| ApiError::not_found("statistics table"))?;
    if statistics.status == "missing" {
        return Err(ApiError::not_found("statistics table"));
    }
    let title = format!("{}年职业教育活动周情况统计表", campaign.campaign.year);
    let status = vocweek_pipeline::StatusRow {
        unit_name: target.unit.name.clone(),
        unit_kind_zh: target.kind.name_zh().to_owned(),
        city_zh: campaign
            .vocabulary
            .city(&target.unit.city)
            .map(|c| c.zh.clone())
            .unwrap_or_else(|| target.unit.city.clone()),
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
        unit_name: target.unit.name.clone(),
        figures: statistics.figures,
    }];
    let bytes = vocweek_pipeline::statistics_xlsx(&vocweek_pipeline::StatisticsWorkbook {
        title: &title,
        reporting_unit: &target.unit.name,
        rows: &rows,
        statuses: std::slice::from_ref(&status),
        with_total: false,
    })
    .map_err(|err| ApiError::internal(&err))?;
    Ok(super::overview::xlsx_response(
        bytes,
        &format!("{title}-{}.xlsx", target.unit.name),
    ))
}
