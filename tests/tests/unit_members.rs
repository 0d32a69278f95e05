//! Personal accounts of a unit's people (issue 19), beside the unit's shared upload token: an
//! administrator gives a unit its first unit admin, who signs in at `/unit/login` (a form bound
//! to the browser that loaded it), must change the generated password first, and invites a
//! member; the member's session uploads through the API with the page's CSRF token (refused
//! without it) and the item names them (上传人); a member invites no one, another unit's admin
//! sees nothing of this unit, disabling a person ends their session at once, the shared token
//! keeps uploading (上传人 单位令牌), and wrong passwords are throttled.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use reqwest::{Method, Response};
use serde_json::{Value, json};
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::media::real_jpeg;
use vocweek_tests::web_session::{cookie_from, csrf_from, sign_in_browser};
use vocweek_tests::{Backend, TestApp, both_databases, spawn_app};

const UNIT_A: &str = "淄博职业学院";
const ADMIN_NEW_PASSWORD: &str = "the unit admin's own password";
const MEMBER_NEW_PASSWORD: &str = "the member's own long password";
/// How the unit pages carry the session's CSRF token for their scripts.
const CSRF_META: &str = "<meta name=\"csrf\" content=\"";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(std::time::Duration::from_secs(30))
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

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

/// A browser's visit to `/unit/login`: its pre-session cookie and the form's token.
async fn load_unit_login(app: &TestApp) -> (String, String) {
    let response = client().get(app.url("/unit/login")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let presession = cookie_from(&response, "vw_login").expect("the form sets its vw_login cookie");
    let html = response.text().await.unwrap();
    (
        presession,
        csrf_from(&html).expect("the form carries its token"),
    )
}

/// Posts `/unit/login`: status, Location, the session cookie set (if any).
async fn post_unit_login(
    app: &TestApp,
    browser: Option<&(String, String)>,
    username: &str,
    password: &str,
) -> (u16, String, Option<String>) {
    let mut fields = vec![("username", username), ("password", password)];
    let mut request = client().post(app.url("/unit/login"));
    if let Some((presession, token)) = browser {
        fields.push(("csrf", token.as_str()));
        request = request.header("cookie", format!("vw_login={presession}"));
    }
    let response = request.form(&fields).send().await.unwrap();
    let status = response.status().as_u16();
    let to = location(&response);
    (status, to, cookie_from(&response, "vw_session"))
}

/// Signs a unit person in as a browser does; answers where they are sent and the session.
async fn unit_sign_in(app: &TestApp, username: &str, password: &str) -> (String, String) {
    let browser = load_unit_login(app).await;
    let (status, to, session) = post_unit_login(app, Some(&browser), username, password).await;
    assert_eq!(status, 303, "{username} signs in");
    (to, session.expect("a session cookie"))
}

/// The CSRF token the unit pages give the browser holding `session` (`<meta name="csrf">`).
async fn page_csrf(app: &TestApp, session: &str) -> String {
    let (status, html) = app.page(session, "/upload").await;
    assert_eq!(status, 200);
    let start = html
        .find(CSRF_META)
        .expect("the unit page carries a CSRF meta tag")
        + CSRF_META.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
}

/// An API call as the unit pages make it: the session cookie, and the CSRF header if given.
async fn call(
    app: &TestApp,
    session: &str,
    csrf: Option<&str>,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = client()
        .request(method, app.url(path))
        .header("cookie", format!("vw_session={session}"));
    if let Some(csrf) = csrf {
        request = request.header("X-CSRF-Token", csrf);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A photo sent through `POST /api/v1/assets` with a cookie (and the CSRF header if given) or
/// with the unit's token.
async fn upload(app: &TestApp, credential: Credential<'_>, seed: u64, title: &str) -> (u16, Value) {
    let form = reqwest::multipart::Form::new()
        .text("title", title.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(real_jpeg(seed, 64, 48))
                .file_name(format!("{seed}.jpg")),
        );
    let mut request = client().post(app.url("/api/v1/assets")).multipart(form);
    request = match credential {
        Credential::Token(token) => request.bearer_auth(token),
        Credential::Cookie(session, csrf) => {
            let request = request.header("cookie", format!("vw_session={session}"));
            match csrf {
                Some(csrf) => request.header("X-CSRF-Token", csrf),
                None => request,
            }
        }
    };
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[derive(Clone, Copy)]
enum Credential<'a> {
    Token(&'a str),
    Cookie(&'a str, Option<&'a str>),
}

/// 修改密码 on `/unit/password`: answers the new session the browser keeps.
async fn change_on_page(app: &TestApp, session: &str, current: &str, new: &str) -> String {
    let (status, html) = app.page(session, "/unit/password").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("请先设置自己的密码"), "{html}");
    let token = csrf_from(&html).unwrap();
    let response = client()
        .post(app.url("/unit/password"))
        .header("cookie", format!("vw_session={session}"))
        .form(&[
            ("csrf", token.as_str()),
            ("current_password", current),
            ("new_password", new),
            ("new_password_again", new),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/upload");
    cookie_from(&response, "vw_session").expect("the browser stays signed in")
}

/// The editor's item page of `id`: its HTML.
async fn item_page(app: &TestApp, editor: &str, id: &str) -> String {
    let (status, html) = app.page(editor, &format!("/queue/{id}")).await;
    assert_eq!(status, 200, "{html}");
    html
}

async fn unit_people_act_as_their_unit_and_are_named(backend: Backend) {
    let app = spawn_app(backend).await;
    let (unit_a, token_a) = app
        .unit(UNIT_A, UnitKind::HigherVocationalCollege, "zibo")
        .await;
    let (unit_b, _) = app
        .unit("潍坊职业学院", UnitKind::HigherVocationalCollege, "weifang")
        .await;
    let admin = app.user_session("province-admin", Role::Admin, None).await;

    // The province gives each unit its first unit admin; the password is answered once.
    let invite = |username: &str, name: &str| json!({ "username": username, "display_name": name, "role": "unit_admin" });
    let path_a = format!("/api/v1/units/{unit_a}/members");
    let (status, body) = app
        .call(
            &admin,
            Method::POST,
            &path_a,
            Some(invite("Wang.Admin", "王老师")),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["username"], "wang.admin");
    let first_password = body["password"].as_str().unwrap().to_owned();
    let (status, body) = app
        .call(
            &admin,
            Method::POST,
            &path_a,
            Some(invite("wang.admin", "另一个王老师")),
        )
        .await;
    assert_eq!((status, code(&body)), (409, "already-exists"), "{body}");
    let (status, body) = app
        .call(&admin, Method::POST, &path_a, Some(invite("王", "王老师")))
        .await;
    assert_eq!((status, code(&body)), (422, "invalid-member"), "{body}");
    let (status, body) = app
        .call(
            &admin,
            Method::POST,
            &format!("/api/v1/units/{unit_b}/members"),
            Some(invite("li.admin", "李老师")),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let b_password = body["password"].as_str().unwrap().to_owned();
    // The shared token names no one and manages no accounts.
    let (status, _) = app
        .call(&token_a, Method::GET, "/api/v1/units/me/members", None)
        .await;
    assert_eq!(status, 403);

    // The sign-in form works only in the browser that loaded it.
    let (status, _, session) = post_unit_login(&app, None, "wang.admin", &first_password).await;
    assert_eq!((status, session), (403, None));
    // A generated password must be changed before anything else.
    let (to, first_session) = unit_sign_in(&app, "wang.admin", &first_password).await;
    assert_eq!(to, "/unit/password");
    let (status, body) = call(
        &app,
        &first_session,
        None,
        Method::GET,
        "/api/v1/units/me",
        None,
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (403, "password-change-required"),
        "{body}"
    );
    let unit_admin =
        change_on_page(&app, &first_session, &first_password, ADMIN_NEW_PASSWORD).await;
    let (status, _) = call(
        &app,
        &first_session,
        None,
        Method::GET,
        "/api/v1/units/me",
        None,
    )
    .await;
    assert_eq!(status, 401, "the change ended the old session");
    let (status, me) = call(
        &app,
        &unit_admin,
        None,
        Method::GET,
        "/api/v1/units/me",
        None,
    )
    .await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["name"], UNIT_A);
    assert_eq!(me["member"]["display_name"], "王老师");
    assert_eq!(me["member"]["role"], "unit_admin");
    let (status, me) = app.get(&token_a, "/api/v1/units/me").await;
    assert_eq!((status, &me["member"]), (200, &Value::Null), "{me}");

    // The unit admin invites a member from the page's script: the CSRF header is required.
    let admin_csrf = page_csrf(&app, &unit_admin).await;
    let member = json!({ "username": "zhang.san", "display_name": "张三" });
    let (status, body) = call(
        &app,
        &unit_admin,
        None,
        Method::POST,
        "/api/v1/units/me/members",
        Some(member.clone()),
    )
    .await;
    assert_eq!((status, code(&body)), (403, "csrf-failed"), "{body}");
    let (status, body) = call(
        &app,
        &unit_admin,
        Some(&admin_csrf),
        Method::POST,
        "/api/v1/units/me/members",
        Some(member),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["role"], "member");
    let member_password = body["password"].as_str().unwrap().to_owned();

    // The member changes the generated password over the API (the cookie and the CSRF
    // header), which ends that session; signing in again lands on the upload page.
    let (to, session) = unit_sign_in(&app, "Zhang.San", &member_password).await;
    assert_eq!(to, "/unit/password");
    let csrf = page_csrf(&app, &session).await;
    let change =
        json!({ "current_password": member_password, "new_password": MEMBER_NEW_PASSWORD });
    let (status, body) = call(
        &app,
        &session,
        Some(&csrf),
        Method::POST,
        "/api/v1/session/password",
        Some(change),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let (to, member) = unit_sign_in(&app, "zhang.san", MEMBER_NEW_PASSWORD).await;
    assert_eq!(to, "/upload");
    let member_csrf = page_csrf(&app, &member).await;

    // A member's upload: refused without the page's CSRF token, accepted with it, and named.
    let (status, body) = upload(&app, Credential::Cookie(&member, None), 71, "张三的照片").await;
    assert_eq!((status, code(&body)), (403, "csrf-failed"), "{body}");
    let (status, body) = upload(
        &app,
        Credential::Cookie(&member, Some(&member_csrf)),
        71,
        "张三的照片",
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let by_member = body["id"].as_str().unwrap().to_owned();
    let (status, body) = upload(&app, Credential::Token(&token_a), 72, "令牌上传的照片").await;
    assert_eq!(status, 201, "{body}");
    let by_token = body["id"].as_str().unwrap().to_owned();
    for id in [&by_member, &by_token] {
        app.wait_for_state(&token_a, id, "pending_review").await;
    }
    app.create_editor().await;
    let editor = sign_in_browser(&app.base_url, "editor", "a long editor password")
        .await
        .session;
    let html = item_page(&app, &editor, &by_member).await;
    assert!(html.contains("<dt>上传人</dt><dd>张三</dd>"), "{html}");
    assert!(html.contains(&format!("单位 {UNIT_A} · 张三")), "{html}");
    let html = item_page(&app, &editor, &by_token).await;
    assert!(html.contains("<dt>上传人</dt><dd>单位令牌</dd>"), "{html}");
    assert!(
        html.contains(&format!("单位 {UNIT_A} · 单位令牌")),
        "{html}"
    );

    // A member manages no accounts.
    let (status, _) = call(
        &app,
        &member,
        None,
        Method::GET,
        "/api/v1/units/me/members",
        None,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(
        &app,
        &member,
        Some(&member_csrf),
        Method::POST,
        "/api/v1/units/me/members",
        Some(json!({ "username": "wu.liu", "display_name": "吴六" })),
    )
    .await;
    assert_eq!(status, 403);

    // Another unit's admin sees its own people and nothing of unit A's.
    let (_, b_first) = unit_sign_in(&app, "li.admin", &b_password).await;
    let b_csrf = page_csrf(&app, &b_first).await;
    let change = json!({ "current_password": b_password, "new_password": "unit b's own password" });
    let (status, _) = call(
        &app,
        &b_first,
        Some(&b_csrf),
        Method::POST,
        "/api/v1/session/password",
        Some(change),
    )
    .await;
    assert_eq!(status, 204);
    let (_, b_admin) = unit_sign_in(&app, "li.admin", "unit b's own password").await;
    let b_csrf = page_csrf(&app, &b_admin).await;
    let (status, body) = call(&app, &b_admin, None, Method::GET, &path_a, None).await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = call(
        &app,
        &b_admin,
        None,
        Method::GET,
        "/api/v1/units/me/members",
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body.as_array().map(Vec::len), Some(1), "{body}");
    assert!(!body.to_string().contains("zhang.san"), "{body}");
    let (status, _) = call(
        &app,
        &b_admin,
        Some(&b_csrf),
        Method::DELETE,
        "/api/v1/units/me/members/zhang.san",
        None,
    )
    .await;
    assert_eq!(status, 404);

    // Unit A's admin lists its people, does not disable themselves, and disables the member:
    // the member's session ends at once and the member can no longer sign in.
    let (status, body) = call(
        &app,
        &unit_admin,
        None,
        Method::GET,
        "/api/v1/units/me/members",
        None,
    )
    .await;
    assert_eq!(status, 200);
    let names: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["wang.admin", "zhang.san"]);
    let (status, body) = call(
        &app,
        &unit_admin,
        Some(&admin_csrf),
        Method::DELETE,
        "/api/v1/units/me/members/wang.admin",
        None,
    )
    .await;
    assert_eq!((status, code(&body)), (409, "own-account"), "{body}");
    let (status, _) = call(
        &app,
        &unit_admin,
        Some(&admin_csrf),
        Method::DELETE,
        "/api/v1/units/me/members/zhang.san",
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, body) = call(&app, &member, None, Method::GET, "/api/v1/units/me", None).await;
    assert_eq!((status, code(&body)), (401, "token-revoked"), "{body}");
    let browser = load_unit_login(&app).await;
    let (status, _, session) =
        post_unit_login(&app, Some(&browser), "zhang.san", MEMBER_NEW_PASSWORD).await;
    assert_eq!((status, session), (401, None));

    // The shared token keeps working for scripts.
    let (status, body) = upload(&app, Credential::Token(&token_a), 73, "脚本上传").await;
    assert_eq!(status, 201, "{body}");
    app.stop().await;
}

async fn wrong_unit_passwords_are_throttled(backend: Backend) {
    let app = spawn_app(backend).await;
    let (unit, _) = app
        .unit("济南职业学院", UnitKind::HigherVocationalCollege, "jinan")
        .await;
    let admin = app.user_session("province-admin", Role::Admin, None).await;
    let (status, body) = app
        .call(
            &admin,
            Method::POST,
            &format!("/api/v1/units/{unit}/members"),
            Some(json!({ "username": "guess.me", "display_name": "赵老师", "role": "unit_admin" })),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let password = body["password"].as_str().unwrap().to_owned();
    // A member of staff with the same username is another account, throttled apart.
    app.services
        .db
        .create_user(
            "guess.me",
            "a long staff password",
            Role::Editor,
            Some(Desk::Edu),
            false,
        )
        .await
        .unwrap();

    let browser = load_unit_login(&app).await;
    for _ in 0..5 {
        let (status, _, session) =
            post_unit_login(&app, Some(&browser), "guess.me", "not the password").await;
        assert_eq!((status, session), (401, None));
    }
    // Locked, even with the right password.
    let (status, _, session) = post_unit_login(&app, Some(&browser), "GUESS.ME", &password).await;
    assert_eq!((status, session), (429, None));
    // The staff account of the same name is not locked by the unit person's failures.
    let staff = sign_in_browser(&app.base_url, "guess.me", "a long staff password").await;
    assert!(!staff.session.is_empty());
    app.stop().await;
}

both_databases!(
    unit_people_act_as_their_unit_and_are_named,
    wrong_unit_passwords_are_throttled
);
