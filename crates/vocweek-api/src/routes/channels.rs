//! Live channels as JSON: opening one (its stream key answered once), listing and reading
//! them, a new key and a revoked one. Who may do what is `vocweek_app::Channels`'s.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vocweek_app::{ChannelInput, ChannelView, Channels, CreatedChannel};

use crate::auth::Caller;
use crate::{ApiError, AppState};

/// `POST /api/v1/channels`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelRequest {
    pub title: String,
    /// The organising unit; staff must name it, a unit opens channels for itself.
    pub unit_id: Option<i32>,
    /// A city slug; the unit's city when absent.
    pub city: Option<String>,
    /// Theme slugs of the campaign's vocabulary.
    #[serde(default)]
    pub themes: Vec<String>,
    pub scheduled_start: DateTime<Utc>,
}

/// A channel's latest event.
#[derive(Debug, Serialize, ToSchema)]
pub struct LiveEventJson {
    pub id: String,
    pub started_at: DateTime<Utc>,
    pub interrupted_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    /// `clean` (the publisher stopped) or `vanished` (it did not come back in time).
    pub ended_how: Option<String>,
    /// 1 + the reconnects joined into it.
    pub publishes: i32,
    pub replay_asset_id: Option<String>,
}

/// A live channel.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChannelJson {
    pub id: String,
    pub title: String,
    pub unit_id: i32,
    pub city: String,
    pub category: String,
    pub subcategory: String,
    pub themes: Vec<String>,
    pub scheduled_start: DateTime<Utc>,
    /// `scheduled`, `live`, `interrupted` (may come back within the grace period) or `ended`.
    pub state: String,
    pub has_key: bool,
    /// The key's last characters, to tell keys apart.
    pub key_hint: String,
    /// The stable code of the last refused publish (`unknown-key`, `unsupported-video-codec`…).
    pub last_refusal: Option<String>,
    pub last_refusal_at: Option<DateTime<Utc>>,
    pub event: Option<LiveEventJson>,
    /// The live master playlist (hls.js, Safari, VLC…).
    pub live_url: String,
    /// The same with each rendition's DVR window.
    pub dvr_url: String,
    /// Viewers on this node, now.
    pub viewers: usize,
    /// Where an encoder publishes, for whoever manages the channel and when live ingest is on.
    pub rtmp_url: Option<String>,
    /// Only in the answer that made it: never shown again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream_key: Option<String>,
}

/// `GET /api/v1/channels`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChannelListJson {
    pub channels: Vec<ChannelJson>,
}

fn channel_json(
    req: &HttpRequest,
    state: &AppState,
    caller: &Caller,
    view: ChannelView,
    stream_key: Option<String>,
) -> ChannelJson {
    let ChannelView {
        channel,
        event,
        state: channel_state,
    } = view;
    let manages = Channels::may_manage(&caller.actor(), &channel);
    let rtmp_url = match &state.rtmp {
        Some(rtmp) if manages => Some(rtmp.url_for(req.connection_info().host())),
        _ => None,
    };
    ChannelJson {
        live_url: format!("/api/v1/channels/{}/live/master.m3u8", channel.id),
        dvr_url: format!("/api/v1/channels/{}/live/dvr.m3u8", channel.id),
        viewers: state.live_viewers.count(&channel.id),
        id: channel.id,
        title: channel.title,
        unit_id: channel.unit_id,
        city: channel.city,
        category: channel.category,
        subcategory: channel.subcategory,
        themes: channel.themes,
        scheduled_start: channel.scheduled_start,
        state: channel_state.code().to_owned(),
        has_key: channel.has_key,
        key_hint: channel.key_hint,
        last_refusal: channel.last_refusal,
        last_refusal_at: channel.last_refusal_at,
        event: event.map(|e| LiveEventJson {
            id: e.id,
            started_at: e.started_at,
            interrupted_at: e.interrupted_at,
            ended_at: e.ended_at,
            ended_how: e.ended_how,
            publishes: e.publishes,
            replay_asset_id: e.replay_asset_id,
        }),
        rtmp_url,
        stream_key,
    }
}

fn with_key(
    req: &HttpRequest,
    state: &AppState,
    caller: &Caller,
    created: CreatedChannel,
) -> ChannelJson {
    let view = ChannelView {
        state: vocweek_app::ChannelState::Scheduled,
        channel: created.channel,
        event: None,
    };
    channel_json(req, state, caller, view, Some(created.stream_key))
}

/// Opens a live channel; the answer holds its stream key, which is never shown again.
#[utoipa::path(post, path = "/api/v1/channels", tag = "channels", request_body = ChannelRequest,
    security(("bearer" = [])),
    responses((status = 201, body = ChannelJson), (status = 403, body = crate::json::ErrorEnvelope),
              (status = 422, description = "A field is refused (`invalid-channel`)", body = crate::json::ErrorEnvelope)))]
pub async fn create_channel(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    body: web::Json<ChannelRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let input = ChannelInput {
        title: body.title,
        unit_id: body.unit_id,
        city: body.city,
        themes: body.themes,
        scheduled_start: body.scheduled_start,
    };
    let created = state.channels.create(&caller.actor(), input).await?;
    let mut json = with_key(&req, &state, &caller, created);
    json.state = "scheduled".to_owned();
    Ok(HttpResponse::Created().json(json))
}

/// The active campaign's channels the caller may see (a unit its own), soonest first.
#[utoipa::path(get, path = "/api/v1/channels", tag = "channels", security(("bearer" = [])),
    responses((status = 200, body = ChannelListJson)))]
pub async fn list_channels(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let views = state.channels.list(&caller.actor()).await?;
    let channels = views
        .into_iter()
        .map(|view| channel_json(&req, &state, &caller, view, None))
        .collect();
    Ok(HttpResponse::Ok().json(ChannelListJson { channels }))
}

#[utoipa::path(get, path = "/api/v1/channels/{id}", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id")),
    responses((status = 200, body = ChannelJson), (status = 404, body = crate::json::ErrorEnvelope)))]
pub async fn get_channel(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let view = state.channels.view(&caller.actor(), &id).await?;
    Ok(HttpResponse::Ok().json(channel_json(&req, &state, &caller, view, None)))
}

/// A new stream key (answered once); the old key admits nobody from now on.
#[utoipa::path(post, path = "/api/v1/channels/{id}/key", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id")),
    responses((status = 200, body = ChannelJson), (status = 403, body = crate::json::ErrorEnvelope),
              (status = 404, body = crate::json::ErrorEnvelope)))]
pub async fn new_channel_key(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let created = state.channels.new_key(&caller.actor(), &id).await?;
    let view = state
        .channels
        .view(&caller.actor(), &created.channel.id)
        .await?;
    Ok(HttpResponse::Ok().json(channel_json(
        &req,
        &state,
        &caller,
        view,
        Some(created.stream_key),
    )))
}

/// Revokes the stream key: no publisher is admitted until a new key is made.
#[utoipa::path(delete, path = "/api/v1/channels/{id}/key", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id")),
    responses((status = 200, body = ChannelJson), (status = 403, body = crate::json::ErrorEnvelope),
              (status = 404, body = crate::json::ErrorEnvelope)))]
pub async fn revoke_channel_key(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let channel = state.channels.revoke_key(&caller.actor(), &id).await?;
    let view = state.channels.view(&caller.actor(), &channel.id).await?;
    Ok(HttpResponse::Ok().json(channel_json(&req, &state, &caller, view, None)))
}
