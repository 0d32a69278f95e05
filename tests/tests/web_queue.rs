//! The web queue over HTTP: login (throttling, cookie flags, no open redirect), the Chinese
//! queue page with escaped content, CSRF on every state change, desks, logout.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::media::real_jpeg;
use vocweek_tests::web_session::{cookie_from, csrf_from, set_cookie_header, sign_in_browser};
use vocweek_tests::{Backend, TestApp, Upload, both_databases, spawn_app};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The sign-in under test, step by step as a browser does it: loads the form (its login CSRF
/// cookie and token), then posts it; returns (status, Location, the session cookie's value, its
/// header). Tests that only need a session use `sign_in_browser`.
async fn login(
    app: &TestApp,
    username: &str,
    password: &str,
    next: &str,
) -> (u16, String, Option<String>, String) {
    let form = client().get(app.url("/login")).send().await.unwrap();
    let presession = cookie_from(&form, "vw_login").expect("the login page sets its cookie");
    let token = csrf_from(&form.text().await.unwrap()).expect("the form's CSRF token");
    let response = client()
        .post(app.url("/login"))
        .header("cookie", format!("vw_login={presession}"))
        .form(&[
            ("username", username),
            ("password", password),
            ("next", next),
            ("csrf", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let set_cookie = set_cookie_header(&response, "vw_session").unwrap_or_default();
    let session = cookie_from(&response, "vw_session");
    (status, location, session, set_cookie)
}

async fn page(app: &TestApp, session: &str, path: &str) -> (u16, String) {
    let response = client()
        .get(app.url(path))
        .header("cookie", format!("vw_session={session}"))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn the_queue_in_a_browser_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit(
            "聊城职业技术学院",
            UnitKind::HigherVocationalCollege,
            "liaocheng",
        )
        .await;
    let title = "<script>alert(1)</script>开幕";
    let (_, body) = app
        .upload(
            &unit,
            Upload::new("a.jpg", real_jpeg(5, 64, 48)).field("title", title),
        )
        .await;
    let id = body["id"].as_str().unwrap().to_owned();
    app.wait_for_state(&unit, &id, "pending_review").await;
    app.create_editor().await;

    let response = client().get(app.url("/queue")).send().await.unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/login?next=/queue");

    let (status, _, session, _) = login(&app, "editor", "wrong", "/queue").await;
    assert_eq!((status, session), (401, None));
    let (status, location, session, cookie) =
        login(&app, "editor", "a long editor password", "//evil.example").await;
    assert_eq!(status, 303);
    assert_eq!(location, "/queue", "no open redirect");
    let session = session.unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let (_, _, second, _) = login(&app, "editor", "a long editor password", "/queue").await;
    assert_ne!(
        second.unwrap(),
        session,
        "a new session id at every sign-in"
    );

    let (status, html) = page(&app, &session, "/queue").await;
    assert_eq!(status, 200);
    assert!(html.contains("审核队列") && html.contains("lang=\"zh-CN\""));
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62;开幕"),
        "the title is escaped"
    );
    assert!(
        !html.contains("<script>alert(1)"),
        "no live script from user text"
    );
    let (status, detail) = page(&app, &session, &format!("/queue/{id}")).await;
    assert_eq!(status, 200);
    let csrf = csrf_from(&detail).unwrap();
    // The thumbnail the page shows is reachable with the cookie.
    let thumb = client()
        .get(app.url(&format!("/api/v1/assets/{id}/renditions/thumb")))
        .header("cookie", format!("vw_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(thumb.status(), 200);

    // A decision without the CSRF token is refused; with it, it goes through.
    let decide = |csrf: String, version: &'static str| {
        client()
            .post(app.url(&format!("/queue/{id}/review")))
            .header("cookie", format!("vw_session={session}"))
            .form(&[
                ("csrf", csrf),
                ("action", "approve".to_owned()),
                ("version", version.to_owned()),
            ])
            .send()
    };
    assert_eq!(decide("0".repeat(64), "2").await.unwrap().status(), 403);
    let done = decide(csrf.clone(), "2").await.unwrap();
    assert_eq!(
        (
            done.status().as_u16(),
            done.headers()["location"].to_str().unwrap()
        ),
        (303, "/queue")
    );
    let (_, asset) = app.get(&unit, &format!("/api/v1/assets/{id}")).await;
    assert_eq!(asset["state"], "approved");
    // The same stale decision again: back to the item with the conflict message.
    let stale = decide(csrf.clone(), "2").await.unwrap();
    assert_eq!(
        stale.headers()["location"].to_str().unwrap(),
        format!("/queue/{id}?error=conflict")
    );

    // Re-tagging through the item page's form (themes are repeated checkboxes).
    let edited = client()
        .post(app.url(&format!("/queue/{id}/edit")))
        .header("cookie", format!("vw_session={session}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "csrf={csrf}&version=3&title=%E5%BC%80%E5%B9%95%E5%BC%8F&description=&city=jinan\
             &category=national_event&subcategory=launch_ceremony&themes=policy&themes=achievements"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(edited.status(), 303);
    assert_eq!(
        edited.headers()["location"].to_str().unwrap(),
        format!("/queue/{id}")
    );
    let (_, asset) = app.get(&unit, &format!("/api/v1/assets/{id}")).await;
    assert_eq!(asset["title"], "开幕式");
    assert_eq!(asset["tags"]["city"], "jinan");
    assert_eq!(
        asset["tags"]["themes"],
        serde_json::json!(["achievements", "policy"])
    );
    let bad = client()
        .post(app.url(&format!("/queue/{id}/edit")))
        .header("cookie", format!("vw_session={session}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}&version=4&title=x&city=beijing"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        bad.headers()["location"].to_str().unwrap(),
        format!("/queue/{id}?error=tags")
    );

    // The JSON API with the cookie: reads work; writes need the CSRF header.
    let api = format!("/api/v1/assets/{id}/review");
    let refused = client()
        .post(app.url(&api))
        .header("cookie", format!("vw_session={session}"))
        .json(&serde_json::json!({"action": "recommend", "version": 4}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    // The photo was sent without portrait consent: the editor confirms recommending it.
    let accepted = client()
        .post(app.url(&api))
        .header("cookie", format!("vw_session={session}"))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({
            "action": "recommend", "version": 4, "confirm_without_consent": true
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 200);

    // The other desk sees nothing of it.
    app.services
        .db
        .create_user(
            "hr",
            "a long hr password here",
            Role::Editor,
            Some(Desk::Hr),
            false,
        )
        .await
        .unwrap();
    let hr = sign_in_browser(&app.base_url, "hr", "a long hr password here").await;
    let (status, _) = page(&app, &hr.session, &format!("/queue/{id}")).await;
    assert_eq!(status, 404);

    // Logout ends the session.
    let out = client()
        .post(app.url("/logout"))
        .header("cookie", format!("vw_session={session}"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    let (status, _) = page(&app, &session, "/queue").await;
    assert_eq!(status, 303, "back to the login page");
    app.stop().await;
}

async fn repeated_failed_logins_are_throttled(backend: Backend) {
    let app = spawn_app(backend).await;
    app.services
        .db
        .create_user(
            "target",
            "the right long password",
            Role::Admin,
            None,
            false,
        )
        .await
        .unwrap();
    for _ in 0..5 {
        let (status, ..) = login(&app, "target", "guess", "/queue").await;
        assert_eq!(status, 401);
    }
    let (status, _, session, _) = login(&app, "target", "the right long password", "/queue").await;
    assert_eq!(
        (status, session),
        (429, None),
        "locked even with the right password"
    );
    let response = app
        .client
        .post(app.url("/api/v1/session"))
        .json(&serde_json::json!({"username": "target", "password": "the right long password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429, "the API shares the lock");
    app.stop().await;
}

async fn the_dashboard_counts_per_city_and_state(backend: Backend) {
    let app = spawn_app(backend).await;
    // The dashboard counts by upload day (Beijing), within the campaign's week.
    app.pin_clock("2021-05-23 10:00:00");
    let (_, weifang) = app
        .unit("潍坊职业学院", UnitKind::HigherVocationalCollege, "weifang")
        .await;
    let (_, hr_unit) = app
        .unit("潍坊市人社局", UnitKind::CityHrBureau, "weifang")
        .await;
    for seed in 0..3 {
        let upload =
            Upload::new("d.jpg", real_jpeg(40 + seed, 32, 32)).field("activity_date", "2021-05-23");
        app.upload(&weifang, upload).await;
    }
    let other_desk =
        Upload::new("h.jpg", real_jpeg(50, 32, 32)).field("activity_date", "2021-05-23");
    app.upload(&hr_unit, other_desk).await;
    app.create_editor().await;
    let web = sign_in_browser(&app.base_url, "editor", "a long editor password").await;
    let (status, html) = page(&app, &web.session, "/dashboard?day=2021-05-23").await;
    assert_eq!(status, 200);
    assert!(html.contains("数据看板") && html.contains("2021-05-23 各市报送数量"));
    // Three from Weifang on the edu desk (the HR bureau's item is the other desk's).
    let weifang_bar = html
        .split("data-city=\"潍坊\"")
        .nth(1)
        .expect("a bar for Weifang");
    let count: String = weifang_bar
        .split("font-size=\"13\">")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert_eq!(count, "3");
    assert!(
        html.contains("data-city=\"菏泽\""),
        "cities that sent nothing are shown too"
    );
    app.stop().await;
}

async fn bulk_decisions_and_original_downloads(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit(
            "泰安职业技术学院",
            UnitKind::HigherVocationalCollege,
            "taian",
        )
        .await;
    let mut ids = Vec::new();
    for seed in 0..3 {
        let bytes = real_jpeg(60 + seed, 48, 48);
        let (_, body) = app
            .upload(&unit, Upload::new("泰山 照片.jpg", bytes.clone()))
            .await;
        let id = body["id"].as_str().unwrap().to_owned();
        app.wait_for_state(&unit, &id, "pending_review").await;
        ids.push((id, bytes));
    }
    // The original comes back byte for byte, with its Chinese name for the browser.
    let response = app
        .client
        .get(app.url(&format!("/api/v1/assets/{}/original", ids[0].0)))
        .bearer_auth(&unit)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.contains("filename*=UTF-8''%E6%B3%B0"),
        "{disposition}"
    );
    assert_eq!(response.bytes().await.unwrap().to_vec(), ids[0].1);

    app.create_editor().await;
    // Signed in, the browser lands on the queue: its forms carry `csrf`.
    let web = sign_in_browser(&app.base_url, "editor", "a long editor password").await;
    let (session, csrf) = (web.session, web.csrf);
    let (_, html) = page(&app, &session, "/queue").await;
    assert!(html.contains("批量处理"));
    // The page's filters: the oldest first, and by unit.
    let (_, sorted) = page(&app, &session, "/queue?sort=oldest").await;
    let first_card = sorted.split("data-id=\"").nth(1).unwrap();
    assert!(first_card.starts_with(&ids[0].0), "oldest first");
    let (_, none) = page(&app, &session, "/queue?unit=999999").await;
    assert!(none.contains("没有符合条件的素材"));
    // Two at the version shown, one stale (someone else moved it meanwhile).
    let body = format!(
        "csrf={csrf}&action=approve&note=&ids={}:2&ids={}:2&ids={}:1",
        ids[0].0, ids[1].0, ids[2].0
    );
    let response = client()
        .post(app.url("/queue/bulk"))
        .header("cookie", format!("vw_session={session}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/queue?done=2&skipped=1");
    let (_, html) = page(&app, &session, "/queue?done=2&skipped=1").await;
    assert!(html.contains("已处理 2 项，1 项未处理"));
    for (index, (id, _)) in ids.iter().enumerate() {
        let (_, asset) = app.get(&unit, &format!("/api/v1/assets/{id}")).await;
        let expected = if index < 2 {
            "approved"
        } else {
            "pending_review"
        };
        assert_eq!(asset["state"], expected);
    }
    let refused = client()
        .post(app.url("/queue/bulk"))
        .header("cookie", format!("vw_session={session}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "csrf={}&action=approve&ids={}:2",
            "0".repeat(64),
            ids[2].0
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    app.stop().await;
}

async fn a_batch_is_composed_in_the_browser_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit(
            "东营职业学院",
            UnitKind::HigherVocationalCollege,
            "dongying",
        )
        .await;
    app.create_editor().await;
    let editor_token = app
        .user_session("api-editor", Role::Editor, Some(Desk::Edu))
        .await;
    let mut ids = Vec::new();
    for (seed, title) in [(70, "甲"), (71, "乙")] {
        let (_, body) = app
            .upload(
                &unit,
                Upload::new("b.jpg", real_jpeg(seed, 48, 48))
                    .field("title", title)
                    .field("portrait_consent", "true"),
            )
            .await;
        let id = body["id"].as_str().unwrap().to_owned();
        app.wait_for_state(&unit, &id, "pending_review").await;
        for (action, version) in [("approve", 2), ("recommend", 3)] {
            let response = app
                .client
                .post(app.url(&format!("/api/v1/assets/{id}/review")))
                .bearer_auth(&editor_token)
                .json(&serde_json::json!({"action": action, "version": version}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
        }
        ids.push(id);
    }
    let session = sign_in_browser(&app.base_url, "editor", "a long editor password")
        .await
        .session;
    let (status, html) = page(&app, &session, "/batches").await;
    assert_eq!(status, 200);
    let csrf = csrf_from(&html).unwrap();
    let post = |path: String, body: String| {
        client()
            .post(app.url(&path))
            .header("cookie", format!("vw_session={session}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let created = post(
        "/batches".into(),
        format!("csrf={csrf}&title=%E7%AC%AC%E4%B8%80%E6%89%B9&note="),
    )
    .await
    .unwrap();
    assert_eq!(created.status(), 303);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let batch: i32 = location.trim_start_matches("/batches/").parse().unwrap();
    let (_, html) = page(&app, &session, &location).await;
    assert!(html.contains("可加入的推荐素材") && html.contains("甲") && html.contains("乙"));
    let added = post(
        format!("/batches/{batch}/items"),
        format!("csrf={csrf}&add={}&add={}", ids[0], ids[1]),
    )
    .await
    .unwrap();
    assert_eq!(added.status(), 303);
    // Reorder: 乙 first.
    let body = format!(
        "csrf={csrf}&ids={a}&pos_{a}=2&ids={b}&pos_{b}=1",
        a = ids[0],
        b = ids[1]
    );
    assert_eq!(
        post(format!("/batches/{batch}/items"), body)
            .await
            .unwrap()
            .status(),
        303
    );
    let response = app
        .client
        .get(app.url(&format!("/api/v1/batches/{batch}")))
        .bearer_auth(&editor_token)
        .send()
        .await
        .unwrap();
    let json: serde_json::Value = response.json().await.unwrap();
    let order: Vec<&str> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap())
        .collect();
    assert_eq!(order, vec!["乙", "甲"]);
    assert_eq!(
        post(format!("/batches/{batch}/send"), format!("csrf={csrf}"))
            .await
            .unwrap()
            .status(),
        303
    );
    let (_, html) = page(&app, &session, &location).await;
    assert!(
        html.contains("报送") && !html.contains("可加入的推荐素材"),
        "a sent batch is read-only"
    );
    app.stop().await;
}

async fn bulk_retag_at_the_shown_versions(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit(
            "莱芜职业技术学院",
            UnitKind::HigherVocationalCollege,
            "jinan",
        )
        .await;
    let mut ids = Vec::new();
    for seed in 0..3 {
        let upload = Upload::new("p.jpg", real_jpeg(80 + seed, 48, 48))
            .field("category", "publicity")
            .field("themes", "party_centenary");
        let (_, body) = app.upload(&unit, upload).await;
        let id = body["id"].as_str().unwrap().to_owned();
        app.wait_for_state(&unit, &id, "pending_review").await;
        ids.push(id);
    }
    app.create_editor().await;
    // Signed in, the browser lands on the queue: its forms carry `csrf`.
    let web = sign_in_browser(&app.base_url, "editor", "a long editor password").await;
    let (session, csrf) = (web.session, web.csrf);
    let (_, html) = page(&app, &session, "/queue").await;
    assert!(html.contains("批量改标签"));
    let post = |body: String| {
        client()
            .post(app.url("/queue/bulk"))
            .header("cookie", format!("vw_session={session}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    // The select's action comes first, the re-tag button's last (as a browser sends them).
    let response = post(format!(
        "csrf={csrf}&action=approve&note=&retag_city=qingdao&retag_category=national_event&retag_theme=labor_spirit&action=retag&ids={}:2&ids={}:2&ids={}:1",
        ids[0], ids[1], ids[2]
    ))
    .await
    .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/queue?done=2&skipped=1");
    for (index, id) in ids.iter().enumerate() {
        let (_, asset) = app.get(&unit, &format!("/api/v1/assets/{id}")).await;
        assert_eq!(asset["state"], "pending_review", "a re-tag decides nothing");
        if index < 2 {
            assert_eq!(asset["tags"]["city"], "qingdao");
            assert_eq!(asset["tags"]["category"], "national_event");
            assert_eq!(
                asset["tags"]["themes"],
                serde_json::json!(["labor_spirit", "party_centenary"])
            );
            assert_eq!(asset["version"], 3);
        } else {
            assert_eq!(asset["tags"]["city"], "jinan", "the stale one is untouched");
        }
    }
    // An unknown theme changes nothing.
    let response = post(format!(
        "csrf={csrf}&retag_theme=no_such_theme&action=retag&ids={}:3",
        ids[0]
    ))
    .await
    .unwrap();
    assert_eq!(response.headers()["location"], "/queue?done=0&skipped=1");
    let (_, audit) = app
        .get(&unit, &format!("/api/v1/assets/{}/audit", ids[0]))
        .await;
    assert!(
        audit.to_string().contains("qingdao"),
        "the re-tag is in the history: {audit}"
    );
    app.stop().await;
}

both_databases!(
    bulk_retag_at_the_shown_versions,
    a_batch_is_composed_in_the_browser_pages,
    bulk_decisions_and_original_downloads,
    the_queue_in_a_browser_session,
    repeated_failed_logins_are_throttled,
    the_dashboard_counts_per_city_and_state,
);
