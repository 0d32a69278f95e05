//! 推送记录: the admins' view of the partners' webhooks and each one's delivery log (what was
//! sent, how many attempts, the receiver's last answer or why it failed), in Beijing time.
//! The same data as `GET /api/v1/webhooks` and `…/{id}/deliveries`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use vocweek_api::{ApiError, AppState};
use vocweek_domain::Role;

use crate::error_page::ErrorPage;
use crate::layout::{Frame, beijing, ok};
use crate::menu::Place;
use crate::staff::Staff;

/// Deliveries shown per webhook, newest first.
const LOG_ROWS: u64 = 200;

const TITLE: &str = "推送记录";

#[derive(Template)]
#[template(path = "webhooks/list.html")]
struct ListPage {
    frame: Frame,
    hooks: Vec<HookRow>,
}

struct HookRow {
    id: i32,
    partner: String,
    url: String,
    /// 启用, or 已停用 with when.
    status: String,
    created: String,
}

#[derive(Template)]
#[template(path = "webhooks/show.html")]
struct ShowPage {
    frame: Frame,
    url: String,
    log_rows: u64,
    deliveries: Vec<DeliveryRow>,
}

struct DeliveryRow {
    id: i32,
    /// `pending`, `delivered` or `failed`, for scripts and tests.
    state: String,
    state_zh: &'static str,
    event: String,
    message_id: String,
    attempts: i32,
    /// The receiver's HTTP status, or why the delivery failed.
    answer: String,
    created: String,
    delivered: String,
}

/// The delivery log is the admins'; an editor gets this error page instead.
fn refusal_for(staff: &Staff) -> Option<HttpResponse> {
    (staff.role != Role::Admin).then(|| {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "the delivery log is for administrators",
        )
        .page()
    })
}

fn state_zh(state: &str) -> &'static str {
    match state {
        "delivered" => "已送达",
        "failed" => "失败",
        _ => "投递中",
    }
}

/// `/webhooks`: every partner's webhooks.
pub async fn list(staff: Staff, state: web::Data<AppState>) -> HttpResponse {
    if let Some(refusal) = refusal_for(&staff) {
        return refusal;
    }
    let (hooks, partners) = match (state.db.webhooks(None).await, state.db.partners().await) {
        (Ok(hooks), Ok(partners)) => (hooks, partners),
        (Err(err), _) | (_, Err(err)) => return ApiError::from(err).page(),
    };
    let hooks = hooks
        .into_iter()
        .map(|hook| HookRow {
            id: hook.id,
            partner: partners
                .iter()
                .find(|p| p.id == hook.partner_id)
                .map_or_else(String::new, |p| p.name.clone()),
            status: match hook.disabled_at {
                Some(at) => format!("已停用（{}）", beijing(at)),
                None => "启用".to_owned(),
            },
            created: beijing(hook.created_at),
            url: hook.url,
        })
        .collect();
    ok(&ListPage {
        frame: Frame::staff(&staff, TITLE, Place::Webhooks),
        hooks,
    })
}

/// `/webhooks/{id}`: one webhook's deliveries, newest first.
pub async fn show(staff: Staff, state: web::Data<AppState>, id: web::Path<i32>) -> HttpResponse {
    if let Some(refusal) = refusal_for(&staff) {
        return refusal;
    }
    let id = id.into_inner();
    let hook = match state.db.webhook(id).await {
        Ok(Some(hook)) => hook,
        Ok(None) => return ApiError::not_found("webhook").page(),
        Err(err) => return ApiError::from(err).page(),
    };
    let deliveries = match state.db.deliveries(id, LOG_ROWS).await {
        Ok(deliveries) => deliveries,
        Err(err) => return ApiError::from(err).page(),
    };
    let deliveries = deliveries
        .into_iter()
        .map(|d| DeliveryRow {
            id: d.id,
            state_zh: state_zh(&d.state),
            answer: match (d.last_status, d.last_error) {
                (Some(status), _) => format!("HTTP {status}"),
                (None, Some(error)) => error,
                (None, None) => String::new(),
            },
            state: d.state,
            event: d.event_type,
            message_id: d.message_id,
            attempts: d.attempts,
            created: beijing(d.created_at),
            delivered: d.delivered_at.map(beijing).unwrap_or_default(),
        })
        .collect();
    ok(&ShowPage {
        frame: Frame::staff(&staff, TITLE, Place::Webhooks),
        url: hook.url,
        log_rows: LOG_ROWS,
        deliveries,
    })
}
