//! 单位账号 (`/unit/members`): a unit admin lists the unit's people, invites one (the page shows
//! the generated one-time password once, to hand over) and disables one (their sessions end).
//! The rules are `vocweek_app::Members`'s, as for the API; a plain member is told the page is
//! the unit admins'. Every form carries the session's CSRF token.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use vocweek_api::AppState;
use vocweek_api::session_cookie::csrf_ok;
use vocweek_app::{Invitation, MemberError};
use vocweek_db::members::UnitMember;
use vocweek_domain::UnitRole;
use vocweek_messages::Lang;

use crate::form::stale_form;
use crate::layout::{Frame, error_message, html};
use crate::unit_person::{SignedIn, signed_in_with_own_password};

/// Where the page is, and where a disabling goes back to.
const PAGE: &str = "/unit/members";

#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// One person in the table.
struct PersonRow {
    username: String,
    display_name: String,
    role: &'static str,
    status: &'static str,
    /// A disable button: for the others who may still sign in (not oneself).
    can_disable: bool,
}

/// Someone just invited, with the password to hand over (shown this once).
struct InvitedRow {
    username: String,
    display_name: String,
    password: String,
}

#[derive(Template)]
#[template(path = "unit/members.html")]
struct MembersPage {
    frame: Frame,
    unit_name: String,
    csrf: String,
    people: Vec<PersonRow>,
    invited: Option<InvitedRow>,
    message: Option<String>,
}

fn role_zh(role: UnitRole) -> &'static str {
    match role {
        UnitRole::Member => "成员",
        UnitRole::UnitAdmin => "单位管理员",
    }
}

fn row(person: UnitMember, me: i32) -> PersonRow {
    let status = match (person.disabled_at.is_some(), person.must_change_password) {
        (true, _) => "已停用",
        (false, true) => "待首次登录改密码",
        (false, false) => "正常",
    };
    PersonRow {
        can_disable: person.disabled_at.is_none() && person.id != me,
        role: role_zh(person.role),
        status,
        username: person.username,
        display_name: person.display_name,
    }
}

/// A refusal as the page says it, with its status.
fn refusal(err: MemberError) -> (StatusCode, String) {
    let catalog = |code: &str| vocweek_messages::error(Lang::ZhCn, code, &[]).unwrap_or_default();
    match err {
        MemberError::Forbidden(_) => (
            StatusCode::FORBIDDEN,
            "只有单位管理员可以管理本单位的账号。".to_owned(),
        ),
        MemberError::NotFound(_) => (StatusCode::NOT_FOUND, "没有找到这个账号。".to_owned()),
        MemberError::Taken(_) => (
            StatusCode::CONFLICT,
            "这个用户名已被使用，请换一个。".to_owned(),
        ),
        MemberError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, catalog("invalid-member")),
        MemberError::OwnAccount => (StatusCode::CONFLICT, catalog("own-account")),
        MemberError::TooMany(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            catalog("too-many-members"),
        ),
        MemberError::Database(err) => {
            tracing::error!(error = %err, "the unit's accounts could not be read or changed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "系统错误，请稍后再试。".to_owned(),
            )
        }
    }
}

/// The page as it is now, with what just happened.
async fn page(
    req: &HttpRequest,
    state: &AppState,
    who: &SignedIn,
    status: StatusCode,
    invited: Option<InvitedRow>,
    message: Option<String>,
) -> HttpResponse {
    let people = match state.members.list(&who.principal, who.unit_id).await {
        Ok(people) => people,
        Err(err) => {
            let (status, text) = refusal(err);
            return error_message(status, "单位账号", text);
        }
    };
    let me = who.person.id;
    html(
        status,
        &MembersPage {
            frame: Frame::unit("单位账号", req),
            unit_name: who.unit_name.clone(),
            csrf: who.csrf(),
            people: people.into_iter().map(|person| row(person, me)).collect(),
            invited,
            message,
        },
    )
}

/// `GET /unit/members`.
pub async fn show(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    match signed_in_with_own_password(&req, &state).await {
        Ok(who) => page(&req, &state, &who, StatusCode::OK, None, None).await,
        Err(answer) => answer,
    }
}

/// `POST /unit/members`: invites a person.
pub async fn invite(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<InviteForm>,
) -> HttpResponse {
    let who = match signed_in_with_own_password(&req, &state).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    if !csrf_ok(&who.session, &form.csrf) {
        return stale_form();
    }
    let form = form.into_inner();
    let invitation = Invitation {
        username: form.username,
        display_name: form.display_name,
        role: Some(form.role),
    };
    match state
        .members
        .invite(&who.principal, who.unit_id, invitation)
        .await
    {
        Ok(invited) => {
            let shown = InvitedRow {
                username: invited.member.username,
                display_name: invited.member.display_name,
                password: invited.password,
            };
            let mut answer = page(&req, &state, &who, StatusCode::OK, Some(shown), None).await;
            // A password on the page: no cache, shared or private, keeps a copy.
            answer.headers_mut().insert(
                actix_web::http::header::CACHE_CONTROL,
                actix_web::http::header::HeaderValue::from_static("no-store"),
            );
            answer
        }
        Err(err) => {
            let (status, text) = refusal(err);
            page(&req, &state, &who, status, None, Some(text)).await
        }
    }
}

/// `POST /unit/members/{username}/disable`.
pub async fn disable(
    req: HttpRequest,
    state: web::Data<AppState>,
    username: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> HttpResponse {
    let who = match signed_in_with_own_password(&req, &state).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    if !csrf_ok(&who.session, &form.csrf) {
        return stale_form();
    }
    match state
        .members
        .disable(&who.principal, who.unit_id, &username)
        .await
    {
        Ok(_) => HttpResponse::SeeOther()
            .insert_header(("Location", PAGE))
            .finish(),
        Err(err) => {
            let (status, text) = refusal(err);
            page(&req, &state, &who, status, None, Some(text)).await
        }
    }
}
