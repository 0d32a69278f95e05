//! A channel's page (`/channels/{id}`): its facts and state, and for whoever manages it the
//! encoder's settings (服务器, the key's last characters), 生成新密钥 / 停用密钥, why the last
//! publish was refused, and the latest event. A new key is shown on the answer that made it
//! and never again (the answer is not cached). `/channels/{id}/watch` is the 观看 page: the
//! live ladder through hls.js (`static/live.js`).

use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use vocweek_api::{ApiError, AppState};
use vocweek_app::{ChannelState, ChannelView, Channels};
use vocweek_db::live::LiveEvent;
use vocweek_messages::Lang;

use super::rows::{ChannelRow, Names};
use super::viewer::{Viewer, posted, viewer};
use crate::error_page::ErrorPage;
use crate::layout::{Frame, beijing, html};
use crate::staff::urlencode;

#[derive(Template)]
#[template(path = "channels/detail.html")]
struct DetailPage {
    frame: Frame,
    csrf: String,
    channel: ChannelRow,
    /// The viewer may change the key (staff, the organising unit).
    manages: bool,
    /// The key just made: on this answer only.
    new_key: Option<String>,
    /// Where the encoder publishes (服务器); `None` when no node takes RTMP.
    rtmp_url: Option<String>,
    has_key: bool,
    key_hint: String,
    refusal: Option<Refusal>,
    event: Option<EventFacts>,
    /// The replay's item in the queue, for staff.
    replay: Option<String>,
}

/// The last publish the ingest turned away.
struct Refusal {
    code: String,
    at: String,
    sentence: String,
}

/// The latest event, in Beijing time.
struct EventFacts {
    started: String,
    interrupted: Option<String>,
    ended: Option<String>,
    ended_how: Option<&'static str>,
    /// Publishes joined into the event after the first.
    reconnects: i32,
}

impl EventFacts {
    fn of(event: &LiveEvent) -> EventFacts {
        EventFacts {
            started: beijing(event.started_at),
            interrupted: event.interrupted_at.map(beijing),
            ended: event.ended_at.map(beijing),
            ended_how: event.ended_how.as_deref().map(|how| match how {
                "clean" => "推流端正常结束",
                "vanished" => "推流中断后未在等待时间内恢复",
                _ => "其他原因",
            }),
            reconnects: (event.publishes - 1).max(0),
        }
    }
}

#[derive(Template)]
#[template(path = "channels/watch.html")]
struct WatchPage {
    frame: Frame,
    channel: ChannelRow,
    live: bool,
    ended: bool,
}

/// Why a publish was refused, for people; a code from a newer node still gets a sentence.
fn refusal_sentence(code: &str) -> String {
    vocweek_messages::error(Lang::ZhCn, code, &[])
        .unwrap_or_else(|| format!("推流被拒绝（代码 {code}）。"))
}

/// The channel's head as the pages show it: its unit's and the week's names.
async fn row(state: &AppState, view: &ChannelView) -> Result<ChannelRow, ApiError> {
    let unit = state.db.unit(view.channel.unit_id).await?;
    let units: Vec<_> = unit.into_iter().collect();
    let campaign = state.ingestor.campaign();
    let names = Names::new(&units, &campaign.vocabulary);
    Ok(names.row(view, state.live_viewers.count(&view.channel.id)))
}

/// The channel's page; `new_key` is shown once, on this answer.
pub(super) async fn render(
    req: &HttpRequest,
    state: &AppState,
    viewer: &Viewer,
    view: ChannelView,
    new_key: Option<String>,
) -> HttpResponse {
    let channel_row = match row(state, &view).await {
        Ok(row) => row,
        Err(err) => return err.page(),
    };
    let manages = Channels::may_manage(&viewer.actor(), &view.channel);
    let rtmp_url = match &state.rtmp {
        Some(rtmp) if manages => Some(rtmp.url_for(req.connection_info().host())),
        _ => None,
    };
    let channel = &view.channel;
    let refusal = match (&channel.last_refusal, channel.last_refusal_at) {
        (Some(code), at) if manages => Some(Refusal {
            sentence: refusal_sentence(code),
            code: code.clone(),
            at: at.map(beijing).unwrap_or_default(),
        }),
        _ => None,
    };
    let replay = view
        .event
        .as_ref()
        .and_then(|event| event.replay_asset_id.clone())
        .filter(|_| viewer.staff().is_some());
    let shows_key = new_key.is_some();
    let page = DetailPage {
        frame: viewer.frame(&channel.title, req),
        csrf: viewer.csrf(),
        manages,
        new_key,
        rtmp_url,
        has_key: channel.has_key,
        key_hint: channel.key_hint.clone(),
        refusal,
        event: view.event.as_ref().map(EventFacts::of),
        replay,
        channel: channel_row,
    };
    let mut response = html(StatusCode::OK, &page);
    if shows_key {
        // Not kept by the browser or a proxy: the key is not shown again, even by Back.
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// `GET /channels/{id}`.
pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let viewer = match viewer(&req, &state).await {
        Ok(viewer) => viewer,
        Err(answer) => return answer,
    };
    match state.channels.view(&viewer.actor(), &id).await {
        Ok(view) => render(&req, &state, &viewer, view, None).await,
        Err(err) => ApiError::from(err).page(),
    }
}

/// `POST /channels/{id}/key`: a new key, shown on the answer; the old one admits nobody.
pub async fn new_key(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: String,
) -> HttpResponse {
    let form = match posted(&req, &state, &body).await {
        Ok(form) => form,
        Err(answer) => return answer,
    };
    let actor = form.viewer.actor();
    let created = match state.channels.new_key(&actor, &id).await {
        Ok(created) => created,
        Err(err) => return ApiError::from(err).page(),
    };
    match state.channels.view(&actor, &created.channel.id).await {
        Ok(view) => render(&req, &state, &form.viewer, view, Some(created.stream_key)).await,
        Err(err) => ApiError::from(err).page(),
    }
}

/// `POST /channels/{id}/key/revoke`: nobody publishes until a new key is made; back to the
/// channel's page, which says so.
pub async fn revoke_key(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: String,
) -> HttpResponse {
    let form = match posted(&req, &state, &body).await {
        Ok(form) => form,
        Err(answer) => return answer,
    };
    match state.channels.revoke_key(&form.viewer.actor(), &id).await {
        Ok(channel) => HttpResponse::SeeOther()
            .insert_header(("Location", format!("/channels/{}", urlencode(&channel.id))))
            .finish(),
        Err(err) => ApiError::from(err).page(),
    }
}

/// `GET /channels/{id}/watch`: 观看.
pub async fn watch(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let viewer = match viewer(&req, &state).await {
        Ok(viewer) => viewer,
        Err(answer) => return answer,
    };
    let view = match state.channels.view(&viewer.actor(), &id).await {
        Ok(view) => view,
        Err(err) => return ApiError::from(err).page(),
    };
    let channel = match row(&state, &view).await {
        Ok(row) => row,
        Err(err) => return err.page(),
    };
    html(
        StatusCode::OK,
        &WatchPage {
            frame: viewer.frame(&format!("观看：{}", view.channel.title), &req),
            live: view.state == ChannelState::Live,
            ended: view.state == ChannelState::Ended,
            channel,
        },
    )
}
