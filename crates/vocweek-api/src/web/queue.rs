//! 审核队列: the desk's items with filters and keyset pages, an item's detail with its
//! history, and the decision forms (same service as `POST /api/v1/assets/{id}/review`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use vocweek_db::DbError;
use vocweek_db::assets::{AssetFilter, Scope};
use vocweek_db::audit::Actor;
use vocweek_db::review::Decision;
use vocweek_domain::{AssetKind, AssetState, ReviewAction, TagChange, UnitKind, parse_date};
use vocweek_messages::Lang;

use super::form::{field, form_pairs, stale_form};
use super::layout::{beijing, escape, kind_zh, page, page_with, state_zh};
use super::session_cookie::{csrf_ok, csrf_token};
use super::staff::{signed_in, urlencode};
use crate::AppState;

fn html(status: StatusCode, title: &str, body: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page(title, body))
}

/// A signed-in page: with the CSRF token for the keyboard script.
fn staff_html(title: &str, body: &str, csrf: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page_with(title, body, Some(csrf)))
}

/// The item if it exists and belongs to the staff member's desk; otherwise the 404 page (an
/// item of the other desk is answered as if it did not exist).
pub(super) async fn visible_record(
    state: &AppState,
    staff: &super::staff::Staff,
    id: &str,
) -> Result<vocweek_db::assets::AssetRecord, HttpResponse> {
    let not_found = || {
        html(
            StatusCode::NOT_FOUND,
            "未找到",
            "<p>没有这个素材，或它不属于您的处室。</p>",
        )
    };
    match state.db.asset(id).await {
        Ok(Some(record))
            if state
                .db
                .asset_visible(&record, staff.scope)
                .await
                .unwrap_or(false) =>
        {
            Ok(record)
        }
        _ => Err(not_found()),
    }
}

pub async fn home() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", "/queue"))
        .finish()
}

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    state: Option<String>,
    kind: Option<String>,
    city: Option<String>,
    day: Option<String>,
    q: Option<String>,
    category: Option<String>,
    theme: Option<String>,
    unit: Option<String>,
    sort: Option<String>,
    cursor: Option<String>,
}

