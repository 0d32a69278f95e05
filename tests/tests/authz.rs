//! Who may call what: every API route and queue page × anonymous, uploading unit, partner,
//! editor of the other desk, editor of the item's desk, admin.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::media::real_jpeg;
use vocweek_tests::{Backend, TestApp, Upload, both_databases, spawn_app};

const WHO: [&str; 6] = [
    "anonymous",
    "unit",
    "partner",
    "other desk",
    "editor",
    "admin",
];

async fn status(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &Value,
    cookie: bool,
) -> u16 {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let url = app.url(path);
    let mut request = match method {
        "POST" => client.post(url).json(body),
        "PUT" => client.put(url).json(body),
        "PATCH" => client.patch(url).json(body),
        _ => client.get(url),
    };
    if let Some(token) = token {
        request = if cookie {
            request.header("cookie", format!("vw_session={token}"))
        } else {
            request.bearer_auth(token)
        };
    }
    request.send().await.unwrap().status().as_u16()
}

async fn every_route_checks_role_and_desk(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit("济南职业学院", UnitKind::HigherVocationalCollege, "jinan")
        .await;
    let (_, body) = app
        .upload(&unit, Upload::new("a.jpg", real_jpeg(8, 64, 48)))
        .await;
    let asset = body["id"].as_str().unwrap().to_owned();
    app.wait_for_state(&unit, &asset, "pending_review").await;
    let (_, partner) = app.services.db.create_partner("大众网").await.unwrap();
    let hr = app.user_session("hr", Role::Editor, Some(Desk::Hr)).await;
    let editor = app.user_session("edu", Role::Editor, Some(Desk::Edu)).await;
    let admin = app.user_session("root", Role::Admin, None).await;
    let campaign = app.services.ingestor.campaign().campaign.id;
    let batch = app
        .services
        .db
        .create_batch(campaign, Desk::Edu, "批次", "", 1)
        .await
        .unwrap()
        .id;
    let tokens: [Option<&str>; 6] = [
        None,
        Some(&unit),
        Some(&partner),
        Some(&hr),
        Some(&editor),
        Some(&admin),
    ];

    let none = Value::Null;
    let bad_action = json!({"action": "none", "version": 2});
    let stale_edit = json!({"version": -1, "title": "x"});
    let empty_items = json!({"asset_ids": []});
    let untitled = json!({"title": ""});
    let cases: Vec<(&str, String, &Value, [u16; 6])> = vec![
        (
            "GET",
            "/api/v1/assets".into(),
            &none,
            [401, 200, 403, 200, 200, 200],
        ),
        (
            "GET",
            format!("/api/v1/assets/{asset}"),
            &none,
            [401, 200, 403, 404, 200, 200],
        ),
        (
            "GET",
            format!("/api/v1/assets/{asset}/renditions/thumb"),
            &none,
            [401, 200, 403, 404, 200, 200],
        ),
        (
            "GET",
            format!("/api/v1/assets/{asset}/audit"),
            &none,
            [401, 200, 403, 404, 200, 200],
        ),
        (
            "POST",
            format!("/api/v1/assets/{asset}/review"),
            &bad_action,
            [401, 403, 403, 404, 422, 422],
        ),
        (
            "PATCH",
            format!("/api/v1/assets/{asset}"),
            &stale_edit,
            [401, 409, 403, 404, 409, 409],
        ),
        (
            "GET",
            "/api/v1/batches".into(),
            &none,
            [401, 403, 403, 200, 200, 200],
        ),
        (
            "POST",
            "/api/v1/batches".into(),
            &untitled,
            [401, 403, 403, 400, 400, 400],
        ),
        (
            "GET",
            format!("/api/v1/batches/{batch}"),
            &none,
            [401, 403, 403, 404, 200, 200],
        ),
        (
            "PUT",
            format!("/api/v1/batches/{batch}/items"),
            &empty_items,
            [401, 403, 403, 404, 200, 200],
        ),
        (
            "POST",
            format!("/api/v1/batches/{batch}/send"),
            &none,
            [401, 403, 403, 404, 422, 422],
        ),
        (
            "GET",
            format!("/api/v1/batches/{batch}/export"),
            &none,
            [401, 403, 403, 404, 200, 200],
        ),
    ];
    for (method, path, body, expected) in &cases {
        for (who, (token, want)) in WHO.iter().zip(tokens.iter().zip(expected)) {
            let got = status(&app, method, path, *token, body, false).await;
            assert_eq!(got, *want, "{method} {path} as {who}");
        }
    }
    // The HR editor's listing does not contain the edu item.
    let (_, page) = app.get(&hr, "/api/v1/assets").await;
    assert_eq!(page["items"].as_array().map(Vec::len), Some(0));

    // Queue pages, with each credential as the session cookie.
    let pages: [(String, [u16; 6]); 2] = [
        ("/queue".into(), [303, 303, 303, 200, 200, 200]),
        (format!("/queue/{asset}"), [303, 303, 303, 404, 200, 200]),
    ];
    for (path, expected) in &pages {
        for (who, (token, want)) in WHO.iter().zip(tokens.iter().zip(expected)) {
            let got = status(&app, "GET", path, *token, &none, true).await;
            assert_eq!(got, *want, "GET {path} as {who} (cookie)");
        }
    }
    // Uploading is for units only.
    for (who, token) in WHO.iter().zip(tokens) {
        let want = match *who {
            "anonymous" => 401,
            "unit" => 201,
            _ => 403,
        };
        let Some(token) = token else {
            let response = app
                .client
                .post(app.url("/api/v1/assets"))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), want, "upload as {who}");
            continue;
        };
        let seed = 100 + who.len() as u64;
        let (got, _) = app
            .upload(token, Upload::new("u.jpg", real_jpeg(seed, 32, 32)))
            .await;
        assert_eq!(got, want, "upload as {who}");
    }
    app.stop().await;
}

