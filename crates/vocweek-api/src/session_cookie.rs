//! The browser's session: the same session token as the API's bearer, in an HttpOnly,
//! SameSite=Lax cookie (Secure when the site is reached over HTTPS), and a CSRF token derived
//! from it.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite};

pub const COOKIE: &str = "vw_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The session token from the cookie, if any.
pub fn token(req: &HttpRequest) -> Option<String> {
    req.cookie(COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

/// The CSRF token of a session: a keyed hash, so it needs no storage and dies with the session.
pub fn csrf_token(session: &str) -> String {
    let key = blake3::hash(format!("vocweek csrf {session}").as_bytes());
    blake3::keyed_hash(key.as_bytes(), b"csrf")
        .to_hex()
        .to_string()
}

pub fn csrf_ok(session: &str, presented: &str) -> bool {
    // Constant-time enough: both are fixed-length hex of a keyed hash.
    let expected = csrf_token(session);
    expected.len() == presented.len()
        && expected
            .bytes()
            .zip(presented.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Secure when the site is reached over HTTPS (a TLS-terminating proxy): as `public_url` or a
/// trusted proxy says, never because a client sent `X-Forwarded-Proto` (see `crate::origin`).
pub fn is_https(req: &HttpRequest) -> bool {
    crate::origin::is_https(req)
}

pub fn session_cookie(req: &HttpRequest, token: &str) -> Cookie<'static> {
    Cookie::build(COOKIE, token.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(is_https(req))
        .finish()
}

pub fn cleared_cookie(req: &HttpRequest) -> Cookie<'static> {
    let mut cookie = session_cookie(req, "");
    cookie.make_removal();
    cookie
}

/// A post-login target that stays on this site (no open redirect): a path starting with one
/// `/`, holding no backslash and no control character or whitespace at all — browsers drop
/// tabs and newlines from URLs, so `/\t/evil.example` would become `//evil.example`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            path.to_owned()
        }
        _ => "/queue".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_stay_on_the_site() {
        assert_eq!(safe_next(Some("/queue?city=jinan")), "/queue?city=jinan");
        assert_eq!(safe_next(Some("//evil.example")), "/queue");
        assert_eq!(safe_next(Some("https://evil.example")), "/queue");
        assert_eq!(safe_next(Some("/\\evil")), "/queue");
        // Browsers drop tabs and newlines: these would become //evil.example.
        assert_eq!(safe_next(Some("/\t/evil.example")), "/queue");
        assert_eq!(safe_next(Some("/\n/evil.example")), "/queue");
        assert_eq!(safe_next(Some("/\r/evil.example")), "/queue");
        assert_eq!(safe_next(Some("/ /evil.example")), "/queue");
        assert_eq!(safe_next(None), "/queue");
    }

    #[test]
    fn csrf_tokens_belong_to_their_session() {
        let token = csrf_token("session-a");
        assert!(csrf_ok("session-a", &token));
        assert!(!csrf_ok("session-b", &token));
        assert!(!csrf_ok("session-a", "x"));
    }
}