fn nonempty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<QueueQuery>,
) -> HttpResponse {
    let staff = match signed_in(&req, &state).await {
        Ok(staff) => staff,
        Err(redirect) => return redirect,
    };
    let vocabulary = &state.ingestor.campaign().vocabulary;
    let wanted_state = nonempty(&query.state).unwrap_or("pending_review");
    let filter = AssetFilter {
        state: AssetState::parse(wanted_state).ok(),
        kind: nonempty(&query.kind).and_then(|k| AssetKind::parse(k).ok()),
        city: nonempty(&query.city)
            .filter(|c| vocabulary.city(c).is_some())
            .map(str::to_owned),
        day: nonempty(&query.day).and_then(|d| parse_date("day", d).ok()),
        title_contains: nonempty(&query.q).map(str::to_owned),
        category: nonempty(&query.category)
            .filter(|c| vocabulary.category(c).is_some())
            .map(str::to_owned),
        theme: nonempty(&query.theme)
            .filter(|t| vocabulary.theme(t).is_some())
            .map(str::to_owned),
        unit: nonempty(&query.unit).and_then(|u| u.parse().ok()),
        oldest_first: nonempty(&query.sort) == Some("oldest"),
        cursor: nonempty(&query.cursor).map(str::to_owned),
        limit: 48,
    };
    let page_items = match state.db.list_assets(staff.scope, &filter).await {
        Ok(page) => page,
        Err(err) => {
            tracing::error!(error = %err, "queue listing failed");
            return html(
                StatusCode::INTERNAL_SERVER_ERROR,
                "错误",
                "<p class=\"error\">系统错误，请稍后再试。</p>",
            );
        }
    };
    let processing: Vec<&str> = page_items
        .items
        .iter()
        .filter(|r| r.asset.state == AssetState::Processing.as_str())
        .map(|r| r.asset.id.as_str())
        .collect();
    let progress = state.db.progress_of(&processing).await.unwrap_or_default();
    // A few hundred rows at most (DOMAIN.md): cheaper than a join in the keyset query, and the
    // unit filter lists the desk's units from the same read.
    let all_units = state.db.units().await.unwrap_or_default();
    let units: std::collections::HashMap<i32, String> =
        all_units.iter().map(|u| (u.id, u.name.clone())).collect();
    let states = filter_options(
        None,
        AssetState::ALL
            .iter()
            .map(|s| (s.as_str(), state_zh(s.as_str()))),
        Some(wanted_state),
    );
    let cities = filter_options(
        Some("全部城市"),
        vocabulary
            .cities
            .iter()
            .map(|c| (c.slug.as_str(), c.zh.as_str())),
        nonempty(&query.city),
    );
    let categories = filter_options(
        Some("全部类别"),
        vocabulary
            .categories
            .iter()
            .map(|c| (c.slug.as_str(), c.zh.as_str())),
        nonempty(&query.category),
    );
    let themes_filter = filter_options(
        Some("全部主题"),
        vocabulary
            .themes
            .iter()
            .map(|t| (t.slug.as_str(), t.zh.as_str())),
        nonempty(&query.theme),
    );
    let mut sorted_units: Vec<(String, &str)> = all_units
        .iter()
        .filter(|u| match staff.scope {
            Scope::Desk(desk) => UnitKind::parse(&u.kind).is_ok_and(|kind| kind.desk() == desk),
            _ => true,
        })
        .map(|u| (u.id.to_string(), u.name.as_str()))
        .collect();
    sorted_units.sort_by(|a, b| a.1.cmp(b.1));
    let unit_options = filter_options(
        Some("全部单位"),
        sorted_units.iter().map(|(id, name)| (id.as_str(), *name)),
        nonempty(&query.unit),
    );
    let sorts = filter_options(
        None,
        [("newest", "最新在前"), ("oldest", "最早在前")],
        Some(nonempty(&query.sort).unwrap_or("newest")),
    );
    let kinds = filter_options(
        Some("全部类型"),
        ["photo", "video", "article"].map(|k| (k, kind_zh(k))),
        nonempty(&query.kind),
    );
    let mut body = format!(
        "<h1>审核队列</h1><p><a href=\"/dashboard\">数据看板</a> · <a href=\"/batches\">推荐批次</a> · <a href=\"/reporting\">报送情况</a> · <a href=\"/tracker\">每日报送跟踪</a> · {} · <form method=\"post\" action=\"/logout\" class=\"inline\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\"><button>退出</button></form></p>\
         <form class=\"filters\" method=\"get\" action=\"/queue\">\
         <label>状态 <select name=\"state\">{states}</select></label>\
         <label>城市 <select name=\"city\">{cities}</select></label>\
         <label>类型 <select name=\"kind\">{kinds}</select></label>\
         <label>类别 <select name=\"category\">{categories}</select></label>\
         <label>主题 <select name=\"theme\">{themes_filter}</select></label>\
         <label>单位 <select name=\"unit\">{unit_options}</select></label>\
         <label>排序 <select name=\"sort\">{sorts}</select></label>\
         <label>活动日期 <input type=\"date\" name=\"day\" value=\"{}\"></label>\
         <label>标题 <input name=\"q\" value=\"{}\"></label><button>筛选</button></form>{notice}\
         <form id=\"bulk\" method=\"post\" action=\"/queue/bulk\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <p>批量处理所选：<select name=\"action\"><option value=\"approve\">通过</option>\
         <option value=\"reject\">不通过</option><option value=\"recommend\">推荐</option></select> \
         <input name=\"note\" placeholder=\"原因（不通过时必填）\"> <button>批量处理</button></p>\
         <p>批量改标签：<label>城市 <select name=\"retag_city\">{retag_cities}</select></label> \
         <label>类别 <select name=\"retag_category\">{retag_categories}</select></label> \
         <label>加主题 <select name=\"retag_theme\">{retag_themes}</select></label> \
         <button name=\"action\" value=\"retag\">改标签</button></p><div class=\"grid\">",
        escape(&staff.username),
        csrf_token(&staff.session),
        escape(nonempty(&query.day).unwrap_or_default()),
        escape(nonempty(&query.q).unwrap_or_default()),
        notice = bulk_notice(&req),
        csrf = csrf_token(&staff.session),
        retag_cities = std::iter::once(option_tag("", "不变", true))
            .chain(
                vocabulary
                    .cities
                    .iter()
                    .map(|c| option_tag(&c.slug, &c.zh, false))
            )
            .collect::<String>(),
        retag_categories = std::iter::once(option_tag("", "不变", true))
            .chain(
                vocabulary
                    .categories
                    .iter()
                    .map(|c| option_tag(&c.slug, &c.zh, false))
            )
            .collect::<String>(),
        retag_themes = std::iter::once(option_tag("", "不加", true))
            .chain(
                vocabulary
                    .themes
                    .iter()
                    .map(|t| option_tag(&t.slug, &t.zh, false))
            )
            .collect::<String>(),
    );
    if page_items.items.is_empty() {
        body.push_str("<p>没有符合条件的素材。</p>");
    }
    for item in &page_items.items {
        let asset = &item.asset;
        let city = vocabulary
            .city(&asset.city)
            .map_or(asset.city.as_str(), |c| c.zh.as_str());
        let category = asset
            .category
            .as_deref()
            .and_then(|c| vocabulary.category(c))
            .map_or("未分类", |c| c.zh.as_str());
        let themes: Vec<&str> = item
            .themes
            .iter()
            .map(|t| {
                vocabulary
                    .theme(t)
                    .map_or(t.as_str(), |term| term.zh.as_str())
            })
            .collect();
        let similar = asset
            .metadata
            .get("similar_to")
            .and_then(|s| s.as_array())
            .and_then(|s| s.first())
            .and_then(|s| s["asset_id"].as_str())
            .map(|id| {
                format!(
                    " <a class=\"badge\" href=\"/queue/{}\">疑似重复</a>",
                    escape(id)
                )
            })
            .unwrap_or_default();
        let failure = asset
            .failure_code
            .as_deref()
            .map(|code| {
                format!(
                    "<p class=\"error\">{}</p>",
                    escape(&vocweek_messages::failure(Lang::ZhCn, code))
                )
            })
            .unwrap_or_default();
        let progress = if asset.state == AssetState::Processing.as_str() {
            let percent = progress.get(&asset.id).copied().unwrap_or(0.0) * 100.0;
            format!("<p class=\"progress\">处理中 {percent:.0}%</p>")
        } else {
            String::new()
        };
        let duration = asset
            .metadata
            .pointer("/video/duration_seconds")
            .and_then(|d| d.as_f64())
            .map(|d| format!(" <span class=\"badge\">时长 {}</span>", format_duration(d)))
            .unwrap_or_default();
        body.push_str(&format!(
            "<article class=\"card\" tabindex=\"0\" data-id=\"{id}\" data-version=\"{version}\">\
             <label><input type=\"checkbox\" name=\"ids\" value=\"{id}:{version}\"> 选择</label><a href=\"/queue/{id}\">\
             {picture}<strong>{title}</strong></a><p><span class=\"badge\">{kind}</span> \
             <span class=\"badge\">{state}</span>{duration}{similar}</p><p>{unit} · {city} · {category}</p>\
             <p>{themes}</p><p>活动日期 {day}</p>{progress}{failure}</article>",
            id = escape(&asset.id),
            picture = card_picture(asset),
            version = asset.version,
            title = escape(&asset.title),
            kind = kind_zh(&asset.kind),
            state = state_zh(&asset.state),
            unit = escape(units.get(&asset.unit_id).map_or("", String::as_str)),
            city = escape(city),
            category = escape(category),
            themes = escape(&themes.join("、")),
            day = asset.activity_date,
        ));
    }
    body.push_str("</div></form>");
    if let Some(next) = &page_items.next_cursor {
        let mut link = format!(
            "/queue?state={}&cursor={}",
            urlencode(wanted_state),
            urlencode(next)
        );
        for (key, value) in [
            ("city", &query.city),
            ("kind", &query.kind),
            ("day", &query.day),
            ("q", &query.q),
            ("category", &query.category),
            ("theme", &query.theme),
            ("unit", &query.unit),
            ("sort", &query.sort),
        ] {
            if let Some(value) = nonempty(value) {
                link.push_str(&format!("&{key}={}", urlencode(value)));
            }
        }
        body.push_str(&format!("<p><a href=\"{}\">下一页</a></p>", escape(&link)));
    }
    staff_html("审核队列", &body, &csrf_token(&staff.session))
}

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let staff = match signed_in(&req, &state).await {
        Ok(staff) => staff,
        Err(redirect) => return redirect,
    };
    let record = match visible_record(&state, &staff, &id).await {
        Ok(record) => record,
        Err(not_found) => return not_found,
    };
    let asset = &record.asset;
    let trail = state.db.audit_trail(&asset.id).await.unwrap_or_default();
    let csrf = csrf_token(&staff.session);
    let media = format!(
        "{}{}",
        media_section(asset),
        super::article_pictures::section(asset, &staff)
    );
    let error = req
        .query_string()
        .split('&')
        .find_map(|pair| pair.strip_prefix("error="))
        .map(|code| {
            let message = match code {
                "conflict" => "该素材已被他人处理，页面已刷新，请重新决定。",
                "note" => "不通过或退回时必须填写原因。",
                "tags" => "标签不在本届活动的词表中，请重新选择。",
                "title" => "标题需要 1 到 200 个字。",
                "control" => "标题和说明中不能含有不可见的控制字符。",
                _ => "当前状态下不能执行该操作。",
            };
            format!("<p class=\"error\" role=\"alert\">{message}</p>")
        })
        .unwrap_or_default();
    let action = |value: &str, label: &str, note: bool| {
        let note = if note {
            "<input name=\"note\" placeholder=\"原因（必填）\" required>"
        } else {
            ""
        };
        format!(
            "<form method=\"post\" action=\"/queue/{id}/review\" class=\"decision\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><input type=\"hidden\" name=\"version\" value=\"{version}\">\
             <input type=\"hidden\" name=\"action\" value=\"{value}\">{note}<button data-action=\"{value}\">{label}</button></form>",
            id = escape(&asset.id),
            version = asset.version,
        )
    };
    let actions = [
        action("approve", "通过", false),
        action("reject", "不通过", true),
        action("return", "退回修改", true),
        action("recommend", "推荐", false),
        action("reopen", "重新审核", false),
    ]
    .join("");
    let history: String = trail
        .iter()
        .map(|event| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                beijing(event.created_at),
                escape(&vocweek_messages::action(Lang::ZhCn, &event.action)),
                escape(event.from_state.as_deref().map(state_zh).unwrap_or("")),
                escape(event.to_state.as_deref().map(state_zh).unwrap_or("")),
                escape(
                    event
                        .details
                        .get("note")
                        .and_then(|n| n.as_str())
                        .unwrap_or("")
                ),
            )
        })
        .collect();
    let edit = edit_form(&state, &record, &csrf);
    let failure = asset
        .failure_code
        .as_deref()
        .map(|code| {
            format!(
                "<p class=\"error\" id=\"failure\">处理失败：{}</p>",
                escape(&vocweek_messages::failure(Lang::ZhCn, code))
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<p><a href=\"/queue\">← 返回队列</a></p><h1>{title}</h1>{error}<p><span class=\"badge\">{kind}</span> \
         <span class=\"badge\" id=\"state\">{state}</span> 上传于 {uploaded}</p>{failure}{media}<p>{description}</p>\
         <section>{actions}</section>{edit}<h2>处理记录</h2><table><tr><th>时间</th><th>操作</th><th>原状态</th>\
         <th>新状态</th><th>说明</th></tr>{history}</table>",
        title = escape(&asset.title),
        kind = kind_zh(&asset.kind),
        state = state_zh(&asset.state),
        uploaded = beijing(asset.created_at),
        description = escape(&asset.description),
    );
    staff_html(&asset.title, &body, &csrf)
}

#[derive(Deserialize)]
pub struct DecideForm {
    csrf: String,
    action: String,
    version: i32,
    note: Option<String>,
}

pub async fn decide(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<DecideForm>,
) -> HttpResponse {
    let staff = match signed_in(&req, &state).await {
        Ok(staff) => staff,
        Err(redirect) => return redirect,
    };
    if !csrf_ok(&staff.session, &form.csrf) {
        return stale_form();
    }
    if let Err(not_found) = visible_record(&state, &staff, &id).await {
        return not_found;
    }
    let back = |error: &str| {
        HttpResponse::SeeOther()
            .insert_header((
                "Location",
                format!("/queue/{}?error={error}", urlencode(&id)),
            ))
            .finish()
    };
    let Ok(action) = ReviewAction::parse(&form.action) else {
        return back("action");
    };
    let note = form
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if action.needs_note() && note.is_none() {
        return back("note");
    }
    let decision = Decision {
        asset_id: &id,
        action,
        note,
        version: form.version,
        actor: Actor::User(staff.user_id),
    };
    match state.decide(decision).await {
        Ok(_) => HttpResponse::SeeOther()
            .insert_header(("Location", "/queue"))
            .finish(),
        Err(DbError::Conflict(_)) => back("conflict"),
        Err(DbError::Domain(_)) => back("state"),
        Err(err) => {
            tracing::error!(error = %err, "decision failed");
            html(
                StatusCode::INTERNAL_SERVER_ERROR,
                "错误",
                "<p class=\"error\">系统错误，请稍后再试。</p>",
            )
        }
    }
}

/// The item's picture or text, its pictures (articles) and the original's download link.
fn media_section(asset: &vocweek_db::entities::asset::Model) -> String {
    let id = escape(&asset.id);
    let main = match asset.kind.as_str() {
        "photo" => format!(
            "<img alt=\"\" class=\"preview\" src=\"/api/v1/assets/{id}/renditions/preview\">"
        ),
        "article" => format!("<p><a href=\"/api/v1/assets/{id}/renditions/html\">阅读正文</a></p>"),
        "video" => video_player(asset),
        _ => String::new(),
    };
    // Pictures an older setting (`articles.embedded_pictures = "queue"`) made items at once.
    let pictures: String = asset
        .metadata
        .pointer("/article/image_assets")
        .and_then(|v| v.as_array())
        .map(|ids| {
            ids.iter()
                .filter_map(|v| v.as_str())
                .map(|child| {
                    let child = escape(child);
                    format!("<a href=\"/queue/{child}\"><img alt=\"稿件配图\" width=\"160\" src=\"/api/v1/assets/{child}/renditions/thumb\"></a> ")
                })
                .collect()
        })
        .unwrap_or_default();
    let pictures = if pictures.is_empty() {
        String::new()
    } else {
        format!("<h2>稿件配图</h2><p>{pictures}</p>")
    };
    format!("{main}{pictures}<p><a href=\"/api/v1/assets/{id}/original\">下载原件</a></p>")
}

/// A card's picture: the thumbnail, or a word saying why there is none (still processing,
/// failed, an article, sound only) instead of an empty frame.
fn card_picture(asset: &vocweek_db::entities::asset::Model) -> String {
    let missing = match (asset.state.as_str(), asset.kind.as_str()) {
        ("processing", _) => Some("处理中…"),
        ("failed", _) => Some("处理失败"),
        (_, "article") => Some("文稿"),
        (_, "video")
            if asset
                .metadata
                .pointer("/video/video")
                .is_some_and(|v| v.is_null()) =>
        {
            Some("仅音频")
        }
        _ => None,
    };
    match missing {
        Some(word) => format!("<div class=\"nopic\">{word}</div>"),
        None => format!(
            "<img alt=\"\" loading=\"lazy\" src=\"/api/v1/assets/{}/renditions/thumb\">",
            escape(&asset.id)
        ),
    }
}

/// The video player (HLS through hls.js, with the poster) once the transcode is done; until
/// then what the video is waiting for.
fn video_player(asset: &vocweek_db::entities::asset::Model) -> String {
    let id = escape(&asset.id);
    let facts = asset.metadata.get("video");
    let Some(facts) = facts else {
        return match asset.state.as_str() {
            "failed" => "<p class=\"error\">视频处理失败，无法播放。</p>".to_owned(),
            _ => "<p>视频正在转码，完成后可在此播放。</p>".to_owned(),
        };
    };
    let duration = facts["duration_seconds"]
        .as_f64()
        .map(format_duration)
        .unwrap_or_default();
    let has_picture = facts.get("video").is_some_and(|v| !v.is_null());
    let poster = if has_picture {
        format!(" poster=\"/api/v1/assets/{id}/renditions/poster\"")
    } else {
        String::new()
    };
    format!(
        "<video id=\"player\" controls preload=\"metadata\" playsinline class=\"player\"{poster} \
         data-hls=\"/api/v1/assets/{id}/hls/master.m3u8\"></video>\
         <p>时长 {duration} · <a href=\"/api/v1/assets/{id}/renditions/download\">下载 MP4</a></p>\
         <script src=\"/static/hls.min.js\" defer></script><script src=\"/static/player.js\" defer></script>"
    )
}

/// `1:02:03` or `2:03`.
pub fn format_duration(seconds: f64) -> String {
    let total = seconds.max(0.0).round() as u64;
    let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{secs:02}")
    } else {
        format!("{minutes}:{secs:02}")
    }
}

