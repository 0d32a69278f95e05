//! 推送记录: the admins' view of the partners' webhooks and each one's delivery log (what was
//! sent, how many attempts, the receiver's last answer or why it failed), in Beijing time.
//! The same data as `GET /api/v1/webhooks` and `…/{id}/deliveries`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use vocweek_domain::Role;

use super::layout::{beijing, escape};
use super::reporting_pages::{NAV, html_page};
use super::staff::{Staff, signed_in};
use crate::{ApiError, AppState};

/// Deliveries shown per webhook, newest first.
const LOG_ROWS: u64 = 200;

async fn admin(req: &HttpRequest, state: &web::Data<AppState>) -> Result<Staff, HttpResponse> {
    let staff = signed_in(req, state).await?;
    if staff.role != Role::Admin {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "the delivery log is for administrators",
        )
        .page());
    }
    Ok(staff)
}

fn state_zh(state: &str) -> &'static str {
    match state {
        "delivered" => "已送达",
        "failed" => "失败",
        _ => "投递中",
    }
}

/// `/webhooks`: every partner's webhooks.
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let staff = match admin(&req, &state).await {
        Ok(staff) => staff,
        Err(answer) => return answer,
    };
    let (hooks, partners) = match (state.db.webhooks(None).await, state.db.partners().await) {
        (Ok(hooks), Ok(partners)) => (hooks, partners),
        (Err(err), _) | (_, Err(err)) => return ApiError::from(err).page(),
    };
    let rows: String = hooks
        .iter()
        .map(|hook| {
            let partner = partners
                .iter()
                .find(|p| p.id == hook.partner_id)
                .map_or("", |p| p.name.as_str());
            let status = match hook.disabled_at {
                Some(at) => format!("已停用（{}）", beijing(at)),
                None => "启用".to_owned(),
            };
            format!(
                "<tr data-webhook=\"{id}\"><td>{partner}</td><td><a href=\"/webhooks/{id}\">{url}</a></td><td>{status}</td><td>{created}</td></tr>",
                id = hook.id,
                partner = escape(partner),
                url = escape(&hook.url),
                created = beijing(hook.created_at),
            )
        })
        .collect();
    let body = format!(
        "<h1>推送记录</h1>{NAV}<p class=\"hint\">合作媒体登记的推送地址（Webhook）；点击地址查看每次推送的结果。</p>\
         <table id=\"webhooks\"><thead><tr><th>合作媒体</th><th>推送地址</th><th>状态</th><th>登记时间</th></tr></thead><tbody>{rows}</tbody></table>"
    );
    html_page("推送记录", &body, &staff.session)
}

/// `/webhooks/{id}`: one webhook's deliveries, newest first.
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> HttpResponse {
    let staff = match admin(&req, &state).await {
        Ok(staff) => staff,
        Err(answer) => return answer,
    };
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
    let rows: String = deliveries
        .iter()
        .map(|d| {
            let answer = match (d.last_status, &d.last_error) {
                (Some(status), _) => format!("HTTP {status}"),
                (None, Some(error)) => escape(error),
                (None, None) => String::new(),
            };
            format!(
                "<tr data-delivery=\"{id}\" data-state=\"{state}\"><td>{event}</td><td><code>{message}</code></td><td>{state_zh}</td><td>{attempts}</td><td>{answer}</td><td>{created}</td><td>{delivered}</td></tr>",
                id = d.id,
                state = escape(&d.state),
                event = escape(&d.event_type),
                message = escape(&d.message_id),
                state_zh = state_zh(&d.state),
                attempts = d.attempts,
                created = beijing(d.created_at),
                delivered = d.delivered_at.map(beijing).unwrap_or_default(),
            )
        })
        .collect();
    let body = format!(
        "<h1>推送记录</h1>{NAV}<p><a href=\"/webhooks\">← 全部推送地址</a></p><p>推送地址：<code>{url}</code></p>\
         <p class=\"hint\">最近 {LOG_ROWS} 次推送，新的在前。失败的推送按退避时间自动重试，同一消息ID不变。</p>\
         <table id=\"deliveries\"><thead><tr><th>事件</th><th>消息ID</th><th>状态</th><th>尝试次数</th><th>最后结果</th><th>创建时间</th><th>送达时间</th></tr></thead><tbody>{rows}</tbody></table>",
        url = escape(&hook.url),
    );
    html_page("推送记录", &body, &staff.session)
}
