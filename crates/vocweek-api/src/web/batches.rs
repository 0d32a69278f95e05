//! 推荐批次: compose a batch for the Ministry from recommended items, order it, send it, export it.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use vocweek_db::assets::{AssetFilter, Scope};
use vocweek_db::audit::Actor;
use vocweek_domain::{AssetState, Desk};

use super::form::{field, form_pairs, stale_form};
use super::layout::{beijing, escape, page_with};
use super::session_cookie::{csrf_ok, csrf_token};
use super::staff::{Staff, signed_in};
use crate::AppState;

fn html(status: StatusCode, body: &str, csrf: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page_with("推荐批次", body, Some(csrf)))
}

fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", to.to_owned()))
        .finish()
}

fn desk_of(staff: &Staff) -> Option<Desk> {
    match staff.scope {
        Scope::Desk(desk) => Some(desk),
        _ => None,
    }
}

pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let staff = match signed_in(&req, &state).await {
        Ok(staff) => staff,
        Err(to_login) => return to_login,
    };
    let csrf = csrf_token(&staff.session);
    let batches = state.db.batches(desk_of(&staff)).await.unwrap_or_default();
    let rows: String = batches
        .iter()
        .map(|b| {
            format!(
                "<tr><td><a href=\"/batches/{id}\">{title}</a></td><td>{state}</td><td>{at}</td></tr>",
                id = b.id,
                title = escape(&b.title),
                state = if b.state == "sent" { "已报送" } else { "草稿" },
                at = beijing(b.created_at),
            )
        })
        .collect();
    let desk_choice = if desk_of(&staff).is_none() {
        "<label>处室 <select name=\"desk\"><option value=\"edu\">教育厅职业教育处</option><option value=\"hr\">人社厅</option></select></label>"
    } else {
        ""
    };
    let body = format!(
        "<p><a href=\"/queue\">← 审核队列</a></p><h1>推荐批次</h1><table><tr><th>批次</th><th>状态</th><th>创建时间</th></tr>{rows}</table>\
         <h2>新建批次</h2><form method=\"post\" action=\"/batches\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <p><label>标题 <input name=\"title\" required></label> {desk_choice}</p><p><label>说明 <input name=\"note\"></label></p>\
         <p><button>新建</button></p></form>"
    );
    html(StatusCode::OK, &body, &csrf)
}

