//! Recommendation batches: composing, ordering, sending, and the zip export read back with a
//! real xlsx reader.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;

use calamine::{Reader, Xlsx};
use serde_json::{Value, json};
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::media::real_jpeg;
use vocweek_tests::{Backend, TestApp, Upload, every_backend, spawn_app};

async fn call(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Uploads a photo, waits for review, approves and recommends it; returns its id.
async fn recommended(app: &TestApp, unit: &str, editor: &str, seed: u64, title: &str) -> String {
    let (_, body) = app
        .upload(
            unit,
            Upload::new(&format!("{seed}.jpg"), real_jpeg(seed, 640, 480)).field("title", title),
        )
        .await;
    let id = body["id"].as_str().unwrap().to_owned();
    app.wait_for_state(unit, &id, "pending_review").await;
    for (action, version) in [("approve", 2), ("recommend", 3)] {
        let (status, body) = call(
            app,
            editor,
            reqwest::Method::POST,
            &format!("/api/v1/assets/{id}/review"),
            Some(json!({"action": action, "version": version})),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    id
}

async fn a_batch_is_composed_sent_and_exported(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit("济南职业学院", UnitKind::HigherVocationalCollege, "jinan")
        .await;
    let editor = app.user_session("edu", Role::Editor, Some(Desk::Edu)).await;
    let first = recommended(&app, &unit, &editor, 1, "开幕式").await;
    let second = recommended(&app, &unit, &editor, 2, "技能展示").await;
    let (_, pending) = app
        .upload(&unit, Upload::new("p.jpg", real_jpeg(3, 64, 64)))
        .await;
    let pending = pending["id"].as_str().unwrap().to_owned();

    let (status, batch) = call(
        &app,
        &editor,
        reqwest::Method::POST,
        "/api/v1/batches",
        Some(json!({"title": "第一批推荐", "note": "5月22日"})),
    )
    .await;
    assert_eq!(status, 201, "{batch}");
    let id = batch["id"].as_i64().unwrap();
    assert_eq!(batch["state"], "draft");
    let items = format!("/api/v1/batches/{id}/items");
    let (status, body) = call(
        &app,
        &editor,
        reqwest::Method::PUT,
        &items,
        Some(json!({"asset_ids": [second, pending]})),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("invalid")),
        "only recommended items: {body}"
    );
    let (status, body) = call(
        &app,
        &editor,
        reqwest::Method::PUT,
        &items,
        Some(json!({"asset_ids": [second, first]})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let order: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(order, vec![second.as_str(), first.as_str()]);

    // The export: a zip with the Excel list, the JSON list, originals and previews.
    let response = app
        .client
        .get(app.url(&format!("/api/v1/batches/{id}/export")))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let bytes = response.bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect();
    for expected in [
        "清单.xlsx",
        "manifest.json",
        "originals/001_技能展示.jpg",
        "originals/002_开幕式.jpg",
        "previews/001_技能展示.jpg",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing from {names:?}"
        );
    }
    let mut original = Vec::new();
    archive
        .by_name("originals/002_开幕式.jpg")
        .unwrap()
        .read_to_end(&mut original)
        .unwrap();
    let (_, first_asset) = app.get(&editor, &format!("/api/v1/assets/{first}")).await;
    assert_eq!(
        blake3::hash(&original).to_hex().to_string(),
        first_asset["blake3"].as_str().unwrap()
    );

    let mut xlsx = Vec::new();
    archive
        .by_name("清单.xlsx")
        .unwrap()
        .read_to_end(&mut xlsx)
        .unwrap();
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = workbook.worksheet_range("推荐清单").unwrap();
    let cell = |row: u32, column: u32| {
        sheet
            .get_value((row, column))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    let header: Vec<String> = (0..11).map(|c| cell(1, c)).collect();
    assert_eq!(
        header,
        [
            "序号",
            "标题",
            "类型",
            "报送单位",
            "城市",
            "活动类别",
            "主题",
            "活动日期",
            "文件名",
            "BLAKE3",
            "说明"
        ]
    );
    assert_eq!(cell(2, 0), "1");
    assert_eq!(cell(2, 1), "技能展示");
    assert_eq!(cell(2, 2), "照片");
    assert_eq!(cell(2, 3), "济南职业学院");
    assert_eq!(cell(2, 4), "济南");
    assert_eq!(cell(3, 8), "originals/002_开幕式.jpg");
    assert_eq!(cell(3, 9), first_asset["blake3"].as_str().unwrap());

    let (status, sent) = call(
        &app,
        &editor,
        reqwest::Method::POST,
        &format!("/api/v1/batches/{id}/send"),
        None,
    )
    .await;
    assert_eq!((status, sent["state"].as_str()), (200, Some("sent")));
    let (status, body) = call(
        &app,
        &editor,
        reqwest::Method::PUT,
        &items,
        Some(json!({"asset_ids": [first]})),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("batch-sent"))
    );
    let (_, trail) = app
        .get(&editor, &format!("/api/v1/assets/{first}/audit"))
        .await;
    assert!(
        trail
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "sent_to_ministry")
    );

    // Other desks and units do not reach it.
    let hr = app.user_session("hr", Role::Editor, Some(Desk::Hr)).await;
    let (status, _) = call(
        &app,
        &hr,
        reqwest::Method::GET,
        &format!("/api/v1/batches/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = call(&app, &unit, reqwest::Method::GET, "/api/v1/batches", None).await;
    assert_eq!(status, 403);
    app.stop().await;
}

every_backend!(a_batch_is_composed_sent_and_exported);
