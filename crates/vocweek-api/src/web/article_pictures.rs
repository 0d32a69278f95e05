//! The pictures kept with an article, on its item page: each shown, with a button that
//! chooses it into the review queue as a photo item (or a link to the item it became).

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use vocweek_db::audit::Actor;

use super::form::stale_form;
use super::layout::escape;
use super::session_cookie::{csrf_ok, csrf_token};
use super::staff::{Staff, signed_in, urlencode};
use crate::AppState;

/// Formats a browser shows by itself; others (TIFF, HEIC) get a word instead of a broken image.
const SHOWN_INLINE: [&str; 5] = [
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/avif",
];

/// The "稿件配图" section of an article's page; empty when it has no pictures.
pub fn section(asset: &vocweek_db::entities::asset::Model, staff: &Staff) -> String {
    let Some(pictures) = asset
        .metadata
        .pointer("/article/pictures")
        .and_then(|v| v.as_array())
        .filter(|pictures| !pictures.is_empty())
    else {
        return String::new();
    };
    let id = escape(&asset.id);
    let csrf = escape(&csrf_token(&staff.session));
    let figures: String = pictures
        .iter()
        .enumerate()
        .map(|(index, picture)| {
            let number = index + 1;
            let text = |field: &str| picture[field].as_str().unwrap_or_default();
            let rendition = escape(text("rendition"));
            let shown = if SHOWN_INLINE.contains(&text("mime")) {
                format!(
                    "<img alt=\"配图 {number}\" loading=\"lazy\" src=\"/api/v1/assets/{id}/renditions/{rendition}\">"
                )
            } else {
                format!(
                    "<a href=\"/api/v1/assets/{id}/renditions/{rendition}\">下载配图 {number}（浏览器无法直接显示此格式）</a>"
                )
            };
            let choice = match picture["asset_id"].as_str() {
                Some(chosen) => format!(
                    "<a class=\"badge\" href=\"/queue/{}\">已放入审核队列</a>",
                    escape(chosen)
                ),
                None => format!(
                    "<form method=\"post\" action=\"/queue/{id}/pictures/{number}\">\
                     <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
                     <button data-picture=\"{number}\">放入审核队列</button></form>"
                ),
            };
            format!(
                "<figure class=\"picture\" data-picture=\"{number}\">{shown}\
                 <figcaption>配图 {number} · {name} {choice}</figcaption></figure>",
                name = escape(text("name")),
            )
        })
        .collect();
    format!(
        "<h2>稿件配图（{count} 张）</h2><p>配图随文章保存；需要单独审核或推荐的，点“放入审核队列”。</p>\
         <div class=\"pictures\">{figures}</div>",
        count = pictures.len()
    )
}

#[derive(Deserialize)]
pub struct ChooseForm {
    csrf: String,
}

/// `POST /queue/{id}/pictures/{number}`: the picture becomes a photo item; back to the
/// article's page, which then links to it.
pub async fn choose(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, usize)>,
    form: web::Form<ChooseForm>,
) -> HttpResponse {
    let staff = match signed_in(&req, &state).await {
        Ok(staff) => staff,
        Err(redirect) => return redirect,
    };
    if !csrf_ok(&staff.session, &form.csrf) {
        return stale_form();
    }
    let (id, number) = path.into_inner();
    let article = match super::queue::visible_record(&state, &staff, &id).await {
        Ok(article) => article,
        Err(not_found) => return not_found,
    };
    match state
        .choose_picture(&article, number, Actor::User(staff.user_id))
        .await
    {
        Ok(_) => HttpResponse::SeeOther()
            .insert_header(("Location", format!("/queue/{}", urlencode(&id))))
            .finish(),
        Err(err) => err.page(),
    }
}
