//! 单位账号登录 / 退出: a unit person signs in with their own username and password (beside the
//! unit's shared upload token, which keeps working). As the staff's sign-in (`login.rs`): the
//! form works only in the browser that loaded it (a login CSRF pre-session cookie, here bound
//! to `/unit/login`), failed attempts are throttled per username (in the unit people's own
//! name space), every sign-in gets a fresh session, and a generated password must be changed
//! first (`/unit/password`). The session cookie then acts as the unit on the unit pages, whose
//! scripts send the page's CSRF token with every state-changing API call.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use vocweek_api::session_cookie::{cleared_cookie, csrf_ok, session_cookie, token};
use vocweek_api::{AppState, unit_person_key};
use vocweek_messages::Lang;

use crate::layout::{Frame, html};
use crate::login_csrf;

/// Where the sign-in form is (and the only path its pre-session cookie is sent to).
pub const LOGIN: &str = "/unit/login";
/// Where a person who must change their password is sent.
pub const PASSWORD: &str = "/unit/password";
/// Where a signed-in person lands.
pub const HOME: &str = "/upload";

#[derive(Deserialize)]
pub struct UnitLoginForm {
    #[serde(default)]
    username: String,
    // Not trimmed: a password is exactly what was typed.
    #[serde(default)]
    password: String,
    /// The form's login CSRF token; missing is refused like a wrong one.
    csrf: Option<String>,
}

#[derive(Template)]
#[template(path = "unit/login.html")]
struct UnitLoginPage {
    frame: Frame,
    csrf: String,
    message: Option<String>,
}

/// The sign-in form with this browser's pre-session cookie (renewed) and the token bound to it.
fn login_page(req: &HttpRequest, status: StatusCode, message: Option<&str>) -> HttpResponse {
    let presession = login_csrf::for_form(req);
    let page = UnitLoginPage {
        frame: Frame::unit("单位账号登录", req),
        csrf: login_csrf::token(&presession),
        message: message.map(str::to_owned),
    };
    let mut response = html(status, &page);
    // Only fails for a cookie that is not a header value; ours is hex under a fixed name.
    if let Err(err) = response.add_cookie(&login_csrf::cookie_at(req, &presession, LOGIN)) {
        tracing::error!(error = %err, "setting the login cookie failed");
    }
    response
}

/// `GET /unit/login`.
pub async fn form(req: HttpRequest) -> HttpResponse {
    login_page(&req, StatusCode::OK, None)
}

/// `POST /unit/login`.
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<UnitLoginForm>,
) -> HttpResponse {
    // Before the throttle: a forged post must not spend the account's attempts either.
    if !login_csrf::form_ok(&req, form.csrf.as_deref()) {
        let message = vocweek_messages::error(Lang::ZhCn, "login-form-expired", &[]);
        return login_page(&req, StatusCode::FORBIDDEN, message.as_deref());
    }
    let attempt = match state
        .sign_in_throttle
        .begin(&unit_person_key(&form.username))
    {
        Ok(attempt) => attempt,
        Err(seconds) => {
            let message = format!("登录失败次数过多，请 {seconds} 秒后再试。");
            return login_page(&req, StatusCode::TOO_MANY_REQUESTS, Some(&message));
        }
    };
    let signed_in = state
        .db
        .member_sign_in(&form.username, &form.password)
        .await;
    state
        .sign_in_throttle
        .finish(attempt, signed_in.as_ref().ok().map(Option::is_some));
    match signed_in {
        Ok(Some(session)) => {
            let next = if session.member.must_change_password {
                PASSWORD
            } else {
                HOME
            };
            HttpResponse::SeeOther()
                .cookie(session_cookie(&req, &session.token))
                .insert_header(("Location", next))
                .finish()
        }
        Ok(None) => login_page(&req, StatusCode::UNAUTHORIZED, Some("用户名或密码错误。")),
        Err(err) => {
            tracing::error!(error = %err, "a unit person's sign-in failed");
            login_page(
                &req,
                StatusCode::INTERNAL_SERVER_ERROR,
                Some("系统错误，请稍后再试。"),
            )
        }
    }
}

#[derive(Deserialize)]
pub struct UnitLogoutForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /unit/logout`: ends this browser's session (only a session: never an upload token a
/// cookie might hold) and goes back to the sign-in form.
pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<UnitLogoutForm>,
) -> HttpResponse {
    if let Some(session) = token(&req) {
        if !csrf_ok(&session, &form.csrf) {
            return crate::form::stale_form();
        }
        if let Err(err) = state.db.revoke_session(&session).await {
            tracing::error!(error = %err, "revoking a unit person's session failed");
        }
    }
    HttpResponse::SeeOther()
        .cookie(cleared_cookie(&req))
        .insert_header(("Location", LOGIN))
        .finish()
}
