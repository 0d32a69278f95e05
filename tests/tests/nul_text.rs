//! The NUL character (U+0000) in text a caller sends. JSON can carry it (`\u0000`), and so can
//! a multipart field or a query; SQLite stores it, PostgreSQL refuses it. Either way the caller
//! gets an answer about its input, never a 500 (the API fuzz runs on SQLite only and could not
//! see this). Form fields refuse every control character but line breaks and tabs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine;
use reqwest::Method;
use serde_json::json;
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::media::real_jpeg;
use vocweek_tests::{Backend, Database, Upload, both_databases, spawn_app};

async fn nul_in_text_is_a_client_error(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit("菏泽职业学院", UnitKind::HigherVocationalCollege, "heze")
        .await;
    let editor = app.user_session("nul", Role::Editor, Some(Desk::Edu)).await;

    let sign_in = app
        .client
        .post(app.url("/api/v1/session"))
        .json(&json!({ "username": "editor\u{0}", "password": "a long test password" }))
        .send()
        .await
        .unwrap();
    let status = sign_in.status().as_u16();
    assert!(matches!(status, 400 | 401), "sign-in answered {status}");

    // Titles and other form fields: refused at the door on every database, NUL or any other
    // control character (a \x01 in a title once made the Atom feed ill-formed XML).
    for title in ["实训\u{0}现场", "实训\u{1}现场", "实训\u{b}"] {
        let (status, body) = app
            .upload(
                &unit,
                Upload::new("a.jpg", real_jpeg(3, 64, 48)).field("title", title),
            )
            .await;
        assert_eq!(status, 400, "{title:?}: {body}");
        assert_eq!(body["error"]["code"], "invalid-field");
        assert_eq!(body["error"]["details"]["field"], "title");
    }
    let (status, body) = app
        .upload(
            &unit,
            Upload::new("报告\u{1}.jpg", real_jpeg(3, 64, 48))
                .without("title")
                .field("title", "实训"),
        )
        .await;
    assert_eq!(status, 400, "a file name with a control character: {body}");
    // actix's multipart parser refuses such a name itself; the tus metadata is ours to check.
    assert_eq!(body["error"]["code"], "malformed-multipart", "{body}");
    let metadata = format!(
        "filename {},title {}",
        base64::engine::general_purpose::STANDARD.encode("报告\u{1}.docx"),
        base64::engine::general_purpose::STANDARD.encode("报告"),
    );
    let created = app
        .client
        .post(app.url("/api/v1/uploads/"))
        .bearer_auth(&unit)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", "1000")
        .header("Upload-Metadata", metadata)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 400);
    let body: serde_json::Value = created.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid-field", "{body}");
    assert_eq!(body["error"]["details"]["field"], "filename", "{body}");
    let (status, body) = app
        .upload(
            &unit,
            Upload::new("a.jpg", real_jpeg(3, 64, 48)).field("title", "实训\n现场"),
        )
        .await;
    assert_eq!(status, 201, "a line break is text: {body}");

    let (status, body) = app.get(&editor, "/api/v1/assets?q=%00").await;
    assert!(status < 500, "search answered {status}: {body}");

    let (status, body) = app
        .call(
            &editor,
            Method::POST,
            "/api/v1/batches",
            Some(json!({ "title": "第一批\u{0}" })),
        )
        .await;
    assert!(status < 500, "batch answered {status}: {body}");
    if backend.database == Database::Postgres {
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["error"]["code"], "invalid-text");
    }
    app.stop().await;
}

both_databases!(nul_in_text_is_a_client_error);
