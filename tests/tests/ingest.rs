//! Uploads over real HTTP: each kind, duplicates, every refusal, and what a refusal leaves behind.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::time::Duration;

use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::documents::{article_html, libreoffice};
use vocweek_tests::media::{corpus_jpeg, generated_video, jpeg_like, real_jpeg};
use vocweek_tests::{AppOptions, Backend, Upload, every_backend, spawn_app, spawn_app_with};

async fn uploads_each_kind_and_processes_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app
        .unit("济南职业学院", UnitKind::HigherVocationalCollege, "jinan")
        .await;
    let cases: Vec<(Upload, &str, &str)> = vec![
        (
            Upload::new("opening.jpg", corpus_jpeg())
                .field("category", "national_event")
                .field("subcategory", "launch_ceremony")
                .field("themes", "annual_theme, labor_spirit")
                .field("themes", "party_centenary")
                .field("captured_at", "2021-05-20 09:30:00")
                .field("activity_date", "2021-05-22"),
            "photo",
            "image/jpeg",
        ),
        (
            Upload::new(
                "replay.mp4",
                generated_video(
                    "-f lavfi -i testsrc2=size=320x240:rate=25 -t 2 -c:v libx264 -preset ultrafast",
                    "mp4",
                ),
            )
            .field("kind", "video"),
            "video",
            "video/mp4",
        ),
        (
            Upload::new(
                "report.pdf",
                libreoffice(&article_html("Report", &["Day one."], None), "pdf"),
            ),
            "article",
            "application/pdf",
        ),
        (
            Upload::new(
                "稿件.md",
                "# 技能：让生活更美好\n\n活动周开幕。".as_bytes().to_vec(),
            )
            .fields_after_file(),
            "article",
            "text/markdown",
        ),
    ];
    for (upload, kind, mime) in cases {
        let (status, body) = app.upload(&token, upload).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["kind"], kind);
        assert_eq!(body["mime"], mime);
        assert_eq!(body["state"], "processing");
        assert_eq!(body["duplicate"], false);
        assert_eq!(
            body["tags"]["city"], "jinan",
            "the unit's city is the default"
        );
        assert_eq!(body["blake3"].as_str().map(str::len), Some(64));
        let id = body["id"].as_str().unwrap_or_default();
        let done = app.wait_for_state(&token, id, "pending_review").await;
        assert_eq!(done["version"], 2);
    }
    let (_, page) = app.get(&token, "/api/v1/assets?kind=photo").await;
    let photo = &page["items"][0];
    assert_eq!(photo["tags"]["category"], "national_event");
    assert_eq!(photo["tags"]["subcategory"], "launch_ceremony");
    assert_eq!(
        photo["tags"]["themes"].as_array().map(Vec::len),
        Some(3),
        "{photo}"
    );
    assert_eq!(photo["captured_at"], "2021-05-20T01:30:00Z");
    assert_eq!(photo["activity_date"], "2021-05-22");
    assert_eq!(photo["size"], corpus_jpeg().len());
    assert_eq!(app.stored_originals().await, 4);
    assert_eq!(app.staged_files().await, 0);
    assert_eq!(
        app.count("audit_events").await,
        8,
        "uploaded + processed for each"
    );
    app.stop().await;
}

async fn duplicates_are_stored_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, first) = app
        .unit(
            "青岛职业技术学院",
            UnitKind::HigherVocationalCollege,
            "qingdao",
        )
        .await;
    let (_, second) = app
        .unit("青岛市教育局", UnitKind::CityBureau, "qingdao")
        .await;
    let bytes = jpeg_like(7, 300_000);
    let (status, created) = app
        .upload(&first, Upload::new("a.jpg", bytes.clone()))
        .await;
    assert_eq!(status, 201, "{created}");

    let (status, again) = app
        .upload(&first, Upload::new("a-again.jpg", bytes.clone()))
        .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["duplicate"], true);
    assert_eq!(again["id"], created["id"]);

    let (status, other) = app
        .upload(&second, Upload::new("b.jpg", bytes.clone()))
        .await;
    assert_eq!(status, 200, "{other}");
    assert_eq!(other["duplicate"], true);
    assert_eq!(other["id"], created["id"]);

    assert_eq!(app.count("assets").await, 1);
    assert_eq!(
        app.count("submissions").await,
        2,
        "a second unit adds a row, not a blob"
    );
    assert_eq!(app.stored_originals().await, 1);
    assert_eq!(app.staged_files().await, 0);
    // The second unit sent it too, so it may now see it.
    let id = created["id"].as_str().unwrap_or_default();
    let (status, _) = app.get(&second, &format!("/api/v1/assets/{id}")).await;
    assert_eq!(status, 200);
    app.stop().await;
}

