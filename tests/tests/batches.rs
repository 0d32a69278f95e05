//! Recommendation batches: composing, ordering, sending, and the zip export read back with a
//! real xlsx reader (its column widths from the worksheet's XML, which calamine does not read);
//! an item sent in one batch marked 已报送过 in the next and sent again only when confirmed; an
//! edit after the send shown on the batch.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::Read;

use calamine::{Reader, Xlsx};
use serde_json::{Value, json};
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::media::real_jpeg;
use vocweek_tests::web_session::csrf_from;
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

/// Uploads a photo credited to 张三, waits for review, approves and recommends it; returns its
/// id.
async fn recommended(app: &TestApp, unit: &str, editor: &str, seed: u64, title: &str) -> String {
    let upload = Upload::new(&format!("{seed}.jpg"), real_jpeg(seed, 640, 480))
        .field("title", title)
        .field("credit", "摄影：张三");
    recommended_upload(app, unit, editor, upload).await
}

/// `upload`, declared with portrait consent, once processed, approved and recommended;
/// returns its id.
async fn recommended_upload(app: &TestApp, unit: &str, editor: &str, upload: Upload) -> String {
    let (_, body) = app
        .upload(unit, upload.field("portrait_consent", "true"))
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
    let showcase = Upload::new("2.jpg", real_jpeg(2, 640, 480))
        .field("title", "技能展示")
        .field("category", "online_showcase")
        .field("subcategory", "online_campus_tour");
    let second = recommended_upload(&app, &unit, &editor, showcase).await;
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
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.clone())).unwrap();
    let sheet = workbook.worksheet_range("推荐清单").unwrap();
    let cell = |row: u32, column: u32| {
        sheet
            .get_value((row, column))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    let header: Vec<String> = (0..14).map(|c| cell(1, c)).collect();
    assert_eq!(
        header,
        [
            "序号",
            "标题",
            "类型",
            "报送单位",
            "城市",
            "活动类别",
            "具体活动",
            "主题",
            "活动日期",
            "文件名",
            "说明",
            "作者/摄影",
            "肖像授权",
            ""
        ]
    );
    assert_eq!(cell(2, 0), "1");
    assert_eq!(cell(2, 1), "技能展示");
    assert_eq!(cell(2, 2), "照片");
    assert_eq!(cell(2, 3), "济南职业学院");
    assert_eq!(cell(2, 4), "济南");
    assert_eq!(cell(2, 5), "线上展示活动");
    assert_eq!(cell(2, 6), "线上逛校园");
    assert_eq!(cell(3, 6), "", "no sub-activity named");
    assert_eq!(cell(3, 9), "originals/002_开幕式.jpg");
    assert_eq!((cell(2, 11), cell(2, 12)), (String::new(), "是".to_owned()));
    assert_eq!(cell(3, 11), "摄影：张三");
    // No hash anywhere in the list: the Ministry has no use for one.
    let hash = first_asset["blake3"].as_str().unwrap();
    assert!(
        sheet.rows().flatten().all(|c| *c != hash),
        "the list holds a BLAKE3"
    );
    // Every column has its width.
    let widths = column_widths(&xlsx);
    assert_eq!(
        widths.keys().copied().collect::<Vec<u32>>(),
        (1..=13).collect::<Vec<u32>>(),
        "{widths:?}"
    );
    assert!(widths.values().all(|width| *width >= 6.0), "{widths:?}");
    assert!(
        widths[&2] > widths[&1],
        "标题 is wider than 序号: {widths:?}"
    );
    // manifest.json keeps the hash for whoever checks the files.
    let mut manifest = String::new();
    archive
        .by_name("manifest.json")
        .unwrap()
        .read_to_string(&mut manifest)
        .unwrap();
    let manifest: Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(manifest["items"][1]["BLAKE3"], hash);
    assert_eq!(manifest["items"][0]["具体活动"], "线上逛校园");

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

/// The widths the sheet sets, by column (1-based), from the `<col min max width>` elements of
/// the worksheet's XML inside the xlsx (a zip): calamine reads values, not widths.
fn column_widths(xlsx: &[u8]) -> BTreeMap<u32, f64> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let mut xml = String::new();
    archive
        .by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let mut widths = BTreeMap::new();
    // `<cols>` does not match: the element's name is followed by a space.
    for element in xml.split("<col ").skip(1) {
        let element = format!(" {}", &element[..element.find('>').unwrap()]);
        let attribute = |name: &str| -> String {
            let marker = format!(" {name}=\"");
            let start = element.find(&marker).unwrap() + marker.len();
            let end = start + element[start..].find('"').unwrap();
            element[start..end].to_owned()
        };
        let min: u32 = attribute("min").parse().unwrap();
        let max: u32 = attribute("max").parse().unwrap();
        let width: f64 = attribute("width").parse().unwrap();
        for column in min..=max {
            widths.insert(column, width);
        }
    }
    widths
}

/// A form posted from a page as the signed-in browser does: (status, the page answered).
async fn post_form(
    app: &TestApp,
    session: &str,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url(path))
        .header("cookie", format!("vw_session={session}"))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// A new batch of `title` holding `items`; returns its id and the batch as answered.
async fn batch_of(app: &TestApp, editor: &str, title: &str, items: &[&str]) -> (i64, Value) {
    let (status, batch) = call(
        app,
        editor,
        reqwest::Method::POST,
        "/api/v1/batches",
        Some(json!({ "title": title })),
    )
    .await;
    assert_eq!(status, 201, "{batch}");
    let id = batch["id"].as_i64().unwrap();
    let (status, batch) = call(
        app,
        editor,
        reqwest::Method::PUT,
        &format!("/api/v1/batches/{id}/items"),
        Some(json!({ "asset_ids": items })),
    )
    .await;
    assert_eq!(status, 200, "{batch}");
    (id, batch)
}

