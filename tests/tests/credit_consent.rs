//! Credits and consent (issue 19): 作者/摄影 and 肖像使用已授权 sent with an upload (the
//! multipart form and tus metadata), bounded, kept by a duplicate's original item, edited with
//! their audit, shown on the item page, carried to the partners' feed (JSON and Atom) and the
//! Ministry's 清单.xlsx; and a photo without consent recommended only when the editor confirms
//! it, through the API and the item page alike. Against the real app on both databases.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;

use base64::Engine;
use calamine::{Reader, Xlsx};
use serde_json::{Value, json};
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::media::real_jpeg;
use vocweek_tests::web_session::{csrf_from, sign_in_browser};
use vocweek_tests::{Backend, TestApp, Upload, both_databases, spawn_app};

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// A tus `Upload-Metadata` header of `pairs`.
fn metadata(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k} {}", b64(v)))
        .collect::<Vec<_>>()
        .join(",")
}

/// Any JSON call, asking for Chinese messages: status and answer.
async fn call(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let response = app
        .client
        .request(method, app.url(path))
        .bearer_auth(token)
        .header("Accept-Language", "zh-CN")
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn review(app: &TestApp, editor: &str, id: &str, body: Value) -> (u16, Value) {
    let path = format!("/api/v1/assets/{id}/review");
    call(app, editor, reqwest::Method::POST, &path, body).await
}

async fn patch(app: &TestApp, editor: &str, id: &str, body: Value) -> (u16, Value) {
    let path = format!("/api/v1/assets/{id}");
    call(app, editor, reqwest::Method::PATCH, &path, body).await
}

/// The details of the item's latest history entry named `action`.
async fn latest(app: &TestApp, token: &str, id: &str, action: &str) -> Value {
    let (_, trail) = app.get(token, &format!("/api/v1/assets/{id}/audit")).await;
    trail
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|event| event["action"] == action)
        .unwrap_or_else(|| panic!("no {action} in {trail}"))["details"]
        .clone()
}

/// A tus upload in one request (creation-with-upload); the new asset's id.
async fn tus_upload(app: &TestApp, token: &str, bytes: &[u8], meta: &str) -> String {
    let response = app
        .client
        .post(app.url("/api/v1/uploads/"))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", bytes.len().to_string())
        .header("Upload-Metadata", meta)
        .header("Content-Type", "application/offset+octet-stream")
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    response.headers()["Vocweek-Asset-Id"]
        .to_str()
        .unwrap()
        .to_owned()
}

/// The rows of the batch's `清单.xlsx`, as text.
async fn batch_rows(app: &TestApp, editor: &str, batch: i64) -> Vec<Vec<String>> {
    let response = app
        .client
        .get(app.url(&format!("/api/v1/batches/{batch}/export")))
        .bearer_auth(editor)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut xlsx = Vec::new();
    archive
        .by_name("清单.xlsx")
        .unwrap()
        .read_to_end(&mut xlsx)
        .unwrap();
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = workbook.worksheet_range("推荐清单").unwrap();
    sheet
        .rows()
        .map(|row| row.iter().map(|cell| cell.to_string()).collect())
        .collect()
}