async fn concurrent_identical_uploads_make_one_asset(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, a) = app
        .unit("烟台职业学院", UnitKind::HigherVocationalCollege, "yantai")
        .await;
    let (_, b) = app
        .unit("烟台市教育局", UnitKind::CityBureau, "yantai")
        .await;
    let bytes = jpeg_like(42, 2_000_000);
    let uploads = (0..8).map(|i| {
        let token = if i % 2 == 0 { a.clone() } else { b.clone() };
        let upload = Upload::new(&format!("same-{i}.jpg"), bytes.clone());
        let app = &app;
        async move { app.upload(&token, upload).await }
    });
    let results = futures_util::future::join_all(uploads).await;
    let created = results.iter().filter(|(status, _)| *status == 201).count();
    let duplicates = results.iter().filter(|(status, _)| *status == 200).count();
    assert_eq!((created, duplicates), (1, 7), "{results:?}");
    let ids: std::collections::HashSet<_> = results.iter().map(|(_, b)| b["id"].clone()).collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(app.count("assets").await, 1);
    assert_eq!(app.count("submissions").await, 2);
    assert_eq!(app.stored_originals().await, 1);
    assert_eq!(app.staged_files().await, 0);
    app.stop().await;
}

async fn bad_requests_get_clear_errors(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app
        .unit("潍坊职业学院", UnitKind::HigherVocationalCollege, "weifang")
        .await;
    let jpeg = || jpeg_like(3, 10_000);
    let cases: Vec<(Upload, u16, &str)> = vec![
        (
            Upload::new("a.jpg", jpeg()).without("title"),
            400,
            "missing-title",
        ),
        (
            Upload::new("a.jpg", jpeg()).field("colour", "red"),
            400,
            "unknown-field",
        ),
        (
            Upload::new("a.jpg", jpeg()).field("captured_at", "yesterday"),
            400,
            "invalid-field",
        ),
        (
            Upload::new("a.jpg", jpeg()).field("kind", "podcast"),
            400,
            "invalid-field",
        ),
        (Upload::new("a.jpg", Vec::new()), 415, "empty-file"),
        (
            Upload::new("a.jpg", b"\x00\x01\x02 random bytes \xfe\xff".repeat(50)),
            415,
            "unsupported-media-type",
        ),
        (
            Upload::new(
                "logo.svg",
                b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec(),
            ),
            415,
            "unsupported-media-type",
        ),
        (
            Upload::new(
                "setup.jpg",
                [b"MZ\x90\x00".as_slice(), &[0u8; 500]].concat(),
            ),
            415,
            "unsupported-media-type",
        ),
        (
            Upload::new("a.jpg", jpeg()).field("kind", "video"),
            415,
            "kind-mismatch",
        ),
        (
            Upload::new("a.jpg", jpeg())
                .fields_after_file()
                .field("kind", "article"),
            415,
            "kind-mismatch",
        ),
        (
            Upload::new("a.jpg", jpeg()).field("themes", "policy,not_a_theme"),
            422,
            "unknown-tag",
        ),
        (
            Upload::new("a.jpg", jpeg()).field("city", "beijing"),
            422,
            "unknown-tag",
        ),
        (
            Upload::new("a.jpg", jpeg())
                .field("category", "publicity")
                .field("subcategory", "launch_ceremony"),
            422,
            "unknown-tag",
        ),
    ];
    for (upload, status, code) in cases {
        let description = format!("{} {:?}", upload.filename, upload.fields);
        let (got, body) = app.upload(&token, upload).await;
        assert_eq!(got, status, "{description}: {body}");
        assert_eq!(body["error"]["code"], code, "{description}: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    // An unknown tag names the allowed values.
    let (_, body) = app
        .upload(&token, Upload::new("a.jpg", jpeg()).field("themes", "nope"))
        .await;
    let allowed = body["error"]["details"]["allowed"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        allowed.iter().any(|v| v == "rural_revitalization"),
        "{body}"
    );

    // No file part, and a body that is not multipart at all.
    let form = reqwest::multipart::Form::new().text("title", "no file");
    let response = app
        .client
        .post(app.url("/api/v1/assets"))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "missing-file");
    let response = app
        .client
        .post(app.url("/api/v1/assets"))
        .bearer_auth(&token)
        .header("content-type", "multipart/form-data; boundary=XYZ")
        .body("this is not multipart")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "malformed-multipart");

    assert_eq!(app.count("assets").await, 0, "nothing refused is recorded");
    assert_eq!(app.stored_originals().await, 0);
    assert_eq!(app.staged_files().await, 0);
    app.stop().await;
}