/// An item sent in one batch and put in a second: marked 已报送过 (the JSON and the page), and
/// the second batch is refused 409 `already-sent-item` until the sender confirms (the API's
/// `confirm_resend`, the page's 仍然报送). An edit of the item after the sends shows on the
/// batches as 报送后修改.
async fn an_item_is_sent_again_only_when_confirmed(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit("潍坊职业学院", UnitKind::HigherVocationalCollege, "weifang")
        .await;
    let editor = app.user_session("edu", Role::Editor, Some(Desk::Edu)).await;
    let item = recommended(&app, &unit, &editor, 11, "开幕式").await;
    let other = recommended(&app, &unit, &editor, 12, "技能展示").await;

    let (first, batch) = batch_of(&app, &editor, "第一批推荐", &[item.as_str()]).await;
    assert_eq!(batch["already_sent"], json!([]));
    let send = |id: i64| format!("/api/v1/batches/{id}/send");
    let (status, sent) = call(&app, &editor, reqwest::Method::POST, &send(first), None).await;
    assert_eq!(
        (status, sent["state"].as_str()),
        (200, Some("sent")),
        "{sent}"
    );
    assert_eq!(sent["changed_after_send"], json!([]));
    let first_sent_at = sent["sent_at"].clone();

    // Put in a second batch: marked with the batch that sent it.
    let (second, batch) = batch_of(
        &app,
        &editor,
        "第二批推荐",
        &[other.as_str(), item.as_str()],
    )
    .await;
    assert_eq!(
        batch["already_sent"],
        json!([{
            "asset_id": item,
            "batch_id": first,
            "batch_title": "第一批推荐",
            "sent_at": first_sent_at,
        }])
    );
    let (status, page) = app.page(&editor, &format!("/batches/{second}")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("已报送过：第一批推荐") && page.contains("name=\"confirm_resend\""),
        "{page}"
    );
    assert!(
        page.contains(&format!("/api/v1/assets/{item}/renditions/thumb")) && page.contains("照片"),
        "each item with its thumbnail and kind: {page}"
    );

    // Refused until confirmed, naming the item and the earlier batch.
    for body in [
        None,
        Some(json!({})),
        Some(json!({ "confirm_resend": false })),
    ] {
        let (status, refused) =
            call(&app, &editor, reqwest::Method::POST, &send(second), body).await;
        assert_eq!(
            (status, refused["error"]["code"].as_str()),
            (409, Some("already-sent-item")),
            "{refused}"
        );
        let items = &refused["error"]["details"]["items"];
        assert_eq!(items[0]["asset_id"], item.as_str(), "{refused}");
        assert_eq!(items[0]["batch_id"], first, "{refused}");
        assert_eq!(items.as_array().unwrap().len(), 1, "{refused}");
    }
    let csrf = csrf_from(&page).unwrap();
    let (status, html) = post_form(
        &app,
        &editor,
        &format!("/batches/{second}/send"),
        &[("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(status, 409, "{html}");
    assert!(
        html.contains("仍然报送") && html.contains("第一批推荐"),
        "{html}"
    );
    let (_, draft) = app.get(&editor, &format!("/api/v1/batches/{second}")).await;
    assert_eq!(draft["state"], "draft", "nothing was sent: {draft}");

    // The page's confirmation sends it.
    let (status, html) = post_form(
        &app,
        &editor,
        &format!("/batches/{second}/send"),
        &[("csrf", csrf.as_str()), ("confirm_resend", "1")],
    )
    .await;
    assert_eq!(status, 303, "{html}");
    let (_, resent) = app.get(&editor, &format!("/api/v1/batches/{second}")).await;
    assert_eq!(resent["state"], "sent");
    assert_eq!(resent["already_sent"][0]["batch_id"], first, "{resent}");

    // The API's confirmation, on a third batch.
    let (third, _) = batch_of(&app, &editor, "第三批推荐", &[item.as_str()]).await;
    let (status, resent) = call(
        &app,
        &editor,
        reqwest::Method::POST,
        &send(third),
        Some(json!({ "confirm_resend": true })),
    )
    .await;
    assert_eq!(
        (status, resent["state"].as_str()),
        (200, Some("sent")),
        "{resent}"
    );
    assert_eq!(
        resent["already_sent"].as_array().unwrap().len(),
        2,
        "{resent}"
    );

    // An edit after the sends shows on the batch, with what changed.
    let (_, asset) = app.get(&editor, &format!("/api/v1/assets/{item}")).await;
    let (status, edited) = call(
        &app,
        &editor,
        reqwest::Method::PATCH,
        &format!("/api/v1/assets/{item}"),
        Some(json!({ "version": asset["version"], "title": "开幕式（更正）" })),
    )
    .await;
    assert_eq!(status, 200, "{edited}");
    let (_, batch) = app.get(&editor, &format!("/api/v1/batches/{first}")).await;
    let changes = batch["changed_after_send"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{batch}");
    assert_eq!(changes[0]["action"], "edited");
    assert_eq!(changes[0]["asset_id"], item.as_str());
    assert_eq!(
        changes[0]["details"]["changed"]["title"],
        json!(["开幕式", "开幕式（更正）"])
    );
    let (status, page) = app.page(&editor, &format!("/batches/{first}")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("报送后修改") && page.contains("标题：开幕式 → 开幕式（更正）"),
        "{page}"
    );
    app.stop().await;
}

every_backend!(
    a_batch_is_composed_sent_and_exported,
    an_item_is_sent_again_only_when_confirmed
);