/// The re-tag and edit form of an item (title, description, city, category, subcategory, themes).
fn edit_form(state: &AppState, record: &vocweek_db::assets::AssetRecord, csrf: &str) -> String {
    let vocabulary = &state.ingestor.campaign().vocabulary;
    let asset = &record.asset;
    let cities: String = vocabulary
        .cities
        .iter()
        .map(|c| option_tag(&c.slug, &c.zh, c.slug == asset.city))
        .collect();
    let categories: String = std::iter::once(option_tag("", "未分类", asset.category.is_none()))
        .chain(vocabulary.categories.iter().map(|c| {
            option_tag(
                &c.slug,
                &c.zh,
                asset.category.as_deref() == Some(c.slug.as_str()),
            )
        }))
        .collect();
    let subcategories: String =
        std::iter::once(option_tag("", "（无）", asset.subcategory.is_none()))
            .chain(
                vocabulary
                    .categories
                    .iter()
                    .flat_map(|c| c.subcategories.iter().map(move |t| (c, t)))
                    .map(|(c, t)| {
                        option_tag(
                            &t.slug,
                            &format!("{} · {}", c.zh, t.zh),
                            asset.subcategory.as_deref() == Some(t.slug.as_str()),
                        )
                    }),
            )
            .collect();
    let themes: String = vocabulary
        .themes
        .iter()
        .map(|t| {
            format!(
                "<label><input type=\"checkbox\" name=\"themes\" value=\"{}\"{}> {}</label> ",
                escape(&t.slug),
                if record.themes.contains(&t.slug) {
                    " checked"
                } else {
                    ""
                },
                escape(&t.zh)
            )
        })
        .collect();
    format!(
        "<h2>修改标题与标签</h2><form method=\"post\" action=\"/queue/{id}/edit\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><input type=\"hidden\" name=\"version\" value=\"{version}\">\
         <p><label>标题 <input name=\"title\" value=\"{title}\" maxlength=\"200\" required></label></p>\
         <p><label>说明 <textarea name=\"description\">{description}</textarea></label></p>\
         <p><label>城市 <select name=\"city\">{cities}</select></label> <label>活动类别 <select name=\"category\">{categories}</select></label> \
         <label>子类 <select name=\"subcategory\">{subcategories}</select></label></p><p>主题 {themes}</p>\
         <p><button data-action=\"edit\">保存修改</button></p></form>",
        id = escape(&asset.id),
        version = asset.version,
        title = escape(&asset.title),
        description = escape(&asset.description),
    )
}

