//! Passwords: a generated one must be changed before anything else, a change ends every session
//! of the user (other browsers, API tokens) while the browser that made it stays signed in, the
//! rule refuses weak ones with the reason and changes nothing, an administrator resets one, and
//! the sign-in form works only in the browser that loaded it (login CSRF).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use reqwest::Response;
use serde_json::{Value, json};
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::web_session::{cookie_from, csrf_from, set_cookie_header, sign_in_browser};
use vocweek_tests::{Backend, TestApp, both_databases, spawn_app};

/// A username long enough for a password equal to it to pass the length rule.
const USERNAME: &str = "provincial-editor";
const PASSWORD: &str = "the first long password";

/// The staff pages a signed-in editor or admin can open.
const STAFF_PAGES: [&str; 9] = [
    "/queue",
    "/dashboard",
    "/batches",
    "/reporting",
    "/reporting/statistics",
    "/tracker",
    "/webhooks",
    "/campaigns",
    "/queue?password=changed",
];

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn location(response: &Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn csrf_of(html: &str) -> String {
    csrf_from(html).unwrap_or_else(|| panic!("no CSRF token in {html}"))
}

fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

/// A browser's visit to the sign-in page, step by step for the login CSRF test (other tests
/// sign in with `sign_in_browser`): its login cookie's value and the form's token.
async fn load_login(app: &TestApp) -> (String, String) {
    let response = client().get(app.url("/login")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let presession = cookie_from(&response, "vw_login").expect("the login page sets its cookie");
    let token = csrf_of(&response.text().await.unwrap());
    (presession, token)
}

/// Posts the sign-in form with the login cookie and token given: status, the session cookie
/// set (if any), the login cookie set (if any), the page.
async fn post_login(
    app: &TestApp,
    presession: Option<&str>,
    token: Option<&str>,
    username: &str,
    password: &str,
) -> (u16, Option<String>, Option<String>, String) {
    let mut fields = vec![
        ("username", username),
        ("password", password),
        ("next", "/queue"),
    ];
    if let Some(token) = token {
        fields.push(("csrf", token));
    }
    let mut request = client().post(app.url("/login")).form(&fields);
    if let Some(value) = presession {
        request = request.header("cookie", format!("vw_login={value}"));
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let session = cookie_from(&response, "vw_session");
    let presession = cookie_from(&response, "vw_login");
    (status, session, presession, response.text().await.unwrap())
}

/// Signs in through the form as a browser does; returns the session.
async fn web_sign_in(app: &TestApp, username: &str, password: &str) -> String {
    sign_in_browser(&app.base_url, username, password)
        .await
        .session
}

/// `POST /api/v1/session`: the status and the token (empty when refused).
async fn api_sign_in(app: &TestApp, username: &str, password: &str) -> (u16, String) {
    let response = app
        .client
        .post(app.url("/api/v1/session"))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (
        status,
        body["token"].as_str().unwrap_or_default().to_owned(),
    )
}

/// A page as the browser holding `session` gets it: status, Location, body.
async fn page(app: &TestApp, session: &str, path: &str) -> (u16, String, String) {
    let response = client()
        .get(app.url(path))
        .header("cookie", format!("vw_session={session}"))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let to = location(&response);
    (status, to, response.text().await.unwrap())
}

/// The 修改密码 form, loaded and posted by the browser holding `session`: status, Location,
/// the new session cookie (if any), the page.
async fn change_on_page(
    app: &TestApp,
    session: &str,
    current: &str,
    new: &str,
    again: &str,
) -> (u16, String, Option<String>, String) {
    let (status, _, html) = page(app, session, "/account/password").await;
    assert_eq!(status, 200, "{html}");
    let csrf = csrf_of(&html);
    let response = client()
        .post(app.url("/account/password"))
        .header("cookie", format!("vw_session={session}"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("current_password", current),
            ("new_password", new),
            ("new_password_again", again),
        ])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let to = location(&response);
    let fresh = cookie_from(&response, "vw_session");
    (status, to, fresh, response.text().await.unwrap())
}

/// `POST /api/v1/session/password` with a bearer token: status and answer.
async fn api_change(app: &TestApp, token: &str, current: &str, new: &str) -> (u16, Value) {
    app.call(
        token,
        reqwest::Method::POST,
        "/api/v1/session/password",
        Some(json!({ "current_password": current, "new_password": new })),
    )
    .await
}

async fn create(app: &TestApp, username: &str, password: &str, role: Role, must_change: bool) {
    let desk = (role == Role::Editor).then_some(Desk::Edu);
    app.services
        .db
        .create_user(username, password, role, desk, must_change)
        .await
        .unwrap();
}

async fn a_generated_password_must_be_changed_before_anything_else(backend: Backend) {
    let app = spawn_app(backend).await;
    let generated = vocweek_db::secrets::new_password();
    create(&app, USERNAME, &generated, Role::Admin, true).await;

    let first = web_sign_in(&app, USERNAME, &generated).await;
    for path in STAFF_PAGES {
        let (status, to, _) = page(&app, &first, path).await;
        assert_eq!((status, to.as_str()), (303, "/account/password"), "{path}");
    }
    let (status, _, html) = page(&app, &first, "/account/password").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<h1>修改密码</h1>") && html.contains("一次性密码"),
        "{html}"
    );

    // The API, with a bearer token or the browser's cookie, answers only the change route.
    let (status, token) = api_sign_in(&app, USERNAME, &generated).await;
    assert_eq!(
        status, 200,
        "signing in is allowed: it is how the change starts"
    );
    for (path, method) in [
        ("/api/v1/assets", reqwest::Method::GET),
        ("/api/v1/batches", reqwest::Method::GET),
        ("/api/v1/campaigns", reqwest::Method::GET),
        ("/api/v1/users/someone/password", reqwest::Method::POST),
    ] {
        let (status, body) = app.call(&token, method, path, None).await;
        assert_eq!(status, 403, "{path}: {body}");
        assert_eq!(error_code(&body), "password-change-required", "{path}");
    }
    let by_cookie = client()
        .get(app.url("/api/v1/assets"))
        .header("cookie", format!("vw_session={first}"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_cookie.status(), 403);
    let body: Value = by_cookie.json().await.unwrap();
    assert_eq!(error_code(&body), "password-change-required");

    // Changed in the first browser: the second browser and the token are signed out, the first
    // browser continues with a new session.
    let second = web_sign_in(&app, USERNAME, &generated).await;
    let chosen = "my own long password";
    let (status, to, fresh, html) = change_on_page(&app, &first, &generated, chosen, chosen).await;
    assert_eq!(
        (status, to.as_str()),
        (303, "/queue?password=changed"),
        "{html}"
    );
    let fresh = fresh.expect("a new session for this browser");
    assert_ne!(fresh, first);
    for old in [&first, &second] {
        let (status, to, _) = page(&app, old, "/queue").await;
        assert_eq!(status, 303);
        assert!(to.starts_with("/login"), "{to}");
    }
    let (status, body) = app.get(&token, "/api/v1/assets").await;
    assert_eq!(
        (status, error_code(&body)),
        (401, "token-revoked"),
        "{body}"
    );

    let (status, _, html) = page(&app, &fresh, "/queue?password=changed").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("密码已修改"), "{html}");
    assert!(
        html.contains("href=\"/account/password\""),
        "the header offers 修改密码"
    );
    let (status, _, html) = page(&app, &fresh, "/queue").await;
    assert_eq!(status, 200);
    assert!(
        !html.contains("密码已修改"),
        "the notice only after a change"
    );

    assert_eq!(api_sign_in(&app, USERNAME, &generated).await.0, 401);
    let (status, token) = api_sign_in(&app, USERNAME, chosen).await;
    assert_eq!(status, 200);
    let (status, body) = app.get(&token, "/api/v1/assets").await;
    assert_eq!(status, 200, "no longer asked to change it: {body}");
    app.stop().await;
}

async fn refused_changes_say_why_and_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    create(&app, USERNAME, PASSWORD, Role::Editor, false).await;
    let session = web_sign_in(&app, USERNAME, PASSWORD).await;
    let (_, token) = api_sign_in(&app, USERNAME, PASSWORD).await;

    let long = "another long password";
    let web_cases = [
        ("wrong current password", 403, "当前密码不正确", long, long),
        (PASSWORD, 422, "至少需要 10 个字符", "short", "short"),
        (
            PASSWORD,
            422,
            "不能与用户名相同",
            "Provincial-Editor",
            "Provincial-Editor",
        ),
        (PASSWORD, 422, "不能与当前密码相同", PASSWORD, PASSWORD),
        (
            PASSWORD,
            422,
            "两次输入的新密码不一致",
            long,
            "another long passwore",
        ),
    ];
    for (current, expected, message, new, again) in web_cases {
        let (status, _, fresh, html) = change_on_page(&app, &session, current, new, again).await;
        assert_eq!(status, expected, "{message}: {html}");
        assert!(html.contains(message), "{message}: {html}");
        assert_eq!(fresh, None, "{message}: no new session");
    }
    // A form without this session's CSRF token.
    let forged = client()
        .post(app.url("/account/password"))
        .header("cookie", format!("vw_session={session}"))
        .form(&[
            ("csrf", "0".repeat(64).as_str()),
            ("current_password", PASSWORD),
            ("new_password", long),
            ("new_password_again", long),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);

    let api_cases = [
        (
            "wrong current password",
            long,
            403,
            "wrong-password",
            "wrong-password",
        ),
        (
            PASSWORD,
            "short",
            422,
            "weak-password",
            "password-too-short",
        ),
        (
            PASSWORD,
            "PROVINCIAL-EDITOR",
            422,
            "weak-password",
            "password-same-as-username",
        ),
        (
            PASSWORD,
            PASSWORD,
            422,
            "weak-password",
            "password-unchanged",
        ),
    ];
    for (current, new, expected, code, reason) in api_cases {
        let (status, body) = api_change(&app, &token, current, new).await;
        assert_eq!(status, expected, "{reason}: {body}");
        assert_eq!(error_code(&body), code, "{body}");
        assert_eq!(body["error"]["details"]["reason"], reason, "{body}");
    }
    // Told in Chinese to a client that asks for it.
    let chinese: Value = app
        .client
        .post(app.url("/api/v1/session/password"))
        .bearer_auth(&token)
        .header("Accept-Language", "zh-CN")
        .json(&json!({ "current_password": "wrong current password", "new_password": long }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(chinese["error"]["message"], "当前密码不正确。", "{chinese}");

    // Nothing changed: the sessions live on, the password is the same.
    let (status, _, _) = page(&app, &session, "/queue").await;
    assert_eq!(status, 200);
    assert_eq!(app.get(&token, "/api/v1/assets").await.0, 200);
    assert_eq!(api_sign_in(&app, USERNAME, PASSWORD).await.0, 200);
    assert_eq!(api_sign_in(&app, USERNAME, long).await.0, 401);
    app.stop().await;
}

async fn a_change_over_the_api_ends_every_session_of_the_user(backend: Backend) {
    let app = spawn_app(backend).await;
    create(&app, USERNAME, PASSWORD, Role::Editor, false).await;
    let other_user = app.user_session("hr", Role::Editor, Some(Desk::Hr)).await;
    let (_, first) = api_sign_in(&app, USERNAME, PASSWORD).await;
    let (_, second) = api_sign_in(&app, USERNAME, PASSWORD).await;
    let browser = web_sign_in(&app, USERNAME, PASSWORD).await;

    let chosen = "a second long password";
    let (status, body) = api_change(&app, &first, PASSWORD, chosen).await;
    assert_eq!(status, 204, "{body}");
    for token in [&first, &second] {
        let (status, body) = app.get(token, "/api/v1/assets").await;
        assert_eq!(
            (status, error_code(&body)),
            (401, "token-revoked"),
            "{body}"
        );
    }
    let (status, to, _) = page(&app, &browser, "/queue").await;
    assert_eq!(status, 303);
    assert!(to.starts_with("/login"), "{to}");
    assert_eq!(
        app.get(&other_user, "/api/v1/assets").await.0,
        200,
        "another user's session is not touched"
    );
    assert_eq!(api_sign_in(&app, USERNAME, PASSWORD).await.0, 401);
    let (status, fresh) = api_sign_in(&app, USERNAME, chosen).await;
    assert_eq!(status, 200);
    assert_eq!(app.get(&fresh, "/api/v1/assets").await.0, 200);

    // Only a user's session has a password to change.
    let (_, unit) = app
        .unit("济南职业学院", UnitKind::HigherVocationalCollege, "jinan")
        .await;
    let (status, body) = api_change(&app, &unit, PASSWORD, chosen).await;
    assert_eq!((status, error_code(&body)), (403, "forbidden"), "{body}");
    let anonymous = app
        .client
        .post(app.url("/api/v1/session/password"))
        .json(&json!({ "current_password": chosen, "new_password": "whatever long enough" }))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);

    let doc: Value = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/api/v1/session/password"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/users/{username}/password"]["post"].is_object());
    app.stop().await;
}

async fn an_administrator_resets_a_password(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.user_session("root", Role::Admin, None).await;
    let other_editor = app.user_session("hr", Role::Editor, Some(Desk::Hr)).await;
    let (_, unit) = app
        .unit("济南职业学院", UnitKind::HigherVocationalCollege, "jinan")
        .await;
    create(&app, USERNAME, PASSWORD, Role::Editor, false).await;
    let (_, editor) = api_sign_in(&app, USERNAME, PASSWORD).await;
    let path = format!("/api/v1/users/{USERNAME}/password");

    for (who, token) in [("an editor", &other_editor), ("a unit", &unit)] {
        let (status, body) = app.call(token, reqwest::Method::POST, &path, None).await;
        assert_eq!(
            (status, error_code(&body)),
            (403, "forbidden"),
            "{who}: {body}"
        );
    }
    let anonymous = app.client.post(app.url(&path)).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(
        app.get(&editor, "/api/v1/assets").await.0,
        200,
        "refused resets end nothing"
    );
    let (status, body) = app
        .call(
            &admin,
            reqwest::Method::POST,
            "/api/v1/users/nobody/password",
            None,
        )
        .await;
    assert_eq!((status, error_code(&body)), (404, "not-found"), "{body}");

    let response = app
        .client
        .post(app.url(&path))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["username"], USERNAME);
    let one_time = body["password"].as_str().unwrap().to_owned();
    assert_eq!(one_time.chars().count(), 20, "{body}");

    let (status, body) = app.get(&editor, "/api/v1/assets").await;
    assert_eq!(
        (status, error_code(&body)),
        (401, "token-revoked"),
        "{body}"
    );
    assert_eq!(api_sign_in(&app, USERNAME, PASSWORD).await.0, 401);
    let (status, reset) = api_sign_in(&app, USERNAME, &one_time).await;
    assert_eq!(status, 200);
    let (status, body) = app.get(&reset, "/api/v1/assets").await;
    assert_eq!(
        (status, error_code(&body)),
        (403, "password-change-required"),
        "{body}"
    );
    let browser = web_sign_in(&app, USERNAME, &one_time).await;
    let (status, to, _) = page(&app, &browser, "/queue").await;
    assert_eq!((status, to.as_str()), (303, "/account/password"));

    let chosen = "the editor's own password";
    let (status, body) = api_change(&app, &reset, &one_time, chosen).await;
    assert_eq!(status, 204, "{body}");
    let (status, token) = api_sign_in(&app, USERNAME, chosen).await;
    assert_eq!(status, 200);
    assert_eq!(app.get(&token, "/api/v1/assets").await.0, 200);
    assert_eq!(
        app.get(&admin, "/api/v1/assets").await.0,
        200,
        "the admin's own session is untouched"
    );
    app.stop().await;
}

