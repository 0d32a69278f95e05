//! The read API: who sees what, filters, keyset pagination, and the operational endpoints.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use serde_json::Value;
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::media::{jpeg_like, real_jpeg};
use vocweek_tests::{
    AppOptions, Backend, TestApp, Upload, every_backend, spawn_app, spawn_app_with,
};

async fn upload_ok(app: &TestApp, token: &str, upload: Upload) -> String {
    let (status, body) = app.upload(token, upload).await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap_or_default().to_owned()
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| i["id"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn units_and_desks_see_only_their_items(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, college) = app
        .unit("淄博职业学院", UnitKind::HigherVocationalCollege, "zibo")
        .await;
    let (_, other) = app
        .unit(
            "东营职业学院",
            UnitKind::HigherVocationalCollege,
            "dongying",
        )
        .await;
    let (_, hr) = app
        .unit("淄博市人社局", UnitKind::CityHrBureau, "zibo")
        .await;
    let a = upload_ok(&app, &college, Upload::new("a.jpg", jpeg_like(1, 4000))).await;
    let b = upload_ok(&app, &other, Upload::new("b.jpg", jpeg_like(2, 4000))).await;
    let h = upload_ok(&app, &hr, Upload::new("h.jpg", jpeg_like(3, 4000))).await;

    let (_, page) = app.get(&college, "/api/v1/assets").await;
    assert_eq!(ids(&page), vec![a.clone()]);
    let (status, body) = app.get(&college, &format!("/api/v1/assets/{b}")).await;
    assert_eq!(status, 404, "unit A cannot see unit B's item: {body}");
    assert_eq!(body["error"]["code"], "not-found");
    let (status, _) = app.get(&college, "/api/v1/assets/does-not-exist").await;
    assert_eq!(status, 404);

    let edu = app
        .user_session("edu-editor", Role::Editor, Some(Desk::Edu))
        .await;
    let (_, page) = app.get(&edu, "/api/v1/assets").await;
    assert_eq!(
        ids(&page),
        vec![b.clone(), a.clone()],
        "newest first, edu desk only"
    );
    let (status, _) = app.get(&edu, &format!("/api/v1/assets/{h}")).await;
    assert_eq!(status, 404, "the HR desk's item is not the edu desk's");

    let hr_editor = app
        .user_session("hr-editor", Role::Editor, Some(Desk::Hr))
        .await;
    let (_, page) = app.get(&hr_editor, "/api/v1/assets").await;
    assert_eq!(ids(&page), vec![h.clone()]);
    assert_eq!(page["items"][0]["desk"], "hr");

    let admin = app.user_session("root", Role::Admin, None).await;
    let (_, page) = app.get(&admin, "/api/v1/assets").await;
    assert_eq!(ids(&page), vec![h, b, a]);

    let (_, key) = app.services.db.create_partner("大众网").await.unwrap();
    let (status, body) = app.get(&key, "/api/v1/assets").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );
    app.stop().await;
}

async fn filters_and_keyset_pagination(backend: Backend) {
    let app = spawn_app(backend).await;
    let (unit_id, token) = app
        .unit("临沂市教育局", UnitKind::CityBureau, "linyi")
        .await;
    let mut all = Vec::new();
    for i in 0..5u64 {
        let mut upload = Upload::new(&format!("{i}.jpg"), real_jpeg(100 + i, 96, 64)).field(
            "activity_date",
            if i < 2 { "2021-05-22" } else { "2021-05-23" },
        );
        if i == 4 {
            upload = upload
                .field("city", "province")
                .field("category", "themed_series")
                .field("themes", "rural_revitalization");
        }
        all.push(upload_ok(&app, &token, upload).await);
    }
    all.reverse();
    for id in &all {
        app.wait_for_state(&token, id, "pending_review").await;
    }

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/assets?limit=2&cursor={c}"),
            None => "/api/v1/assets?limit=2".to_owned(),
        };
        let (status, page) = app.get(&token, &path).await;
        assert_eq!(status, 200, "{page}");
        seen.extend(ids(&page));
        pages += 1;
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, all, "every item once, newest first");
    // Oldest first, with the cursor moving forward in time.
    let (_, first) = app.get(&token, "/api/v1/assets?limit=3&sort=oldest").await;
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let (_, second) = app
        .get(
            &token,
            &format!("/api/v1/assets?limit=3&sort=oldest&cursor={cursor}"),
        )
        .await;
    let mut oldest: Vec<String> = ids(&first);
    oldest.extend(ids(&second));
    let mut expected = all.clone();
    expected.reverse();
    assert_eq!(oldest, expected);
    let (status, body) = app.get(&token, "/api/v1/assets?sort=sideways").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid-query"))
    );

    let count = |path: &'static str| {
        let app = &app;
        let token = token.clone();
        async move { ids(&app.get(&token, path).await.1).len() }
    };
    assert_eq!(count("/api/v1/assets?city=province").await, 1);
    assert_eq!(count("/api/v1/assets?city=linyi").await, 4);
    assert_eq!(count("/api/v1/assets?theme=rural_revitalization").await, 1);
    assert_eq!(count("/api/v1/assets?category=themed_series").await, 1);
    assert_eq!(count("/api/v1/assets?day=2021-05-22").await, 2);
    assert_eq!(
        count("/api/v1/assets?state=pending_review&kind=photo").await,
        5
    );
    assert_eq!(count("/api/v1/assets?kind=video").await, 0);
    assert_eq!(count("/api/v1/assets?state=approved").await, 0);
    let by_unit = format!("/api/v1/assets?unit={unit_id}");
    assert_eq!(ids(&app.get(&token, &by_unit).await.1).len(), 5);

    for (path, status, code) in [
        ("/api/v1/assets?city=beijing", 422, "unknown-value"),
        ("/api/v1/assets?theme=nope", 422, "unknown-value"),
        ("/api/v1/assets?state=lost", 422, "unknown-value"),
        ("/api/v1/assets?day=22-05-2021", 422, "invalid-value"),
        ("/api/v1/assets?limit=0", 400, "invalid-query"),
        ("/api/v1/assets?limit=lots", 400, "invalid-query"),
    ] {
        let (got, body) = app.get(&token, path).await;
        assert_eq!(
            (got, body["error"]["code"].as_str()),
            (status, Some(code)),
            "{path}: {body}"
        );
    }
    let (_, body) = app.get(&token, "/api/v1/assets?city=beijing").await;
    assert!(
        body["error"]["details"]["allowed"]
            .as_array()
            .is_some_and(|a| a.len() == 17)
    );
    app.stop().await;
}