pub async fn edit(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: String,
) -> HttpResponse {
    let staff = match signed_in(&req, &state).await {
        Ok(staff) => staff,
        Err(redirect) => return redirect,
    };
    let pairs = form_pairs(&body);
    let field = |name: &str| field(&pairs, name);
    if !field("csrf").is_some_and(|c| csrf_ok(&staff.session, &c)) {
        return stale_form();
    }
    let record = match visible_record(&state, &staff, &id).await {
        Ok(record) => record,
        Err(not_found) => return not_found,
    };
    let back = |error: &str| {
        HttpResponse::SeeOther()
            .insert_header((
                "Location",
                format!("/queue/{}?error={error}", urlencode(&id)),
            ))
            .finish()
    };
    let title = field("title").unwrap_or_default();
    if title.is_empty() || title.chars().count() > 200 {
        return back("title");
    }
    let description = field("description").unwrap_or_default();
    if [&title, &description]
        .iter()
        .any(|text| crate::plain_text::refuse_control_characters("title", text).is_err())
    {
        return back("control");
    }
    let input = vocweek_domain::TagInput {
        city: field("city"),
        category: field("category"),
        subcategory: field("subcategory"),
        themes: pairs
            .iter()
            .filter(|(k, _)| k == "themes")
            .map(|(_, v)| v.clone())
            .collect(),
    };
    let Ok(tags) = state
        .ingestor
        .campaign()
        .vocabulary
        .validate(&input, &record.asset.city)
    else {
        return back("tags");
    };
    let version = field("version").and_then(|v| v.parse().ok()).unwrap_or(-1);
    let edit = vocweek_db::review::AssetEdit {
        title: Some(title),
        description: field("description"),
        tags: Some(tags),
    };
    match state
        .db
        .edit_asset(&id, version, edit, Actor::User(staff.user_id), false)
        .await
    {
        Ok(_) => HttpResponse::SeeOther()
            .insert_header(("Location", format!("/queue/{}", urlencode(&id))))
            .finish(),
        Err(DbError::Conflict(_)) => back("conflict"),
        Err(err) => {
            tracing::error!(error = %err, "edit failed");
            html(
                StatusCode::INTERNAL_SERVER_ERROR,
                "错误",
                "<p class=\"error\">系统错误，请稍后再试。</p>",
            )
        }
    }
}

