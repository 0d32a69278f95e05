//! 活动周管理: the campaigns, and for an admin a form for next year's week (dates, theme, a
//! copy of a vocabulary) and the switch that makes it the active one. Who may and what is
//! accepted is `vocweek_app::Campaigns`'s; this page reads its forms and tells the outcome.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use vocweek_api::{ApiError, AppState};
use vocweek_domain::{CampaignFields, DomainError, parse_date};

use crate::choices::{Choice, Select};
use crate::error_page::ErrorPage;
use crate::layout::{Frame, html};
use crate::menu::Place;
use crate::staff::{Staff, StaffForm};

const ONLY_ADMINS_CREATE: &str = "只有管理员可以新建活动周。";
const ONLY_ADMINS_SWITCH: &str = "只有管理员可以切换活动周。";

#[derive(Template)]
#[template(path = "campaigns/list.html")]
struct CampaignsPage {
    frame: Frame,
    csrf: String,
    /// Only an admin sees the forms that create and switch weeks.
    admin: bool,
    /// Why the last form was not taken.
    message: Option<String>,
    campaigns: Vec<CampaignRow>,
    /// The new week's vocabulary is copied from one of these, the active week's at first.
    vocabulary_from: Select,
}

struct CampaignRow {
    slug: String,
    year: i32,
    name: String,
    theme: String,
    starts: String,
    ends: String,
    plan: String,
    report: String,
    active: bool,
}

pub async fn list(staff: Staff, state: web::Data<AppState>) -> HttpResponse {
    render(&state, &staff, StatusCode::OK, None).await
}

async fn render(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    message: Option<String>,
) -> HttpResponse {
    let campaigns = match state.db.campaigns().await {
        Ok(campaigns) => campaigns,
        Err(err) => return ApiError::from(err).page(),
    };
    let campaigns: Vec<CampaignRow> = campaigns
        .into_iter()
        .map(|c| CampaignRow {
            slug: c.slug,
            year: c.year,
            name: c.name_zh,
            theme: c.theme_zh,
            starts: c.starts_on.to_string(),
            ends: c.ends_on.to_string(),
            plan: c.plan_due_on.to_string(),
            report: c.report_due_on.to_string(),
            active: c.active,
        })
        .collect();
    let vocabulary_from = Select {
        label: "沿用分类词表",
        name: "vocabulary_from",
        options: campaigns
            .iter()
            .map(|c| Choice {
                value: c.slug.clone(),
                label: c.name.clone(),
                selected: c.active,
            })
            .collect(),
    };
    html(
        status,
        &CampaignsPage {
            frame: Frame::staff(staff, "活动周管理", Place::Campaigns),
            csrf: staff.csrf(),
            admin: state.campaigns.may_manage(&staff.actor()).is_ok(),
            message,
            campaigns,
            vocabulary_from,
        },
    )
}

/// `None` for an admin; for anyone else the page again with `refusal`, 403. Asked before the
/// form is read, so that an editor is refused whatever it sent.
async fn refused_unless_admin(
    state: &AppState,
    staff: &Staff,
    refusal: &str,
) -> Option<HttpResponse> {
    if state.campaigns.may_manage(&staff.actor()).is_ok() {
        return None;
    }
    let message = Some(refusal.to_owned());
    Some(render(state, staff, StatusCode::FORBIDDEN, message).await)
}

pub async fn create(state: web::Data<AppState>, form: StaffForm) -> HttpResponse {
    let staff = &form.staff;
    if let Some(refusal) = refused_unless_admin(&state, staff, ONLY_ADMINS_CREATE).await {
        return refusal;
    }
    let get = |name: &str| form.field(name).unwrap_or_default();
    // Each date's error names its own field, so the admin knows which box to fix.
    let date = |name: &'static str| parse_date(name, &get(name));
    let parsed = (|| {
        Ok::<_, DomainError>(CampaignFields {
            slug: get("slug"),
            year: get("year")
                .parse()
                .map_err(|_| DomainError::InvalidValue("year: 年份应为数字".to_owned()))?,
            name_zh: get("name_zh"),
            name_en: get("name_en"),
            theme_zh: get("theme_zh"),
            theme_en: get("theme_en"),
            starts_on: date("starts_on")?,
            ends_on: date("ends_on")?,
            plan_due_on: date("plan_due_on")?,
            report_due_on: date("report_due_on")?,
        })
    })();
    let vocabulary_from = form.field("vocabulary_from");
    let outcome = match parsed {
        Ok(campaign) => state
            .campaigns
            .create(&staff.actor(), campaign, vocabulary_from.as_deref())
            .await
            .map(drop)
            .map_err(ApiError::from),
        Err(err) => Err(ApiError::from(err)),
    };
    after_creation(&state, staff, outcome).await
}

/// A campaign from a data file pasted into the page: its own dates, theme and vocabulary (a
/// new theme for next year, say), exactly as `vocweek campaign create --file` takes it.
pub async fn create_from_file(state: web::Data<AppState>, form: StaffForm) -> HttpResponse {
    let staff = &form.staff;
    if let Some(refusal) = refused_unless_admin(&state, staff, ONLY_ADMINS_CREATE).await {
        return refusal;
    }
    let text = form.field("toml").unwrap_or_default();
    let outcome = state
        .campaigns
        .create_from_file(&staff.actor(), &text)
        .await
        .map(drop)
        .map_err(ApiError::from);
    after_creation(&state, staff, outcome).await
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
            let message = format!("未能创建：{}", err.message);
            render(state, staff, err.status, Some(message)).await
        }
    }
}

pub async fn activate(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: StaffForm,
) -> HttpResponse {
    let staff = &form.staff;
    if let Some(refusal) = refused_unless_admin(&state, staff, ONLY_ADMINS_SWITCH).await {
        return refusal;
    }
    match state.campaigns.activate(&staff.actor(), &slug).await {
        Ok(_) => redirect("/campaigns"),
        Err(err) => {
            let err = ApiError::from(err);
            let message = format!("未能切换：{}", err.message);
            render(&state, staff, err.status, Some(message)).await
        }
    }
}

fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", to))
        .finish()
}
