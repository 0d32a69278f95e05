//! 修改密码: a signed-in editor or admin changes their password — and must, before any other
//! page, after signing in with a generated one. The change ends every session of the user
//! (another browser, an API token); this browser gets a fresh session and stays signed in.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use vocweek_api::AppState;
use vocweek_api::password_proven;
use vocweek_api::session_cookie::{cleared_cookie, csrf_ok, session_cookie};
use vocweek_db::passwords::{MIN_PASSWORD_CHARS, PasswordRefusal};
use vocweek_messages::Lang;

use crate::form::stale_form;
use crate::layout::{Frame, html};
use crate::staff::{Staff, signed_in_even_if_password_must_change};

/// The queue's address after a change, which [`changed_notice`] recognises.
const DONE: &str = "/queue?password=changed";

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    // Not trimmed: a password is exactly what was typed, as at the sign-in.
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_again: String,
}

/// A sentence of the message catalog (`error-<code>`), in Chinese.
fn sentence(code: &str) -> String {
    vocweek_messages::error(Lang::ZhCn, code, &[]).unwrap_or_default()
}

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    frame: Frame,
    /// Signed in with a generated password: the page says why it is shown first.
    must_change: bool,
    username: String,
    /// Why the last attempt changed nothing.
    message: Option<String>,
    csrf: String,
    min_chars: usize,
}

fn password_page(staff: &Staff, status: StatusCode, message: Option<&str>) -> HttpResponse {
    // Not the staff frame: its header's 修改密码 link would lead here, and the queue's keys
    // have nothing to act on.
    let page = PasswordPage {
        frame: Frame::public("修改密码"),
        must_change: staff.must_change_password,
        username: staff.username.clone(),
        message: message.map(str::to_owned),
        csrf: staff.csrf(),
        min_chars: MIN_PASSWORD_CHARS,
    };
    html(status, &page)
}

/// `GET /account/password`.
pub async fn form(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    match signed_in_even_if_password_must_change(&req, &state).await {
        Ok(staff) => password_page(&staff, StatusCode::OK, None),
        Err(to_login) => to_login,
    }
}

/// `POST /account/password`.
pub async fn change(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<PasswordForm>,
) -> HttpResponse {
    let staff = match signed_in_even_if_password_must_change(&req, &state).await {
        Ok(staff) => staff,
        Err(to_login) => return to_login,
    };
    if !csrf_ok(&staff.session, &form.csrf) {
        return stale_form();
    }
    if form.new_password != form.new_password_again {
        let message = sentence("password-mismatch");
        return password_page(&staff, StatusCode::UNPROCESSABLE_ENTITY, Some(&message));
    }
    // Guessing the current password from a stolen session is password guessing: the same
    // throttle as the sign-in.
    let attempt = match state.sign_in_throttle.begin(&staff.username) {
        Ok(attempt) => attempt,
        Err(seconds) => {
            let message = format!("尝试次数过多，请 {seconds} 秒后再试。");
            return password_page(&staff, StatusCode::TOO_MANY_REQUESTS, Some(&message));
        }
    };
    let changed = state
        .db
        .change_own_password(staff.user_id, &form.current_password, &form.new_password)
        .await;
    state
        .sign_in_throttle
        .finish(attempt, password_proven(&changed));
    match changed {
        Ok(Ok(_)) => stay_signed_in(&req, &state, staff.user_id).await,
        Ok(Err(refusal)) => {
            let status = match refusal {
                PasswordRefusal::WrongPassword => StatusCode::FORBIDDEN,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            password_page(&staff, status, Some(&sentence(refusal.reason())))
        }
        Err(err) => {
            tracing::error!(error = %err, "changing a password failed");
            password_page(
                &staff,
                StatusCode::INTERNAL_SERVER_ERROR,
                Some("系统错误，密码未修改，请稍后再试。"),
            )
        }
    }
}

/// After the change every session has ended, this browser's too: it gets a new one, so the
/// person who just proved their password is not sent to sign in again.
async fn stay_signed_in(req: &HttpRequest, state: &AppState, user_id: i32) -> HttpResponse {
    match state.db.start_session(user_id).await {
        Ok(session) => HttpResponse::SeeOther()
            .cookie(session_cookie(req, &session))
            .insert_header(("Location", DONE))
            .finish(),
        Err(err) => {
            // The password did change: signing in with the new one works.
            tracing::error!(error = %err, "opening a session after a password change failed");
            HttpResponse::SeeOther()
                .cookie(cleared_cookie(req))
                .insert_header(("Location", "/login"))
                .finish()
        }
    }
}

/// Whether the queue shows its 密码已修改 line (`templates/queue/list.html`): the address
/// this page sends the editor to after a change (`DONE`).
pub(crate) fn changed_notice(req: &HttpRequest) -> bool {
    req.query_string()
        .split('&')
        .any(|pair| pair == "password=changed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_has_a_chinese_sentence() {
        for refusal in [
            PasswordRefusal::WrongPassword,
            PasswordRefusal::TooShort,
            PasswordRefusal::SameAsUsername,
            PasswordRefusal::Unchanged,
        ] {
            let text = sentence(refusal.reason());
            assert!(
                text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{refusal:?}: {text}"
            );
        }
        assert!(!sentence("password-mismatch").is_empty());
    }

    #[test]
    fn the_catalog_states_the_rule_s_length() {
        let minimum = MIN_PASSWORD_CHARS.to_string();
        assert!(sentence("password-too-short").contains(&minimum));
        assert!(sentence("weak-password").contains(&minimum));
    }

    #[test]
    fn the_notice_shows_only_after_a_change() {
        let after = actix_web::test::TestRequest::get()
            .uri("/queue?password=changed")
            .to_http_request();
        assert!(changed_notice(&after));
        let other = actix_web::test::TestRequest::get()
            .uri("/queue?password=changedx")
            .to_http_request();
        assert!(!changed_notice(&other));
    }
}
