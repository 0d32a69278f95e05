//! Webhook subscriptions: a partner registers a URL and receives the signing secret once;
//! the partner (its own) and admins (all) read the delivery log.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vocweek_db::webhooks::{Webhook, WebhookDelivery};

use super::caller::{Reader, reader};
use crate::auth::Caller;
use crate::{ApiError, AppState};

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewWebhookRequest {
    /// `https://…` (or `http://…`) where events are POSTed.
    pub url: String,
}

/// A webhook subscription. `secret` (`whsec_…`) is only in the answer that creates it.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookJson {
    pub id: i32,
    pub partner_id: i32,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// One message and how its delivery went.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryJson {
    pub id: i32,
    /// The `webhook-id` header: the same on every attempt (receivers dedupe by it).
    pub message_id: String,
    /// `asset.published`, `asset.recommended` or `asset.withdrawn`.
    pub event_type: String,
    /// `pending` (being retried), `delivered` or `failed`.
    pub state: String,
    pub attempts: i32,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

fn webhook_json(row: Webhook, with_secret: bool) -> WebhookJson {
    WebhookJson {
        id: row.id,
        partner_id: row.partner_id,
        url: row.url,
        secret: with_secret.then_some(row.secret),
        created_at: row.created_at,
    }
}

fn delivery_json(row: WebhookDelivery) -> DeliveryJson {
    DeliveryJson {
        id: row.id,
        message_id: row.message_id,
        event_type: row.event_type,
        state: row.state,
        attempts: row.attempts,
        last_status: row.last_status,
        last_error: row.last_error,
        payload: serde_json::from_str(&row.payload).unwrap_or(serde_json::Value::Null),
        created_at: row.created_at,
        delivered_at: row.delivered_at,
    }
}

/// The webhook if the reader may see it (its own, or any for an admin); else 404.
async fn visible(state: &AppState, who: &Reader, id: i32) -> Result<Webhook, ApiError> {
    state
        .db
        .webhook(id)
        .await?
        .filter(|hook| hook.disabled_at.is_none())
        .filter(|hook| who.partner.is_none_or(|partner| partner == hook.partner_id))
        .ok_or_else(|| ApiError::not_found("webhook"))
}

/// Registers a webhook for the calling partner. Approval, recommendation and withdrawal are
/// POSTed to it as JSON, signed as the Standard Webhooks specification says.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "distribution",
    request_body = NewWebhookRequest,
    security(("bearer" = [])),
    responses((status = 201, body = WebhookJson),
              (status = 400, body = crate::json::ErrorEnvelope),
              (status = 403, body = crate::json::ErrorEnvelope),
              (status = 429, description = "`rate-limited`: the partner key's request budget is spent; `Retry-After`", body = crate::json::ErrorEnvelope)))]
pub async fn create_webhook(
    caller: Caller,
    state: web::Data<AppState>,
    body: web::Json<NewWebhookRequest>,
) -> Result<HttpResponse, ApiError> {
    let Some(partner) = reader(&caller, &state)?.partner else {
        return Err(ApiError::forbidden(
            "webhooks belong to a partner's API key",
        ));
    };
    let url = body.0.url.trim().to_owned();
    let valid = is_http_url(&url);
    if !valid {
        return Err(ApiError::bad_request(
            "invalid-url",
            "url must be an absolute http:// or https:// URL with a host",
        ));
    }
    let row = state.db.create_webhook(partner, &url).await?;
    Ok(HttpResponse::Created().json(webhook_json(row, true)))
}

/// `http(s)://host…` with no spaces: the deliverer checks the address itself at send time.
fn is_http_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty()
            && !host.contains('@')
            && url.len() <= 2000
            && !url.contains(char::is_whitespace)
    })
}

/// The calling partner's webhooks (all of them for an admin).
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "distribution",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<WebhookJson>),
              (status = 429, description = "`rate-limited`: the partner key's request budget is spent; `Retry-After`", body = crate::json::ErrorEnvelope)))]
pub async fn list_webhooks(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let who = reader(&caller, &state)?;
    let rows = state.db.webhooks(who.partner).await?;
    Ok(HttpResponse::Ok().json(
        rows.into_iter()
            .map(|row| webhook_json(row, false))
            .collect::<Vec<_>>(),
    ))
}

/// Stops a webhook (its delivery log stays for admins).
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "distribution",
    params(("id" = i32, Path, description = "Webhook id")),
    security(("bearer" = [])),
    responses((status = 204, description = "Stopped"),
              (status = 404, body = crate::json::ErrorEnvelope),
              (status = 429, description = "`rate-limited`: the partner key's request budget is spent; `Retry-After`", body = crate::json::ErrorEnvelope)))]
pub async fn delete_webhook(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let who = reader(&caller, &state)?;
    let hook = visible(&state, &who, id.into_inner()).await?;
    state.db.disable_webhook(hook.id).await?;
    Ok(HttpResponse::build(StatusCode::NO_CONTENT).finish())
}

/// The delivery log of a webhook, newest first (200 at most).
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "distribution",
    params(("id" = i32, Path, description = "Webhook id")),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<DeliveryJson>),
              (status = 404, body = crate::json::ErrorEnvelope),
              (status = 429, description = "`rate-limited`: the partner key's request budget is spent; `Retry-After`", body = crate::json::ErrorEnvelope)))]
pub async fn list_deliveries(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let who = reader(&caller, &state)?;
    let hook = visible(&state, &who, id.into_inner()).await?;
    let rows = state.db.deliveries(hook.id, 200).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(delivery_json).collect::<Vec<_>>()))
}