/// One `<option>`, marked selected when asked.
fn option_tag(value: &str, label: &str, selected: bool) -> String {
    format!(
        "<option value=\"{}\"{}>{}</option>",
        escape(value),
        if selected { " selected" } else { "" },
        escape(label)
    )
}

/// A filter's options: an optional "all" entry (empty value), then `(value, label)` choices,
/// with `current` selected.
fn filter_options<'a>(
    all: Option<&str>,
    choices: impl IntoIterator<Item = (&'a str, &'a str)>,
    current: Option<&str>,
) -> String {
    let all = all.map(|label| option_tag("", label, current.is_none()));
    all.into_iter()
        .chain(
            choices
                .into_iter()
                .map(|(value, label)| option_tag(value, label, current == Some(value))),
        )
        .collect()
}

/// The outcome line after a bulk action (`?done=N&skipped=M`).
fn bulk_notice(req: &HttpRequest) -> String {
    let number = |key: &str| {
        req.query_string()
            .split('&')
            .find_map(|pair| pair.strip_prefix(key))
            .and_then(|v| v.parse::<usize>().ok())
    };
    match (number("done="), number("skipped=")) {
        (Some(done), skipped) => {
            let skipped = skipped.unwrap_or(0);
            let extra = if skipped > 0 {
                format!("，{skipped} 项未处理（已被他人处理或当前状态不允许）")
            } else {
                String::new()
            };
            format!("<p role=\"status\">已处理 {done} 项{extra}。</p>")
        }
        _ => super::password_page::changed_notice(req),
    }
}

