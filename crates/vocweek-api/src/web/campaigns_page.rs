//! 活动周管理: the campaigns, and for an admin a form for next year's week (dates, theme, a
//! copy of a vocabulary) and the switch that makes it the active one.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use vocweek_domain::{CampaignSeed, Role};

use super::form::{field, form_pairs, stale_form};
use super::layout::{escape, page_with};
use super::reporting_pages::NAV;
use super::session_cookie::{csrf_ok, csrf_token};
use super::staff::{Staff, signed_in};
use crate::reporting::campaigns::{NewCampaignRequest, activate_campaign, create_campaign};
use crate::{ApiError, AppState};

pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let staff = match signed_in(&req, &state).await {
        Ok(staff) => staff,
        Err(to_login) => return to_login,
    };
    render(&state, &staff, StatusCode::OK, "").await
}

async fn render(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    message: &str,
) -> HttpResponse {
    let campaigns = match state.db.campaigns().await {
        Ok(campaigns) => campaigns,
        Err(err) => return ApiError::from(err).page(),
    };
    let csrf = csrf_token(&staff.session);
    let admin = staff.role == Role::Admin;
    let rows: String = campaigns
        .iter()
        .map(|c| {
            let action = if c.active {
                "<strong>当前活动周</strong>".to_owned()
            } else if admin {
                format!(
                    "<form method=\"post\" action=\"/campaigns/{slug}/activate\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><button>设为当前活动周</button></form>",
                    slug = escape(&c.slug),
                    csrf = escape(&csrf)
                )
            } else {
                String::new()
            };
            format!(
                "<tr data-slug=\"{slug}\"><td>{slug}</td><td>{year}</td><td>{name}</td><td>{theme}</td><td>{starts} 至 {ends}</td><td>{plan}</td><td>{report}</td><td>{action}</td></tr>",
                slug = escape(&c.slug),
                year = c.year,
                name = escape(&c.name_zh),
                theme = escape(&c.theme_zh),
                starts = c.starts_on,
                ends = c.ends_on,
                plan = c.plan_due_on,
                report = c.report_due_on,
            )
        })
        .collect();
    let options: String = campaigns
        .iter()
        .map(|c| {
            format!(
                "<option value=\"{slug}\"{selected}>{name}</option>",
                slug = escape(&c.slug),
                name = escape(&c.name_zh),
                selected = if c.active { " selected" } else { "" }
            )
        })
        .collect();
    let form = if admin {
        format!(
            "<h2>新建活动周</h2><form method=\"post\" action=\"/campaigns\" id=\"new-campaign\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
             <p><label>标识 <input name=\"slug\" required pattern=\"[a-z0-9-]{{3,60}}\" placeholder=\"shandong-2022\"></label>\
             <label>年份 <input name=\"year\" type=\"number\" required min=\"2000\" max=\"2100\"></label></p>\
             <p><label>名称 <input name=\"name_zh\" required size=\"40\"></label> <label>英文名称 <input name=\"name_en\" required size=\"40\"></label></p>\
             <p><label>主题 <input name=\"theme_zh\" required size=\"30\"></label> <label>英文主题 <input name=\"theme_en\" required size=\"30\"></label></p>\
             <p><label>开始日期 <input name=\"starts_on\" type=\"date\" required></label> <label>结束日期 <input name=\"ends_on\" type=\"date\" required></label></p>\
             <p><label>方案等截止日期 <input name=\"plan_due_on\" type=\"date\" required></label> <label>总结与统计表截止日期 <input name=\"report_due_on\" type=\"date\" required></label></p>\
             <p><label>沿用分类词表 <select name=\"vocabulary_from\">{options}</select></label></p>\
             <p><button>创建</button></p></form>\
             <h2>从数据文件创建</h2><form method=\"post\" action=\"/campaigns/file\" id=\"campaign-file\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
             <p class=\"hint\">需要调整城市、活动类别或主题时使用：格式同项目中的 vocabularies/shandong-2021.toml（[campaign] 一节为年份、日期与主题，其后为词表）。</p>\
             <p><textarea name=\"toml\" rows=\"14\" cols=\"90\" required></textarea></p>\
             <p><button>创建</button></p></form>",
            csrf = escape(&csrf)
        )
    } else {
        "<p class=\"hint\">新建和切换活动周需要管理员账号。</p>".to_owned()
    };
    let message = if message.is_empty() {
        String::new()
    } else {
        format!("<p class=\"error\" role=\"alert\">{}</p>", escape(message))
    };
    let body = format!(
        "<h1>活动周管理</h1>{NAV}{message}<table id=\"campaigns\"><thead><tr><th>标识</th><th>年份</th><th>名称</th><th>主题</th><th>日期</th><th>方案截止</th><th>总结截止</th><th></th></tr></thead><tbody>{rows}</tbody></table>{form}"
    );
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page_with("活动周管理", &body, Some(&csrf)))
}

