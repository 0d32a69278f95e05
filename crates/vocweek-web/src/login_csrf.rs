//! Login CSRF: the sign-in form only works in the browser that loaded it. Without this, another
//! site could post *its own* account's username and password from an editor's browser, and the
//! editor would go on working — reviewing, recommending — signed in as that account.
//!
//! `GET /login` gives the browser a short-lived pre-session cookie holding a random value, and
//! the form a token derived from it the way a session's CSRF token is derived from the session;
//! `POST /login` refuses a form whose token is missing or was made for another cookie. The
//! cookie is SameSite=Strict, so another site's form post does not even carry it.

use actix_web::HttpRequest;
use actix_web::cookie::time::Duration;
use actix_web::cookie::{Cookie, SameSite};

use vocweek_api::session_cookie::{csrf_ok, csrf_token, is_https};

pub const COOKIE: &str = "vw_login";
/// The pre-session value's marker (`vwl_` and 64 hex digits), like the tokens' `vws_`.
const MARKER: &str = "vwl";
/// How long a sign-in form stays usable after it was shown.
const LIFETIME_MINUTES: i64 = 60;

/// The browser's pre-session value, when it sent a well-formed one.
fn presented(req: &HttpRequest) -> Option<String> {
    req.cookie(COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|value| well_formed(value))
}

/// One this code made: a value of another shape (planted, truncated) is replaced, not used.
fn well_formed(value: &str) -> bool {
    value
        .strip_prefix(MARKER)
        .and_then(|rest| rest.strip_prefix('_'))
        .is_some_and(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The pre-session for a form about to be shown: the browser's own while it has one (two tabs
/// of the sign-in page both keep working), otherwise a new random one.
pub fn for_form(req: &HttpRequest) -> String {
    presented(req).unwrap_or_else(|| vocweek_db::secrets::new_token(MARKER))
}

/// The cookie holding `value`, sent again with every form shown (which renews its lifetime).
/// Only `/login` ever receives it.
pub fn cookie(req: &HttpRequest, value: &str) -> Cookie<'static> {
    cookie_at(req, value, "/login")
}

/// The same cookie for another sign-in form (`/unit/login`, the unit people's): only `path`
/// receives it, so each form is bound to its own pre-session.
pub fn cookie_at(req: &HttpRequest, value: &str, path: &'static str) -> Cookie<'static> {
    Cookie::build(COOKIE, value.to_owned())
        .path(path)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(is_https(req))
        .max_age(Duration::minutes(LIFETIME_MINUTES))
        .finish()
}

/// What the session CSRF derivation is given: labelled, so a form token is never a session's.
fn labelled(value: &str) -> String {
    format!("login {value}")
}

/// The token the form carries for `value`.
pub fn token(value: &str) -> String {
    csrf_token(&labelled(value))
}

/// Whether a posted sign-in form comes from a page this browser loaded.
pub fn form_ok(req: &HttpRequest, token: Option<&str>) -> bool {
    match (presented(req), token) {
        (Some(value), Some(token)) => csrf_ok(&labelled(&value), token),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn browser(value: &str) -> HttpRequest {
        TestRequest::default()
            .cookie(Cookie::new(COOKIE, value.to_owned()))
            .to_http_request()
    }

    #[test]
    fn a_form_token_works_only_with_its_own_cookie() {
        let mine = vocweek_db::secrets::new_token(MARKER);
        let theirs = vocweek_db::secrets::new_token(MARKER);
        assert!(form_ok(&browser(&mine), Some(token(&mine).as_str())));
        assert!(!form_ok(&browser(&mine), Some(token(&theirs).as_str())));
        assert!(!form_ok(&browser(&mine), None));
        assert!(!form_ok(&browser(&mine), Some("")));
        let no_cookie = TestRequest::default().to_http_request();
        assert!(!form_ok(&no_cookie, Some(token(&mine).as_str())));
    }

    #[test]
    fn a_session_csrf_token_is_not_a_form_token() {
        let value = vocweek_db::secrets::new_token(MARKER);
        assert!(!form_ok(
            &browser(&value),
            Some(csrf_token(&value).as_str())
        ));
    }

    #[test]
    fn the_browser_keeps_its_value_and_a_forged_one_is_replaced() {
        let mine = vocweek_db::secrets::new_token(MARKER);
        assert_eq!(for_form(&browser(&mine)), mine);
        for odd in ["", "vwl_short", "vws_0123", "attacker chosen"] {
            let fresh = for_form(&browser(odd));
            assert!(
                fresh.starts_with("vwl_") && fresh.len() == 68,
                "{odd} → {fresh}"
            );
        }
        let cookie = cookie(&browser(&mine), &mine);
        assert_eq!(cookie.http_only(), Some(true));
        assert_eq!(cookie.same_site(), Some(SameSite::Strict));
        assert_eq!(cookie.path(), Some("/login"));
        assert!(cookie.max_age().is_some());
        // The unit people's form has its own: each form sees only the cookie of its path.
        let unit = cookie_at(&browser(&mine), &mine, "/unit/login");
        assert_eq!(unit.path(), Some("/unit/login"));
        assert_eq!(unit.same_site(), Some(SameSite::Strict));
    }
}