/// The cards a bulk form selected (`ids` = `<id>:<version shown>`) that this editor may see,
/// with the number of values that were malformed or not visible.
async fn selected_cards(
    state: &AppState,
    staff: &super::staff::Staff,
    pairs: &[(String, String)],
) -> (Vec<(vocweek_db::assets::AssetRecord, i32)>, usize) {
    let mut cards = Vec::new();
    let mut refused = 0usize;
    for value in pairs.iter().filter(|(k, _)| k == "ids").map(|(_, v)| v) {
        let parsed = value
            .split_once(':')
            .and_then(|(id, version)| Some((id, version.parse::<i32>().ok()?)));
        let Some((id, version)) = parsed else {
            refused += 1;
            continue;
        };
        match visible_record(state, staff, id).await {
            Ok(record) => cards.push((record, version)),
            Err(_) => refused += 1,
        }
    }
    (cards, refused)
}

/// What a bulk re-tag changes; `None` leaves that tag as each item has it.
struct RetagChange {
    city: Option<String>,
    /// A new category clears the subcategory (it belonged to the old one).
    category: Option<String>,
    /// Added to each item's themes.
    theme: Option<String>,
}

/// Re-tags each selected card at the version the page showed, through the same validation and
/// edit as the item form; an item decided or edited meanwhile, or whose new tags do not
/// validate, is skipped and counted.
async fn bulk_retag(
    state: &AppState,
    staff: &super::staff::Staff,
    pairs: &[(String, String)],
    change: &RetagChange,
) -> (usize, usize) {
    let vocabulary = &state.ingestor.campaign().vocabulary;
    let (cards, mut skipped) = selected_cards(state, staff, pairs).await;
    let mut done = 0usize;
    for (record, version) in cards {
        let asset = &record.asset;
        let id = asset.id.as_str();
        let tag_change = TagChange {
            city: change.city.clone(),
            category: change.category.clone(),
            add_themes: change.theme.iter().cloned().collect(),
            ..TagChange::default()
        };
        let input = tag_change.over(&crate::routes::current_tags(&record));
        let Ok(tags) = vocabulary.validate(&input, &asset.city) else {
            skipped += 1;
            continue;
        };
        let edit = vocweek_db::review::AssetEdit {
            title: None,
            description: None,
            tags: Some(tags),
        };
        match state
            .db
            .edit_asset(id, version, edit, Actor::User(staff.user_id), false)
            .await
        {
            Ok(_) => done += 1,
            Err(DbError::Conflict(_) | DbError::Domain(_)) => skipped += 1,
            Err(err) => {
                tracing::error!(error = %err, "bulk re-tag failed");
                skipped += 1;
            }
        }
    }
    (done, skipped)
}

