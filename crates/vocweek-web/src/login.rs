//! 登录 / 退出: the sign-in form, with throttling, a fresh session id on every sign-in, no
//! open redirect afterwards, and a form that only works in the browser that loaded it
//! (`login_csrf`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use vocweek_api::AppState;
use vocweek_api::session_cookie::{cleared_cookie, csrf_ok, safe_next, session_cookie, token};
use vocweek_messages::Lang;

use crate::layout::{Frame, html};
use crate::login_csrf;

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
    /// The form's login CSRF token; missing is refused like a wrong one.
    csrf: Option<String>,
}

#[derive(Template)]
#[template(path = "login/form.html")]
struct LoginPage {
    frame: Frame,
    /// The login CSRF token bound to this browser's pre-session cookie.
    csrf: String,
    /// Where to go after signing in (already checked by `safe_next`).
    next: String,
    /// Why the last attempt was refused.
    message: Option<String>,
}

/// The sign-in form, with this browser's login CSRF cookie (renewed) and the token bound to it.
fn login_page(
    req: &HttpRequest,
    status: StatusCode,
    next: &str,
    message: Option<&str>,
) -> HttpResponse {
    let presession = login_csrf::for_form(req);
    let page = LoginPage {
        frame: Frame::public("登录"),
        csrf: login_csrf::token(&presession),
        next: next.to_owned(),
        message: message.map(str::to_owned),
    };
    let mut response = html(status, &page);
    // Only fails for a cookie that is not a header value; ours is hex under a fixed name.
    if let Err(err) = response.add_cookie(&login_csrf::cookie(req, &presession)) {
        tracing::error!(error = %err, "setting the login cookie failed");
    }
    response
}

pub async fn form(req: HttpRequest, query: web::Query<NextQuery>) -> HttpResponse {
    login_page(
        &req,
        StatusCode::OK,
        &safe_next(query.next.as_deref()),
        None,
    )
}

pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    let next = safe_next(form.next.as_deref());
    // Before the throttle: a forged post must not spend the account's attempts either.
    if !login_csrf::form_ok(&req, form.csrf.as_deref()) {
        let message = vocweek_messages::error(Lang::ZhCn, "login-form-expired", &[]);
        return login_page(&req, StatusCode::FORBIDDEN, &next, message.as_deref());
    }
    let attempt = match state.sign_in_throttle.begin(&form.username) {
        Ok(attempt) => attempt,
        Err(seconds) => {
            let message = format!("登录失败次数过多，请 {seconds} 秒后再试。");
            return login_page(&req, StatusCode::TOO_MANY_REQUESTS, &next, Some(&message));
        }
    };
    let signed_in = state.db.sign_in(&form.username, &form.password).await;
    state
        .sign_in_throttle
        .finish(attempt, signed_in.as_ref().ok().map(Option::is_some));
    match signed_in {
        Ok(Some(session)) => HttpResponse::SeeOther()
            .cookie(session_cookie(&req, &session))
            .insert_header(("Location", next))
            .finish(),
        Ok(None) => login_page(
            &req,
            StatusCode::UNAUTHORIZED,
            &next,
            Some("用户名或密码错误。"),
        ),
        Err(err) => {
            tracing::error!(error = %err, "sign-in failed");
            login_page(
                &req,
                StatusCode::INTERNAL_SERVER_ERROR,
                &next,
                Some("系统错误，请稍后再试。"),
            )
        }
    }
}

#[derive(Deserialize)]
pub struct LogoutForm {
    csrf: String,
}

pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LogoutForm>,
) -> HttpResponse {
    if let Some(session) = token(&req) {
        if !csrf_ok(&session, &form.csrf) {
            return HttpResponse::Forbidden().body("CSRF");
        }
        if let Err(err) = state.db.revoke_session(&session).await {
            tracing::error!(error = %err, "revoking a session failed");
        }
    }
    HttpResponse::SeeOther()
        .cookie(cleared_cookie(&req))
        .insert_header(("Location", "/login"))
        .finish()
}
