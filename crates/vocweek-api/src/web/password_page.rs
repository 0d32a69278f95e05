//! 修改密码: a signed-in editor or admin changes their password — and must, before any other
//! page, after signing in with a generated one. The change ends every session of the user
//! (another browser, an API token); this browser gets a fresh session and stays signed in.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use vocweek_db::passwords::{MIN_PASSWORD_CHARS, PasswordRefusal};
use vocweek_messages::Lang;

use super::form::stale_form;
use super::layout::{escape, page};
use super::session_cookie::{cleared_cookie, csrf_ok, csrf_token, session_cookie};
use super::staff::{Staff, signed_in_even_if_password_must_change};
use crate::AppState;
use crate::routes::password_proven;

/// The queue's address after a change, which shows [`changed_notice`].
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

fn password_page(staff: &Staff, status: StatusCode, message: Option<&str>) -> HttpResponse {
    let intro = if staff.must_change_password {
        "<p class=\"hint\" role=\"status\">您使用系统生成的一次性密码登录，请先设置自己的密码，然后才能继续使用。</p>"
    } else {
        "<p><a href=\"/queue\">← 审核队列</a></p>"
    };
    let error = message
        .map(|m| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(m)))
        .unwrap_or_default();
    let csrf = escape(&csrf_token(&staff.session));
    let body = format!(
        "<h1>修改密码</h1>{intro}<p>用户：{username}</p>{error}\
         <form method=\"post\" action=\"/account/password\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <p><label>当前密码 <input name=\"current_password\" type=\"password\" autocomplete=\"current-password\" required autofocus></label></p>\
         <p><label>新密码 <input name=\"new_password\" type=\"password\" autocomplete=\"new-password\" minlength=\"{min}\" required></label></p>\
         <p><label>再次输入新密码 <input name=\"new_password_again\" type=\"password\" autocomplete=\"new-password\" minlength=\"{min}\" required></label></p>\
         <p class=\"hint\">新密码至少 {min} 个字符，不能与用户名相同，也不能与当前密码相同。\
         修改后，所有设备上的登录都会退出（包括使用接口令牌的程序），本浏览器保持登录。</p>\
         <p><button type=\"submit\">修改密码</button></p></form>\
         <form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <p><button>退出</button></p></form>",
        username = escape(&staff.username),
        min = MIN_PASSWORD_CHARS,
    );
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page("修改密码", &body))
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

/// The queue's line after a change (`?password=changed`); empty otherwise.
pub(super) fn changed_notice(req: &HttpRequest) -> String {
    if req
        .query_string()
        .split('&')
        .any(|pair| pair == "password=changed")
    {
        "<p role=\"status\">密码已修改。其他设备上的登录已全部退出，需要用新密码重新登录。</p>"
            .to_owned()
    } else {
        String::new()
    }
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
        assert!(changed_notice(&after).contains("密码已修改"));
        let other = actix_web::test::TestRequest::get()
            .uri("/queue?password=changedx")
            .to_http_request();
        assert_eq!(changed_notice(&other), "");
    }
}