async fn tokens_are_checked(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app
        .unit(
            "日照职业技术学院",
            UnitKind::HigherVocationalCollege,
            "rizhao",
        )
        .await;
    let upload = || Upload::new("a.jpg", jpeg_like(11, 5_000));

    let response = app
        .client
        .post(app.url("/api/v1/assets"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        response
            .headers()
            .get("www-authenticate")
            .map(|v| v.as_bytes()),
        Some(&b"Bearer"[..])
    );
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "missing-token");

    let (status, body) = app.upload("vwu_not-a-real-token", upload()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("invalid-token"))
    );

    let editor = app
        .user_session("editor-edu", Role::Editor, Some(Desk::Edu))
        .await;
    let (status, body) = app.upload(&editor, upload()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );

    app.services.db.revoke_token(&token).await.unwrap();
    let (status, body) = app.upload(&token, upload()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("token-revoked"))
    );

    app.execute(
        "UPDATE tokens SET expires_at = '2021-05-22 00:00:00+00:00' WHERE kind = 'session'",
    )
    .await;
    let (status, body) = app.get(&editor, "/api/v1/assets").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("token-expired"))
    );

    let response = app
        .client
        .post(app.url("/api/v1/session"))
        .json(&serde_json::json!({ "username": "editor-edu", "password": "wrong" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(app.count("assets").await, 0);
    app.stop().await;
}

async fn over_the_limit_is_refused_and_nothing_kept(backend: Backend) {
    let app = spawn_app_with(
        backend,
        AppOptions {
            photo_limit: Some("1MB"),
            ..AppOptions::default()
        },
    )
    .await;
    let (_, token) = app
        .unit(
            "济宁职业技术学院",
            UnitKind::HigherVocationalCollege,
            "jining",
        )
        .await;
    let (status, body) = app
        .upload(&token, Upload::new("big.jpg", jpeg_like(5, 1_500_000)))
        .await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["error"]["code"], "payload-too-large");
    assert_eq!(body["error"]["details"]["limit_bytes"], 1_000_000);
    // Just under the limit passes.
    let (status, body) = app
        .upload(&token, Upload::new("ok.jpg", jpeg_like(6, 999_000)))
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(app.count("assets").await, 1);
    assert_eq!(app.stored_originals().await, 1);
    assert_eq!(app.staged_files().await, 0);
    app.stop().await;
}

async fn a_dropped_connection_leaves_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app
        .unit(
            "泰安职业技术学院",
            UnitKind::HigherVocationalCollege,
            "taian",
        )
        .await;
    let address = app.base_url.trim_start_matches("http://").to_owned();
    let boundary = "vocweekboundary";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n断线\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.jpg\"\r\n\
         Content-Type: image/jpeg\r\n\r\n"
    );
    let declared_length = head.len() + 5_000_000;
    let staging = app.staging_dir();
    let sent = tokio::task::spawn_blocking(move || {
        let mut socket = std::net::TcpStream::connect(address).unwrap();
        write!(
            socket,
            "POST /api/v1/assets HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {declared_length}\r\n\r\n{head}"
        )
        .unwrap();
        socket.write_all(&jpeg_like(9, 1_000_000)).unwrap();
        socket.flush().unwrap();
        // The upload is under way: its bytes are in a staging file.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        let staged = |dir: &std::path::Path| {
            std::fs::read_dir(dir).map_or(0, |d| {
                d.flatten().filter(|e| e.file_name() != ".owners").count()
            })
        };
        while staged(&staging) == 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "no staging file appeared"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        // The connection drops with 4 MB still to come.
        socket.shutdown(std::net::Shutdown::Both).unwrap();
        let mut rest = Vec::new();
        let _ = socket.read_to_end(&mut rest);
    });
    sent.await.unwrap();
    // Give the server a moment to notice and clean up (longer when the suite's other tests
    // keep both cores busy).
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while app.staged_files().await > 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(app.staged_files().await, 0, "the staging file is removed");
    assert_eq!(app.stored_originals().await, 0);
    assert_eq!(app.count("assets").await, 0);
    assert_eq!(app.count("jobs").await, 0);
    app.stop().await;
}

