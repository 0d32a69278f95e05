//! Signing in to the staff pages as a browser does, written once: load `/login` (its `vw_login`
//! cookie and the form's CSRF token), post the form with both, keep the `vw_session` cookie, and
//! land on the page the sign-in sends the browser to, whose forms carry the session's CSRF token.
//!
//! Tests of the sign-in itself (login CSRF, the cookie's flags, where it redirects, throttling)
//! do those steps by hand; they read the pages and cookies with `csrf_from`, `cookie_from` and
//! `set_cookie_header` from here.

use std::time::Duration;

use reqwest::Response;

/// How a page's forms carry their CSRF token: `<input type="hidden" name="csrf" value="…">`.
const CSRF_MARKER: &str = "name=\"csrf\" value=\"";

/// The CSRF token of the first form in a page, if the page has one.
pub fn csrf_from(html: &str) -> Option<String> {
    let start = html.find(CSRF_MARKER)? + CSRF_MARKER.len();
    let end = start + html[start..].find('"')?;
    Some(html[start..end].to_owned()).filter(|token| !token.is_empty())
}

/// The value a response sets for cookie `name`, if it sets one (a removal sets none).
pub fn cookie_from(response: &Response, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next())
        .find_map(|pair| pair.strip_prefix(prefix.as_str()).map(str::to_owned))
        .filter(|value| !value.is_empty())
}

/// The whole `Set-Cookie` header a response sends for cookie `name`, with its attributes.
pub fn set_cookie_header(response: &Response, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(prefix.as_str()))
        .map(str::to_owned)
}

/// The `Location` a response sends, or "".
fn location(response: &Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// A browser signed in through the form.
#[derive(Debug, Clone)]
pub struct WebSession {
    /// The `vw_session` cookie's value.
    pub session: String,
    /// The CSRF token the session's forms carry (read from the page the sign-in landed on; the
    /// same on every page of the session).
    pub csrf: String,
}

/// Signs in through the form as a browser does (see the module's text); the sign-in must
/// succeed. `base` is the app's address (`TestApp::base_url`).
pub async fn sign_in_browser(base: &str, username: &str, password: &str) -> WebSession {
    let client = reqwest::Client::builder()
        // Below the server's keep-alive: a pooled connection is never reused as it closes.
        .pool_idle_timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|e| panic!("{e}"));

    let form = client
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET /login failed: {e}"));
    assert_eq!(form.status(), 200, "GET /login");
    let presession =
        cookie_from(&form, "vw_login").expect("the login page sets its vw_login cookie");
    let html = form.text().await.unwrap_or_default();
    let token = csrf_from(&html).unwrap_or_else(|| panic!("no CSRF token in the form: {html}"));

    let response = client
        .post(format!("{base}/login"))
        .header("cookie", format!("vw_login={presession}"))
        .form(&[
            ("username", username),
            ("password", password),
            ("next", "/queue"),
            ("csrf", token.as_str()),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST /login failed: {e}"));
    let status = response.status().as_u16();
    let mut path = location(&response);
    let session = cookie_from(&response, "vw_session");
    let html = response.text().await.unwrap_or_default();
    assert_eq!(status, 303, "signing in as {username}: {html}");
    let session =
        session.unwrap_or_else(|| panic!("signing in as {username} set no vw_session cookie"));

    // Where the browser lands, following the pages' own redirects (修改密码 first, say).
    for _ in 0..5 {
        let page = client
            .get(format!("{base}{path}"))
            .header("cookie", format!("vw_session={session}"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path} failed: {e}"));
        if page.status().is_redirection() {
            path = location(&page);
            assert!(
                !path.starts_with("/login"),
                "signed in as {username}, sent back to {path}"
            );
            continue;
        }
        let status = page.status().as_u16();
        let html = page.text().await.unwrap_or_default();
        assert_eq!(status, 200, "{path} after signing in as {username}: {html}");
        let csrf = csrf_from(&html).unwrap_or_else(|| panic!("no CSRF token on {path}: {html}"));
        return WebSession { session, csrf };
    }
    panic!("signing in as {username} redirects without end (last to {path})");
}
