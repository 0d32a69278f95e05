//! 典型案例 (issue 19): a unit writes a case — title, summary, body, contacts — attaching its
//! own photos; vocweek writes it as a Word document, the case's original, queued like an upload
//! and moved to review without a media child. Bounds and foreign attachments are refused; the
//! editor sees the fields and the attachments both ways, approves and recommends it (a case
//! has the portrait consent of its attachments), and the Ministry's export carries the `.docx`, which opens (read
//! back as a zip and by LibreOffice) with the case's text and its two pictures. Deleting an
//! attached photo removes its link. Against the real app on every backend.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Cursor, Read};

use serde_json::{Value, json};
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::documents::libreoffice_convert;
use vocweek_tests::media::real_jpeg;
use vocweek_tests::{Backend, TestApp, Upload, every_backend, spawn_app};

const TITLE: &str = "产教融合共建智能制造实训基地";
const SUMMARY: &str = "学校与本地企业共建实训基地，年培训学生三千人次。";
const CONTACT: &str = "王晓明";

async fn post_case(app: &TestApp, token: &str, body: &Value) -> (u16, Value) {
    let response = app
        .client
        .post(app.url("/api/v1/cases"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn case_body(attachments: &[&str]) -> Value {
    json!({
        "title": TITLE,
        "summary": SUMMARY,
        "body": "第一段：背景。\n\n第二段：做法与成效。",
        "contacts": [{ "name": CONTACT, "role": "教务处处长", "phone": "0533-1234567" }],
        "attachments": attachments,
        "category": "online_showcase",
        "credit": "淄博职业学院宣传部",
    })
}

/// `body` with `field` set to `value`.
fn with(mut body: Value, field: &str, value: Value) -> Value {
    body[field] = value;
    body
}

/// A processed photo of the unit's, whose people consented (肖像使用已授权).
async fn photo(app: &TestApp, token: &str, seed: u64, title: &str) -> String {
    let upload = Upload::new(&format!("{seed}.jpg"), real_jpeg(seed, 640, 480))
        .without("title")
        .field("title", title)
        .field("portrait_consent", "true");
    let id = app.upload_id(token, upload).await;
    app.wait_for_state(token, &id, "pending_review").await;
    id
}

/// The names in a zip.
fn names(zip: &zip::ZipArchive<Cursor<Vec<u8>>>) -> Vec<String> {
    zip.file_names().map(|n| n.unwrap().into_owned()).collect()
}

fn read(zip: &mut zip::ZipArchive<Cursor<Vec<u8>>>, name: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    zip.by_name(name).unwrap().read_to_end(&mut bytes).unwrap();
    bytes
}

async fn a_case_is_written_reviewed_and_exported_as_word(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit("淄博职业学院", UnitKind::HigherVocationalCollege, "zibo")
        .await;
    let (_, other) = app
        .unit("滨州职业学院", UnitKind::HigherVocationalCollege, "binzhou")
        .await;
    let editor = app.user_session("edu", Role::Editor, Some(Desk::Edu)).await;
    let first = photo(&app, &unit, 31, "实训车间").await;
    let second = photo(&app, &unit, 32, "企业导师授课").await;
    let foreign = photo(&app, &other, 33, "外校照片").await;

    // Another unit's photo is not this unit's to attach; nor is an unknown id.
    let (status, refused) =
        post_case(&app, &unit, &case_body(&[first.as_str(), foreign.as_str()])).await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (422, Some("attachment-not-allowed")),
        "{refused}"
    );
    assert_eq!(refused["error"]["details"]["asset_id"], foreign.as_str());
    let (status, _) = post_case(&app, &unit, &case_body(&["no-such-item"])).await;
    assert_eq!(status, 422);

    // Every bound is a 400 with its own code, before anything is written.
    let contact = |phone: &str| json!([{ "name": CONTACT, "phone": phone }]);
    let over_long = [
        ("title", json!("题".repeat(201)), "title-too-long"),
        ("summary", json!("摘".repeat(2001)), "summary-too-long"),
        ("body", json!("文".repeat(50_001)), "body-too-long"),
        ("summary", json!(""), "missing-summary"),
        (
            "contacts",
            json!(vec![json!({ "name": "甲" }); 11]),
            "too-many-contacts",
        ),
        ("contacts", contact(&"1".repeat(31)), "contact-too-long"),
        (
            "contacts",
            json!([{ "phone": "0533" }]),
            "missing-contact-name",
        ),
        (
            "attachments",
            json!(vec![first.clone(); 2]),
            "attachment-listed-twice",
        ),
        (
            "attachments",
            json!((0..31).map(|n| n.to_string()).collect::<Vec<_>>()),
            "too-many-attachments",
        ),
        ("credit", json!("摄".repeat(101)), "credit-too-long"),
        ("body", json!("正文\u{1}"), "invalid-field"),
    ];
    for (field, value, code) in over_long {
        let (status, body) = post_case(&app, &unit, &with(case_body(&[]), field, value)).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some(code)),
            "{field}: {body}"
        );
    }
    let (status, _) = post_case(&app, &editor, &case_body(&[])).await;
    assert_eq!(status, 403, "only units send cases");
    assert_eq!(app.count("assets WHERE kind = 'case'").await, 0);

    // The case: 201, a Word document, straight to review (no media child, no renditions).
    let (status, created) =
        post_case(&app, &unit, &case_body(&[first.as_str(), second.as_str()])).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["kind"], "case");
    assert_eq!(created["title"], TITLE);
    assert_eq!(
        created["mime"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let id = created["id"].as_str().unwrap().to_owned();
    let case = app.wait_for_state(&unit, &id, "pending_review").await;
    assert_eq!(case["renditions"], json!([]), "{case}");
    assert!(case["metadata"].get("checked_mime").is_none(), "{case}");
    assert_eq!(case["metadata"]["case"]["summary"], SUMMARY);
    assert_eq!(case["metadata"]["case"]["contacts"][0]["name"], CONTACT);
    assert_eq!(app.count("case_attachments").await, 2);
    // The same case again is the same document: a duplicate, nothing stored twice.
    let (status, again) =
        post_case(&app, &unit, &case_body(&[first.as_str(), second.as_str()])).await;
    assert_eq!(
        (status, again["duplicate"].as_bool()),
        (200, Some(true)),
        "{again}"
    );
    assert_eq!(again["id"], id.as_str());

    // The queue shows it as 典型案例 in 待审核; its page shows the fields and attachments,
    // and the photo's page the case that attaches it.
    let (status, queue) = app.page(&editor, "/queue?kind=case").await;
    assert_eq!(status, 200);
    assert!(queue.contains(TITLE), "{queue}");
    assert!(
        queue.contains("<span class=\"badge\">典型案例</span> <span class=\"badge state-pending_review\">待审核</span>"),
        "{queue}"
    );
    assert!(
        queue.contains("<div class=\"nopic\">典型案例</div>"),
        "{queue}"
    );
    assert!(
        !queue.contains("实训车间"),
        "the kind filter keeps photos out: {queue}"
    );
    let (status, page) = app.page(&editor, &format!("/queue/{id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains(SUMMARY) && page.contains(CONTACT), "{page}");
    assert!(page.contains("第二段：做法与成效。"), "{page}");
    assert!(page.contains(&format!("href=\"/queue/{first}\"")), "{page}");
    assert!(
        page.contains(&format!("href=\"/queue/{second}\"")),
        "{page}"
    );
    assert!(page.contains(&format!("/api/v1/assets/{id}/original")) && page.contains("下载Word"));
    let (_, photo_page) = app.page(&editor, &format!("/queue/{first}")).await;
    assert!(photo_page.contains("所属典型案例"), "{photo_page}");
    assert!(
        photo_page.contains(&format!("href=\"/queue/{id}\"")),
        "{photo_page}"
    );

    // Approved and recommended like any item; its attachments' consent is the case's.
    let (_, case) = app.get(&editor, &format!("/api/v1/assets/{id}")).await;
    assert_eq!(case["portrait_consent"], true, "{case}");
    app.review(&editor, &id, "approve").await;
    app.review(&editor, &id, "recommend").await;

    // In a sent batch, the export carries the case's .docx as its original.
    let (status, batch) = app
        .call(
            &editor,
            reqwest::Method::POST,
            "/api/v1/batches",
            Some(json!({ "title": "典型案例批次" })),
        )
        .await;
    assert_eq!(status, 201, "{batch}");
    let batch = batch["id"].as_i64().unwrap();
    let (status, body) = app
        .call(
            &editor,
            reqwest::Method::PUT,
            &format!("/api/v1/batches/{batch}/items"),
            Some(json!({ "asset_ids": [id] })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"][0]["kind"], "case");
    let (status, body) = app
        .call(
            &editor,
            reqwest::Method::POST,
            &format!("/api/v1/batches/{batch}/send"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, _, export) = app
        .fetch(&editor, &format!("/api/v1/batches/{batch}/export"))
        .await;
    assert_eq!(status, 200);
    let mut export = zip::ZipArchive::new(Cursor::new(export)).unwrap();
    let entry = names(&export)
        .into_iter()
        .find(|name| name.starts_with("originals/001_") && name.ends_with(".docx"))
        .unwrap_or_else(|| panic!("no .docx in {:?}", names(&export)));
    let docx = read(&mut export, &entry);
    let (status, _, original) = app
        .fetch(&editor, &format!("/api/v1/assets/{id}/original"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(docx, original, "the export carries the stored original");

    // The document opens: its parts, the case's text, two pictures.
    let mut word = zip::ZipArchive::new(Cursor::new(docx.clone())).unwrap();
    let media: Vec<String> = names(&word)
        .into_iter()
        .filter(|name| name.starts_with("word/media/"))
        .collect();
    assert_eq!(media.len(), 2, "{media:?}");
    let xml = String::from_utf8(read(&mut word, "word/document.xml")).unwrap();
    for text in [
        TITLE,
        SUMMARY,
        CONTACT,
        "淄博职业学院",
        "实训车间",
        "企业导师授课",
    ] {
        assert!(xml.contains(text), "{text} not in {xml}");
    }
    let text = String::from_utf8(libreoffice_convert(
        "case.docx",
        &docx,
        None,
        "txt:Text (encoded):UTF8",
        "txt",
    ))
    .unwrap();
    for expected in [TITLE, SUMMARY, CONTACT, "第一段：背景。"] {
        assert!(text.contains(expected), "{expected} not in {text}");
    }

    // Deleting an attached photo removes its link, not the case.
    let (status, _) = app
        .call(
            &unit,
            reqwest::Method::DELETE,
            &format!("/api/v1/assets/{second}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(app.count("case_attachments").await, 1);
    let (_, page) = app.page(&editor, &format!("/queue/{id}")).await;
    assert!(page.contains(&format!("href=\"/queue/{first}\"")), "{page}");
    assert!(
        !page.contains(&format!("href=\"/queue/{second}\"")),
        "{page}"
    );
    app.stop().await;
}

async fn the_upload_page_offers_the_case_form(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app.client.get(app.url("/upload")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("id=\"case-form\"") && html.contains("/static/case.js"),
        "{html}"
    );
    let script = app
        .client
        .get(app.url("/static/case.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(script.status(), 200);
    assert!(script.text().await.unwrap().contains("/api/v1/cases"));
    app.stop().await;
}

every_backend!(
    a_case_is_written_reviewed_and_exported_as_word,
    the_upload_page_offers_the_case_form
);