/// Refusals speak the client's language from the one catalog: Chinese when asked (the upload
/// page asks), English otherwise; the code and details stay the same for programs.
async fn refusals_are_told_in_the_language_asked_for(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app
        .unit("潍坊职业学院", UnitKind::HigherVocationalCollege, "weifang")
        .await;
    // An old Word document: an OLE2 compound file.
    let mut doc = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    doc.resize(4096, 0);
    let (status, chinese) = app
        .upload_in_chinese(&token, Upload::new("实施方案.doc", doc.clone()))
        .await;
    assert_eq!(status, 415, "{chinese}");
    assert_eq!(chinese["error"]["code"], "unsupported-media-type");
    assert_eq!(chinese["error"]["details"]["reason"], "legacy-office-file");
    let message = chinese["error"]["message"].as_str().unwrap();
    assert!(message.contains("另存为 .docx"), "{message}");
    let (status, english) = app.upload(&token, Upload::new("实施方案.doc", doc)).await;
    assert_eq!(status, 415);
    assert!(
        english["error"]["message"]
            .as_str()
            .unwrap()
            .contains("old Office"),
        "{english}"
    );
    let (status, empty) = app
        .upload_in_chinese(&token, Upload::new("空.jpg", Vec::new()))
        .await;
    assert_eq!(
        (status, empty["error"]["code"].as_str()),
        (415, Some("empty-file"))
    );
    assert!(
        empty["error"]["message"]
            .as_str()
            .unwrap()
            .contains("0 字节"),
        "{empty}"
    );
    app.stop().await;
}

/// The text fields of an upload have a budget: a flood of `themes` fields is refused early
/// instead of being gathered (10 MB of fields used to cost 260 MB of memory).
async fn text_fields_are_bounded(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app
        .unit("滨州职业学院", UnitKind::HigherVocationalCollege, "binzhou")
        .await;
    let mut flood = Upload::new("a.jpg", real_jpeg(41, 64, 48)).field("title", "主题过多");
    // Small enough that the whole request is in the socket when the server answers early
    // (a client still writing would see the connection close instead of the answer).
    for index in 0..100 {
        flood = flood.field("description", &format!("{index}"));
    }
    let (status, body) = app.upload(&token, flood).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("too-many-fields")),
        "{body}"
    );
    let mut many = Upload::new("a.jpg", real_jpeg(41, 64, 48)).field("title", "主题过多");
    let themes: Vec<String> = (0..40).map(|i| format!("t{i}")).collect();
    many = many.field("themes", &themes.join(","));
    let (status, body) = app.upload(&token, many).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("too-many-themes")),
        "{body}"
    );
    let big = "长".repeat(15_000);
    let mut heavy = Upload::new("a.jpg", real_jpeg(41, 64, 48)).field("title", "说明过长");
    for _ in 0..3 {
        heavy = heavy.field("description", &big);
    }
    let (status, body) = app.upload(&token, heavy).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("field-too-large")),
        "{body}"
    );
    assert_eq!(app.count("assets").await, 0, "nothing was kept");
    assert_eq!(app.staged_files().await, 0);
    app.stop().await;
}

every_backend!(
    text_fields_are_bounded,
    refusals_are_told_in_the_language_asked_for,
    uploads_each_kind_and_processes_it,
    duplicates_are_stored_once,
    concurrent_identical_uploads_make_one_asset,
    bad_requests_get_clear_errors,
    tokens_are_checked,
    over_the_limit_is_refused_and_nothing_kept,
    a_dropped_connection_leaves_nothing,
);