/// `/logout` ends the caller's own session only. It used to revoke by prefix when the cookie
/// was short, and the prefixes of unit tokens are listed by `unit list`: anyone could revoke
/// any unit's upload token without a secret.
async fn logout_ends_only_a_full_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit_token) = app
        .unit(
            "聊城职业技术学院",
            UnitKind::HigherVocationalCollege,
            "liaocheng",
        )
        .await;
    let prefix: String = unit_token.chars().take(12).collect();
    let editor = app
        .user_session("leaver", Role::Editor, Some(Desk::Edu))
        .await;
    let db = &app.services.db;
    assert_eq!(
        db.revoke_session(&prefix).await.unwrap(),
        0,
        "a prefix is no session"
    );
    assert_eq!(
        db.revoke_session(&unit_token).await.unwrap(),
        0,
        "an upload token is no session"
    );
    let (status, _) = app.get(&unit_token, "/api/v1/assets").await;
    assert_eq!(status, 200, "the unit's token still works");
    assert_eq!(db.revoke_session(&editor).await.unwrap(), 1);
    let (status, _) = app.get(&editor, "/api/v1/assets").await;
    assert_eq!(status, 401, "the session ended");
    app.stop().await;
}

/// An editor's reach is its desk. A row without one (edited by hand: the command line refuses
/// to make it) used to read as "everything"; it now reaches nothing, on the API and the pages.
async fn an_editor_without_a_desk_sees_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit(
            "德州职业技术学院",
            UnitKind::HigherVocationalCollege,
            "dezhou",
        )
        .await;
    let (status, _) = app
        .upload(&unit, Upload::new("a.jpg", real_jpeg(41, 64, 48)))
        .await;
    assert_eq!(status, 201);
    let deskless = app.user_session("nodesk", Role::Editor, None).await;
    let (status, body) = app.get(&deskless, "/api/v1/assets").await;
    assert_eq!(status, 403, "{body}");
    let (status, _) = app.get(&deskless, "/api/v1/batches").await;
    assert_eq!(status, 403);
    let page = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/queue"))
        .header("cookie", format!("vw_session={deskless}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 303);
    assert!(
        page.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );
    app.stop().await;
}

both_databases!(
    every_route_checks_role_and_desk,
    logout_ends_only_a_full_session,
    an_editor_without_a_desk_sees_nothing
);