async fn operational_endpoints_answer_in_json(backend: Backend) {
    let extra: vocweek_api::ExtraRoutes = Arc::new(|cfg| {
        cfg.route(
            "/test/panic",
            actix_web::web::get().to(|| async {
                let fail = true;
                if fail {
                    panic!("secret internals");
                }
                "never answered"
            }),
        );
    });
    let app = spawn_app_with(
        backend,
        AppOptions {
            extra_routes: Some(extra),
            ..AppOptions::default()
        },
    )
    .await;
    let get = |path: &str| app.client.get(app.url(path)).send();

    let response = get("/healthz").await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-request-id"));
    assert_eq!(get("/readyz").await.unwrap().status(), 200);

    let response = get("/no/such/path").await.unwrap();
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not-found");

    let response = app
        .client
        .delete(app.url("/api/v1/vocabularies"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method-not-allowed");

    let response = get("/test/panic").await.unwrap();
    assert_eq!(response.status(), 500);
    let text = response.text().await.unwrap();
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["error"]["code"], "internal");
    assert!(!text.contains("secret"), "no internals leak: {text}");
    // The server is still up after the panic.
    assert_eq!(get("/healthz").await.unwrap().status(), 200);

    let response = app
        .client
        .post(app.url("/api/v1/session"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid-json");

    let vocab: Value = get("/api/v1/vocabularies")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(vocab["campaign"]["year"], 2021);
    assert_eq!(vocab["cities"].as_array().map(Vec::len), Some(17));
    assert_eq!(vocab["categories"].as_array().map(Vec::len), Some(5));
    assert_eq!(vocab["themes"][0]["zh"], "技能：让生活更美好");

    let (_, token) = app
        .unit("滨州职业学院", UnitKind::HigherVocationalCollege, "binzhou")
        .await;
    let id = upload_ok(&app, &token, Upload::new("m.jpg", real_jpeg(77, 64, 64))).await;
    app.wait_for_state(&token, &id, "pending_review").await;
    let metrics = get("/metrics").await.unwrap().text().await.unwrap();
    for name in [
        "vocweek_http_requests_total",
        "vocweek_http_request_duration_seconds",
        "vocweek_job_duration_seconds",
        "route=\"/api/v1/assets\"",
        "kind=\"process_asset\"",
    ] {
        assert!(
            metrics.contains(name),
            "{name} missing from /metrics:\n{metrics}"
        );
    }

    let doc: Value = get("/api/v1/openapi.json")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for path in [
        "/healthz",
        "/readyz",
        "/metrics",
        "/api/v1/openapi.json",
        "/api/v1/vocabularies",
        "/api/v1/session",
        "/api/v1/assets",
        "/api/v1/assets/{id}",
        "/api/v1/assets/{id}/original",
        "/api/v1/assets/{id}/renditions/{name}",
        "/api/v1/assets/{id}/review",
        "/api/v1/assets/{id}/audit",
        "/api/v1/audit/export",
        "/api/v1/batches",
        "/api/v1/batches/{id}",
        "/api/v1/batches/{id}/items",
        "/api/v1/batches/{id}/send",
        "/api/v1/batches/{id}/export",
        "/api/v1/uploads/",
        "/api/v1/uploads/{id}",
        "/api/v1/cases",
        "/api/v1/briefs/{day}.docx",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} is not in the OpenAPI document"
        );
    }
    assert!(doc["paths"]["/api/v1/assets"]["post"]["responses"]["415"].is_object());
    assert!(doc["paths"]["/api/v1/assets/{id}"]["patch"].is_object());
    let upload = &doc["paths"]["/api/v1/uploads/{id}"];
    for method in ["head", "patch", "delete"] {
        assert!(upload[method].is_object(), "tus {method} is documented");
    }
    assert!(upload["patch"]["responses"]["460"].is_object());
    app.stop().await;
}

every_backend!(
    units_and_desks_see_only_their_items,
    filters_and_keyset_pagination,
    operational_endpoints_answer_in_json,
);