pub async fn create(req: HttpRequest, state: web::Data<AppState>, body: String) -> HttpResponse {
    let staff = match signed_in(&req, &state).await {
        Ok(staff) => staff,
        Err(to_login) => return to_login,
    };
    let pairs = form_pairs(&body);
    let csrf = csrf_token(&staff.session);
    if !field(&pairs, "csrf").is_some_and(|c| csrf_ok(&staff.session, &c)) {
        return stale_form();
    }
    let title = field(&pairs, "title").unwrap_or_default();
    let desk = desk_of(&staff).or_else(|| field(&pairs, "desk").and_then(|d| Desk::parse(&d).ok()));
    let (Some(desk), false) = (desk, title.is_empty()) else {
        return html(
            StatusCode::BAD_REQUEST,
            "<p class=\"error\">批次需要标题和处室。</p>",
            &csrf,
        );
    };
    let campaign = state.ingestor.campaign().campaign.id;
    let note = field(&pairs, "note").unwrap_or_default();
    match state
        .db
        .create_batch(campaign, desk, &title, &note, staff.user_id)
        .await
    {
        Ok(batch) => redirect(&format!("/batches/{}", batch.id)),
        Err(err) => {
            tracing::error!(error = %err, "creating a batch failed");
            html(
                StatusCode::INTERNAL_SERVER_ERROR,
                "<p class=\"error\">系统错误。</p>",
                &csrf,
            )
        }
    }
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> HttpResponse {
    let staff = match signed_in(&req, &state).await {
        Ok(staff) => staff,
        Err(to_login) => return to_login,
    };
    let csrf = csrf_token(&staff.session);
    let Some(batch) = own(&state, &staff, *id).await else {
        return html(StatusCode::NOT_FOUND, "<p>没有这个批次。</p>", &csrf);
    };
    let draft = batch.batch.state == "draft";
    let chosen: Vec<String> = batch.items.iter().map(|i| i.asset.id.clone()).collect();
    let items: String = batch
        .items
        .iter()
        .enumerate()
        .map(|(n, item)| {
            format!(
                "<li><input type=\"hidden\" name=\"ids\" value=\"{id}\"><label>顺序 <input name=\"pos_{id}\" size=\"3\" value=\"{pos}\"></label> \
                 <label><input type=\"checkbox\" name=\"drop\" value=\"{id}\"> 移出</label> {title}</li>",
                id = escape(&item.asset.id),
                pos = n + 1,
                title = escape(&item.asset.title),
            )
        })
        .collect();
    // Recommended items of the desk not in the batch yet.
    let filter = AssetFilter {
        state: Some(AssetState::Recommended),
        limit: 200,
        ..AssetFilter::default()
    };
    let scope = Scope::Desk(Desk::parse(&batch.batch.desk).unwrap_or(Desk::Edu));
    let candidates: String = state
        .db
        .list_assets(scope, &filter)
        .await
        .map(|page| page.items)
        .unwrap_or_default()
        .into_iter()
        .filter(|item| !chosen.contains(&item.asset.id))
        .map(|item| {
            format!(
                "<li><label><input type=\"checkbox\" name=\"add\" value=\"{id}\"> {title}</label></li>",
                id = escape(&item.asset.id),
                title = escape(&item.asset.title),
            )
        })
        .collect();
    let editing = if draft {
        format!(
            "<form method=\"post\" action=\"/batches/{id}/items\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
             <h2>批次内容</h2><ol>{items}</ol><h2>可加入的推荐素材</h2><ul>{candidates}</ul><p><button>保存</button></p></form>\
             <form method=\"post\" action=\"/batches/{id}/send\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
             <p><button>标记为已报送</button></p></form>",
            id = batch.batch.id,
        )
    } else {
        format!(
            "<h2>批次内容</h2><ol>{items}</ol><p>已于 {} 报送。</p>",
            batch.batch.sent_at.map(beijing).unwrap_or_default()
        )
    };
    let body = format!(
        "<p><a href=\"/batches\">← 推荐批次</a></p><h1>{title}</h1><p>{note}</p>\
         <p><a href=\"/api/v1/batches/{id}/export\">导出（zip：原件、预览图、Excel 清单）</a></p>{editing}",
        title = escape(&batch.batch.title),
        note = escape(&batch.batch.note),
        id = batch.batch.id,
    );
    html(StatusCode::OK, &body, &csrf)
}

async fn own(state: &AppState, staff: &Staff, id: i32) -> Option<vocweek_db::batches::BatchRecord> {
    let desk = desk_of(staff);
    state
        .db
        .batch(id)
        .await
        .ok()
        .flatten()
        .filter(|b| desk.is_none_or(|d| b.batch.desk == d.as_str()))
}

/// Saves the order (`pos_<id>`), removals (`drop`) and additions (`add`, appended in order).
pub async fn save_items(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: String,
) -> HttpResponse {
    let staff = match signed_in(&req, &state).await {
        Ok(staff) => staff,
        Err(to_login) => return to_login,
    };
    let csrf = csrf_token(&staff.session);
    let pairs = form_pairs(&body);
    if !field(&pairs, "csrf").is_some_and(|c| csrf_ok(&staff.session, &c)) {
        return stale_form();
    }
    if own(&state, &staff, *id).await.is_none() {
        return html(StatusCode::NOT_FOUND, "<p>没有这个批次。</p>", &csrf);
    }
    let dropped: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "drop")
        .map(|(_, v)| v.as_str())
        .collect();
    let mut kept: Vec<(f64, usize, String)> = pairs
        .iter()
        .filter(|(k, _)| k == "ids")
        .map(|(_, v)| v.clone())
        .filter(|v| !dropped.contains(&v.as_str()))
        .enumerate()
        .map(|(n, v)| {
            let position = field(&pairs, &format!("pos_{v}"))
                .and_then(|p| p.parse().ok())
                .unwrap_or(n as f64 + 1.0);
            (position, n, v)
        })
        .collect();
    kept.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut ids: Vec<String> = kept.into_iter().map(|(_, _, v)| v).collect();
    ids.extend(
        pairs
            .iter()
            .filter(|(k, _)| k == "add")
            .map(|(_, v)| v.clone()),
    );
    match state.db.set_batch_items(*id, &ids).await {
        Ok(_) => redirect(&format!("/batches/{id}")),
        Err(err) => html(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("<p class=\"error\">{}</p>", escape(&err.to_string())),
            &csrf,
        ),
    }
}

pub async fn send(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: String,
) -> HttpResponse {
    let staff = match signed_in(&req, &state).await {
        Ok(staff) => staff,
        Err(to_login) => return to_login,
    };
    let csrf = csrf_token(&staff.session);
    if !field(&form_pairs(&body), "csrf").is_some_and(|c| csrf_ok(&staff.session, &c)) {
        return stale_form();
    }
    if own(&state, &staff, *id).await.is_none() {
        return html(StatusCode::NOT_FOUND, "<p>没有这个批次。</p>", &csrf);
    }
    match state.db.send_batch(*id, Actor::User(staff.user_id)).await {
        Ok(_) => redirect(&format!("/batches/{id}")),
        Err(err) => html(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("<p class=\"error\">{}</p>", escape(&err.to_string())),
            &csrf,
        ),
    }
}
