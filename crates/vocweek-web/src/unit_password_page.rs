//! 修改密码 for a unit person (`/unit/password`): changed at will, and first of all after
//! signing in with a generated password (the API refuses them everything else until then).
//! The change ends every session of the person; this browser gets a fresh one and goes on to
//! the upload page.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use vocweek_api::session_cookie::{cleared_cookie, csrf_ok, csrf_token, session_cookie};
use vocweek_api::{AppState, password_proven, unit_person_key};
use vocweek_db::passwords::{MIN_PASSWORD_CHARS, PasswordRefusal};
use vocweek_messages::Lang;

use crate::form::stale_form;
use crate::layout::{Frame, html};
use crate::unit_login::{HOME, LOGIN};
use crate::unit_person::{SignedIn, signed_in};

#[derive(Deserialize)]
pub struct UnitPasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_again: String,
}

#[derive(Template)]
#[template(path = "unit/password.html")]
struct UnitPasswordPage {
    frame: Frame,
    must_change: bool,
    unit_name: String,
    display_name: String,
    username: String,
    message: Option<String>,
    csrf: String,
    min_chars: usize,
}

/// A sentence of the message catalog (`error-<code>`), in Chinese.
fn sentence(code: &str) -> String {
    vocweek_messages::error(Lang::ZhCn, code, &[]).unwrap_or_default()
}

fn password_page(
    req: &HttpRequest,
    who: &SignedIn,
    status: StatusCode,
    message: Option<&str>,
) -> HttpResponse {
    let page = UnitPasswordPage {
        frame: Frame::unit("修改密码", req),
        must_change: who.person.must_change_password,
        unit_name: who.unit_name.clone(),
        display_name: who.person.display_name.clone(),
        username: who.person.username.clone(),
        message: message.map(str::to_owned),
        csrf: csrf_token(&who.session),
        min_chars: MIN_PASSWORD_CHARS,
    };
    html(status, &page)
}

/// `GET /unit/password`.
pub async fn form(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    match signed_in(&req, &state).await {
        Ok(who) => password_page(&req, &who, StatusCode::OK, None),
        Err(answer) => answer,
    }
}

/// `POST /unit/password`.
pub async fn change(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<UnitPasswordForm>,
) -> HttpResponse {
    let who = match signed_in(&req, &state).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    if !csrf_ok(&who.session, &form.csrf) {
        return stale_form();
    }
    if form.new_password != form.new_password_again {
        let message = sentence("password-mismatch");
        return password_page(&req, &who, StatusCode::UNPROCESSABLE_ENTITY, Some(&message));
    }
    // Guessing the current password from a stolen session is password guessing.
    let attempt = match state
        .sign_in_throttle
        .begin(&unit_person_key(&who.person.username))
    {
        Ok(attempt) => attempt,
        Err(seconds) => {
            let message = format!("尝试次数过多，请 {seconds} 秒后再试。");
            return password_page(&req, &who, StatusCode::TOO_MANY_REQUESTS, Some(&message));
        }
    };
    let changed = state
        .db
        .change_own_member_password(who.person.id, &form.current_password, &form.new_password)
        .await;
    state
        .sign_in_throttle
        .finish(attempt, password_proven(&changed));
    match changed {
        Ok(Ok(_)) => stay_signed_in(&req, &state, &who).await,
        Ok(Err(refusal)) => {
            let status = match refusal {
                PasswordRefusal::WrongPassword => StatusCode::FORBIDDEN,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            password_page(&req, &who, status, Some(&sentence(refusal.reason())))
        }
        Err(err) => {
            tracing::error!(error = %err, "changing a unit person's password failed");
            password_page(
                &req,
                &who,
                StatusCode::INTERNAL_SERVER_ERROR,
                Some("系统错误，密码未修改，请稍后再试。"),
            )
        }
    }
}

/// Every session ended with the change, this browser's too: it gets a new one.
async fn stay_signed_in(req: &HttpRequest, state: &AppState, who: &SignedIn) -> HttpResponse {
    match state
        .db
        .start_member_session(who.unit_id, who.person.id)
        .await
    {
        Ok(session) => HttpResponse::SeeOther()
            .cookie(session_cookie(req, &session))
            .insert_header(("Location", HOME))
            .finish(),
        Err(err) => {
            // The password did change: signing in with the new one works.
            tracing::error!(error = %err, "opening a session after a password change failed");
            HttpResponse::SeeOther()
                .cookie(cleared_cookie(req))
                .insert_header(("Location", LOGIN))
                .finish()
        }
    }
}