/// A form of an admin: signed in, the page's CSRF token, the admin role; else the answer.
async fn admin_form(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    body: &str,
    refusal: &str,
) -> Result<(Staff, Vec<(String, String)>), HttpResponse> {
    let staff = signed_in(req, state).await?;
    let pairs = form_pairs(body);
    if !field(&pairs, "csrf").is_some_and(|c| csrf_ok(&staff.session, &c)) {
        return Err(stale_form());
    }
    if staff.role != Role::Admin {
        return Err(render(state, &staff, StatusCode::FORBIDDEN, refusal).await);
    }
    Ok((staff, pairs))
}

pub async fn create(req: HttpRequest, state: web::Data<AppState>, body: String) -> HttpResponse {
    let (staff, pairs) = match admin_form(&req, &state, &body, "只有管理员可以新建活动周。").await
    {
        Ok(admin) => admin,
        Err(answer) => return answer,
    };
    let get = |name: &str| field(&pairs, name).unwrap_or_default();
    // Each date's error names its own field, so the admin knows which box to fix.
    let date = |name: &'static str| vocweek_domain::parse_date(name, &get(name));
    let parsed = (|| {
        Ok::<_, vocweek_domain::DomainError>(NewCampaignRequest {
            slug: get("slug"),
            year: get("year").parse().map_err(|_| {
                vocweek_domain::DomainError::InvalidValue("year: 年份应为数字".to_owned())
            })?,
            name_zh: get("name_zh"),
            name_en: get("name_en"),
            theme_zh: get("theme_zh"),
            theme_en: get("theme_en"),
            starts_on: date("starts_on")?,
            ends_on: date("ends_on")?,
            plan_due_on: date("plan_due_on")?,
            report_due_on: date("report_due_on")?,
            vocabulary_from: field(&pairs, "vocabulary_from"),
        })
    })();
    let outcome = match parsed {
        Ok(request) => create_campaign(&state, request).await.map(drop),
        Err(err) => Err(ApiError::from(err)),
    };
    after_creation(&state, &staff, outcome).await
}

/// A campaign from a data file pasted into the page: its own dates, theme and vocabulary (a
/// new theme for next year, say), exactly as `vocweek campaign create --file` takes it.
pub async fn create_from_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: String,
) -> HttpResponse {
    let (staff, pairs) = match admin_form(&req, &state, &body, "只有管理员可以新建活动周。").await
    {
        Ok(admin) => admin,
        Err(answer) => return answer,
    };
    let text = field(&pairs, "toml").unwrap_or_default();
    let outcome = match CampaignSeed::from_toml(&text).and_then(CampaignSeed::checked) {
        Ok(seed) => state
            .db
            .create_campaign(&seed)
            .await
            .map(drop)
            .map_err(ApiError::from),
        Err(err) => Err(ApiError::from(err)),
    };
    after_creation(&state, &staff, outcome).await
}

/// Back to the list, or the page again with why the campaign was not created.
async fn after_creation(
    state: &AppState,
    staff: &Staff,
    outcome: Result<(), ApiError>,
) -> HttpResponse {
    match outcome {
        Ok(()) => redirect("/campaigns"),
        Err(err) => {
            render(
                state,
                staff,
                err.status,
                &format!("未能创建：{}", err.message),
            )
            .await
        }
    }
}

pub async fn activate(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    body: String,
) -> HttpResponse {
    let (staff, _) = match admin_form(&req, &state, &body, "只有管理员可以切换活动周。").await
    {
        Ok(admin) => admin,
        Err(answer) => return answer,
    };
    match activate_campaign(&state, &slug).await {
        Ok(_) => redirect("/campaigns"),
        Err(err) => {
            render(
                &state,
                &staff,
                err.status,
                &format!("未能切换：{}", err.message),
            )
            .await
        }
    }
}

fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", to))
        .finish()
}