async fn credit_and_consent_go_from_upload_to_partners_and_ministry(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit("临沂职业学院", UnitKind::HigherVocationalCollege, "linyi")
        .await;
    let editor = app.user_session("edu", Role::Editor, Some(Desk::Edu)).await;
    let partner = app.services.db.create_partner("大众网").await.unwrap().1;

    // The form: credit and consent (a ticked checkbox sends `on`), bounded.
    let long = "摄".repeat(101);
    let bytes = real_jpeg(41, 320, 240);
    let upload = |credit: &str, consent: &str| {
        Upload::new("开幕.jpg", bytes.clone())
            .field("credit", credit)
            .field("portrait_consent", consent)
    };
    let (status, refused) = app.upload(&unit, upload(long.as_str(), "on")).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (400, Some("credit-too-long")),
        "{refused}"
    );
    let (status, refused) = app.upload(&unit, upload("王五", "maybe")).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (400, Some("invalid-field")),
        "{refused}"
    );
    let (status, first) = app.upload(&unit, upload("  摄影：王五 ", "on")).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(
        (&first["credit"], &first["portrait_consent"]),
        (&json!("摄影：王五"), &json!(true))
    );
    let a = first["id"].as_str().unwrap().to_owned();
    // The same bytes again: the item keeps what its first upload said.
    let (status, again) = app.upload(&unit, upload("别人", "false")).await;
    assert_eq!((status, again["duplicate"].as_bool()), (200, Some(true)));
    assert_eq!(
        (&again["credit"], &again["portrait_consent"]),
        (&json!("摄影：王五"), &json!(true))
    );

    // tus: the same fields in the metadata, checked before the first byte.
    let photo = real_jpeg(42, 320, 240);
    let too_long = app
        .client
        .post(app.url("/api/v1/uploads/"))
        .bearer_auth(&unit)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", photo.len().to_string())
        .header(
            "Upload-Metadata",
            metadata(&[
                ("filename", "b.jpg"),
                ("title", "实训"),
                ("credit", long.as_str()),
            ]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(too_long.status(), 400);
    let body: Value = too_long.json().await.unwrap();
    assert_eq!(body["error"]["code"], "credit-too-long", "{body}");
    let meta = metadata(&[
        ("filename", "实训.jpg"),
        ("title", "实训课堂"),
        ("credit", "李四"),
        ("portrait_consent", "false"),
    ]);
    let b = tus_upload(&app, &unit, &photo, &meta).await;
    let (_, asset) = app.get(&unit, &format!("/api/v1/assets/{b}")).await;
    assert_eq!(
        (&asset["credit"], &asset["portrait_consent"]),
        (&json!("李四"), &json!(false))
    );
    let (_, listed) = app.get(&unit, "/api/v1/assets?limit=10").await;
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|item| item["id"] == a.as_str() && item["credit"] == "摄影：王五"),
        "{listed}"
    );

    for id in [&a, &b] {
        app.wait_for_state(&unit, id, "pending_review").await;
        let (status, body) = review(
            &app,
            &editor,
            id,
            json!({"action": "approve", "version": 2}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }

    // The item page: 作者/摄影, 肖像授权 未确认 as a warning, and 推荐 asks for the confirmation.
    app.create_editor().await;
    let session = sign_in_browser(&app.base_url, "editor", "a long editor password")
        .await
        .session;
    let (status, html) = app.page(&session, &format!("/queue/{b}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("<dt>作者/摄影</dt><dd>李四</dd>"), "{html}");
    assert!(
        html.contains("<dt>肖像授权</dt><dd><span class=\"badge warning\">未确认</span></dd>"),
        "{html}"
    );
    assert!(html.contains("name=\"confirm_without_consent\""), "{html}");
    let (_, html_a) = app.page(&session, &format!("/queue/{a}")).await;
    assert!(
        html_a.contains("<dt>肖像授权</dt><dd>已授权</dd>"),
        "{html_a}"
    );
    assert!(!html_a.contains("name=\"confirm_without_consent\""));
    // The page's form without the box ticked goes back to the item with the reason.
    let csrf = csrf_from(&html).unwrap();
    let refused = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url(&format!("/queue/{b}/review")))
        .header("cookie", format!("vw_session={session}"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("action", "recommend"),
            ("version", "3"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.headers()["location"].to_str().unwrap(),
        format!("/queue/{b}?error=consent")
    );

    // The API: refused with its code and the Chinese sentence, then confirmed.
    let (status, body) = review(
        &app,
        &editor,
        &b,
        json!({"action": "recommend", "version": 3}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("consent-unconfirmed")),
        "{body}"
    );
    assert_eq!(
        body["error"]["message"],
        "该素材未确认肖像使用授权，确认后再推荐。"
    );
    let confirmed = json!({"action": "recommend", "version": 3, "confirm_without_consent": true});
    let (status, body) = review(&app, &editor, &b, confirmed).await;
    assert_eq!(
        (status, body["state"].as_str()),
        (200, Some("recommended")),
        "{body}"
    );
    assert_eq!(
        latest(&app, &editor, &b, "recommend").await["without_consent"],
        true
    );
    let (_, html) = app.page(&session, &format!("/queue/{b}")).await;
    assert!(
        html.contains("未取得肖像授权，编辑已确认可以使用"),
        "{html}"
    );

    // Editing: bounded, audited; withdrawing the consent makes the rule apply again.
    let (status, body) = patch(
        &app,
        &editor,
        &a,
        json!({"version": 3, "credit": "摄".repeat(101)}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("credit-too-long")),
        "{body}"
    );
    let edit = json!({"version": 3, "credit": "王五（摄影）", "portrait_consent": false});
    let (status, body) = patch(&app, &editor, &a, edit).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (&body["credit"], &body["portrait_consent"]),
        (&json!("王五（摄影）"), &json!(false))
    );
    let changed = latest(&app, &editor, &a, "edited").await["changed"].clone();
    assert_eq!(
        changed["credit"],
        json!(["摄影：王五", "王五（摄影）"]),
        "{changed}"
    );
    assert_eq!(
        changed["portrait_consent"],
        json!([true, false]),
        "{changed}"
    );
    let (status, _) = review(
        &app,
        &editor,
        &a,
        json!({"action": "recommend", "version": 4}),
    )
    .await;
    assert_eq!(status, 409);
    let (status, _) = patch(
        &app,
        &editor,
        &a,
        json!({"version": 4, "portrait_consent": true}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = review(
        &app,
        &editor,
        &a,
        json!({"action": "recommend", "version": 5}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        latest(&app, &editor, &a, "recommend")
            .await
            .get("without_consent")
            .is_none()
    );

    // The partners: the JSON feed carries both, the Atom feed the credit as the author.
    let (status, feed) = app.get(&partner, "/api/v1/feed").await;
    assert_eq!(status, 200, "{feed}");
    let item = |id: &str| {
        feed["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|entry| entry["asset_id"] == id)
            .unwrap_or_else(|| panic!("{id} not in {feed}"))["asset"]
            .clone()
    };
    assert_eq!(
        (
            item(&a)["credit"].clone(),
            item(&a)["portrait_consent"].clone()
        ),
        (json!("王五（摄影）"), json!(true))
    );
    assert_eq!(
        (
            item(&b)["credit"].clone(),
            item(&b)["portrait_consent"].clone()
        ),
        (json!("李四"), json!(false))
    );
    let atom = app
        .client
        .get(app.url(&format!("/api/v1/feed.atom?key={partner}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        atom.contains("<author><name>王五（摄影）</name></author>"),
        "{atom}"
    );

    // The Ministry's list: 作者/摄影 and 肖像授权 (是/否) for each item.
    let (status, batch) = call(
        &app,
        &editor,
        reqwest::Method::POST,
        "/api/v1/batches",
        json!({"title": "第一批推荐"}),
    )
    .await;
    assert_eq!(status, 201, "{batch}");
    let batch = batch["id"].as_i64().unwrap();
    let items = format!("/api/v1/batches/{batch}/items");
    let (status, body) = call(
        &app,
        &editor,
        reqwest::Method::PUT,
        &items,
        json!({"asset_ids": [a, b]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let rows = batch_rows(&app, &editor, batch).await;
    let header = rows
        .iter()
        .find(|row| row.first().is_some_and(|c| c == "序号"))
        .unwrap();
    assert_eq!(header[11..13], ["作者/摄影", "肖像授权"]);
    assert_eq!(
        rows.iter().find(|row| row[1] == "测试 开幕.jpg").unwrap()[11..13],
        ["王五（摄影）", "是"]
    );
    assert_eq!(
        rows.iter().find(|row| row[1] == "实训课堂").unwrap()[11..13],
        ["李四", "否"]
    );
    app.stop().await;
}

both_databases!(credit_and_consent_go_from_upload_to_partners_and_ministry);
