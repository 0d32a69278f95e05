//! Campaigns as data: next year's week is created by an admin (here, on the page or with
//! `vocweek campaign create`) with its own dates, theme and a copy of a vocabulary, then
//! activated; no code changes. Who may and what is accepted is `vocweek_app::Campaigns`'s.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::ToSchema;
use vocweek_domain::CampaignFields;

use super::unit_report::campaign_of;
use super::view::CampaignJson;
use crate::auth::Caller;
use crate::{ApiError, AppState};

/// The body of `POST /api/v1/campaigns`: the campaign's fields (the domain's, flattened: one
/// JSON object) and the campaign whose vocabulary it copies.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewCampaignRequest {
    #[serde(flatten)]
    pub campaign: CampaignFields,
    /// The campaign whose vocabulary (cities, categories, themes) is copied; default the
    /// active one. The copy belongs to the new campaign.
    pub vocabulary_from: Option<String>,
}

/// `GET /api/v1/campaigns`: every campaign, newest first.
#[utoipa::path(get, path = "/api/v1/campaigns", tag = "reporting", security(("bearer" = [])),
    responses((status = 200, description = "Campaigns, newest first", body = crate::reporting::view::CampaignListJson)))]
pub async fn list(caller: Caller, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let _ = caller;
    let campaigns: Vec<CampaignJson> = state
        .db
        .campaigns()
        .await?
        .iter()
        .map(CampaignJson::from)
        .collect();
    Ok(HttpResponse::Ok().json(crate::reporting::view::CampaignListJson { campaigns }))
}

/// `POST /api/v1/campaigns` (admin).
#[utoipa::path(post, path = "/api/v1/campaigns", tag = "reporting", security(("bearer" = [])),
    request_body = NewCampaignRequest,
    responses((status = 201, body = CampaignJson), (status = 403, body = crate::json::ErrorEnvelope), (status = 404, description = "`vocabulary_from` names no campaign", body = crate::json::ErrorEnvelope), (status = 409, description = "Slug taken", body = crate::json::ErrorEnvelope), (status = 422, description = "Dates or names refused", body = crate::json::ErrorEnvelope)))]
pub async fn create(
    caller: Caller,
    state: web::Data<AppState>,
    body: web::Json<NewCampaignRequest>,
) -> Result<HttpResponse, ApiError> {
    let NewCampaignRequest {
        campaign,
        vocabulary_from,
    } = body.into_inner();
    let created = state
        .campaigns
        .create(&caller.actor(), campaign, vocabulary_from.as_deref())
        .await?;
    let created = CampaignJson::from(&created.campaign);
    let location = format!("/api/v1/campaigns/{}", created.campaign.slug);
    Ok(HttpResponse::Created()
        .insert_header(("Location", location))
        .json(created))
}

/// `GET /api/v1/campaigns/{campaign}` (`current` for the active one).
#[utoipa::path(get, path = "/api/v1/campaigns/{campaign}", tag = "reporting", security(("bearer" = [])),
    params(("campaign" = String, Path, description = "a campaign's slug, or `current`")),
    responses((status = 200, description = "The campaign and its vocabulary", body = crate::reporting::view::CampaignVocabularyJson), (status = 404, body = crate::json::ErrorEnvelope)))]
pub async fn get(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let _ = caller;
    let campaign = campaign_of(&state, &path.into_inner()).await?;
    Ok(
        HttpResponse::Ok().json(crate::reporting::view::CampaignVocabularyJson::from(
            campaign.as_ref(),
        )),
    )
}

/// `POST /api/v1/campaigns/{campaign}/activate` (admin).
#[utoipa::path(post, path = "/api/v1/campaigns/{campaign}/activate", tag = "reporting", security(("bearer" = [])),
    params(("campaign" = String, Path, description = "a campaign's slug, or `current`")),
    responses((status = 200, body = CampaignJson), (status = 403, body = crate::json::ErrorEnvelope), (status = 404, body = crate::json::ErrorEnvelope)))]
pub async fn activate(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let activated = state
        .campaigns
        .activate(&caller.actor(), &path.into_inner())
        .await?;
    Ok(HttpResponse::Ok().json(CampaignJson::from(&activated.campaign)))
}