async fn the_sign_in_form_only_works_in_the_browser_that_loaded_it(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_editor().await;
    let (user, password) = ("editor", "a long editor password");

    let response = client().get(app.url("/login")).send().await.unwrap();
    let header = set_cookie_header(&response, "vw_login").unwrap_or_default();
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/login", "Max-Age="] {
        assert!(header.contains(flag), "{flag}: {header}");
    }
    let (a_cookie, a_token) = load_login(&app).await;
    let (b_cookie, b_token) = load_login(&app).await;
    assert_ne!(a_cookie, b_cookie);
    assert_ne!(a_token, b_token);

    // Missing, foreign or cookie-less tokens: refused with the form again, no session. Wrong
    // passwords on top: a forged post must not spend the account's attempts either.
    let refused = [
        (None, None),
        (Some(a_cookie.as_str()), None),
        (Some(a_cookie.as_str()), Some("")),
        (Some(b_cookie.as_str()), Some(a_token.as_str())),
        (None, Some(a_token.as_str())),
    ];
    for (presession, token) in refused {
        for attempt_password in [password, "a wrong guess"] {
            let (status, session, _, html) =
                post_login(&app, presession, token, user, attempt_password).await;
            assert_eq!(status, 403, "{presession:?} {token:?}: {html}");
            assert_eq!(session, None);
            assert!(html.contains("登录页面已过期"), "{html}");
            assert!(html.contains("name=\"csrf\""), "the form is shown again");
        }
    }

    // The refusal's own form works: it is bound to the browser's (kept) cookie.
    let (b, a) = (Some(b_cookie.as_str()), Some(a_token.as_str()));
    let (status, _, kept, html) = post_login(&app, b, a, user, password).await;
    assert_eq!(status, 403);
    assert_eq!(kept.as_deref(), b);
    let renewed = csrf_of(&html);
    let (status, session, _, _) = post_login(&app, b, Some(renewed.as_str()), user, password).await;
    assert_eq!(status, 303, "not locked out by the forged posts");
    let (status, _, _) = page(&app, &session.unwrap(), "/queue").await;
    assert_eq!(status, 200);

    let (status, session, _, html) = post_login(
        &app,
        Some(a_cookie.as_str()),
        Some(a_token.as_str()),
        user,
        password,
    )
    .await;
    assert_eq!(status, 303, "{html}");
    assert!(session.is_some());

    // The JSON sign-in has no form and no cookie: unchanged.
    assert_eq!(api_sign_in(&app, user, password).await.0, 200);
    app.stop().await;
}

both_databases!(
    a_generated_password_must_be_changed_before_anything_else,
    refused_changes_say_why_and_change_nothing,
    a_change_over_the_api_ends_every_session_of_the_user,
    an_administrator_resets_a_password,
    the_sign_in_form_only_works_in_the_browser_that_loaded_it,
);