/// Bulk approve, reject (one reason for all) or recommend of the selected cards, each at the
/// version the page showed; items someone else decided meanwhile are skipped and counted.
pub async fn bulk(req: HttpRequest, state: web::Data<AppState>, body: String) -> HttpResponse {
    let staff = match signed_in(&req, &state).await {
        Ok(staff) => staff,
        Err(redirect) => return redirect,
    };
    let pairs = form_pairs(&body);
    let field = |name: &str| field(&pairs, name);
    if !field("csrf").is_some_and(|c| csrf_ok(&staff.session, &c)) {
        return stale_form();
    }
    // The re-tag button sends `action=retag` after the select's `action`: the last one wins.
    let action_name = pairs
        .iter()
        .rev()
        .find(|(k, _)| k == "action")
        .map(|(_, v)| v.trim().to_owned());
    if action_name.as_deref() == Some("retag") {
        let change = RetagChange {
            city: field("retag_city").filter(|v| !v.is_empty()),
            category: field("retag_category").filter(|v| !v.is_empty()),
            theme: field("retag_theme").filter(|v| !v.is_empty()),
        };
        let (done, skipped) = bulk_retag(&state, &staff, &pairs, &change).await;
        return HttpResponse::SeeOther()
            .insert_header(("Location", format!("/queue?done={done}&skipped={skipped}")))
            .finish();
    }
    let Some(action) = action_name.and_then(|a| ReviewAction::parse(&a).ok()) else {
        return html(
            StatusCode::BAD_REQUEST,
            "请求无效",
            "<p class=\"error\">未知的操作。</p>",
        );
    };
    let note = field("note").filter(|n| !n.is_empty());
    if action.needs_note() && note.is_none() {
        return html(
            StatusCode::BAD_REQUEST,
            "请求无效",
            "<p class=\"error\">不通过时必须填写原因。</p>",
        );
    }
    let (cards, mut skipped) = selected_cards(&state, &staff, &pairs).await;
    let mut done = 0usize;
    for (record, version) in cards {
        let decision = Decision {
            asset_id: &record.asset.id,
            action,
            note: note.as_deref(),
            version,
            actor: Actor::User(staff.user_id),
        };
        match state.decide(decision).await {
            Ok(_) => done += 1,
            Err(DbError::Conflict(_) | DbError::Domain(_)) => skipped += 1,
            Err(err) => {
                tracing::error!(error = %err, "bulk decision failed");
                skipped += 1;
            }
        }
    }
    HttpResponse::SeeOther()
        .insert_header(("Location", format!("/queue?done={done}&skipped={skipped}")))
        .finish()
}
