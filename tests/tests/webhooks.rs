//! Webhooks: signed as Standard Webhooks (checked by the reference Python library in a real
//! receiver), retried after a 500, logged for the partner and admins, never sent to a private
//! address unless allowed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use vocweek_domain::{Role, UnitKind};
use vocweek_tests::media::real_jpeg;
use vocweek_tests::webhook_receiver::WebhookReceiver;
use vocweek_tests::{
    AppOptions, Backend, TestApp, Upload, both_databases, spawn_app, spawn_app_with,
};

async fn decide(app: &TestApp, editor: &str, id: &str, action: &str) {
    let (_, asset) = app.get(editor, &format!("/api/v1/assets/{id}")).await;
    let response = app
        .client
        .post(app.url(&format!("/api/v1/assets/{id}/review")))
        .bearer_auth(editor)
        .json(&json!({ "action": action, "version": asset["version"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

async fn register(app: &TestApp, key: &str, url: &str) -> Value {
    let response = app
        .client
        .post(app.url("/api/v1/webhooks"))
        .bearer_auth(key)
        .json(&json!({ "url": url }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

async fn a_pending_photo(app: &TestApp, seed: u64) -> String {
    let (_, unit) = app
        .unit(
            &format!("单位{seed}"),
            UnitKind::HigherVocationalCollege,
            "zibo",
        )
        .await;
    let id = app
        .upload_id(
            &unit,
            Upload::new("a.jpg", real_jpeg(seed, 320, 240)).field("portrait_consent", "true"),
        )
        .await;
    app.wait_for_state(&unit, &id, "pending_review").await;
    id
}

async fn events_are_signed_retried_and_logged(backend: Backend) {
    let app = spawn_app(backend).await;
    let receiver = WebhookReceiver::start(&app.data_dir, 1);
    let editor = app.user_session("chief", Role::Admin, None).await;
    let key = app.services.db.create_partner("闪电新闻").await.unwrap().1;
    let other = app.services.db.create_partner("别家").await.unwrap().1;
    let hook = register(&app, &key, &receiver.url).await;
    let secret = hook["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"), "{hook}");
    std::fs::write(&receiver.secret_file, secret).unwrap();
    let id = a_pending_photo(&app, 31).await;

    decide(&app, &editor, &id, "approve").await;
    let received = receiver.wait_for("asset.published").await;
    // The first attempt got a 500, the retry went through: same message id, both verified.
    let published: Vec<&Value> = received
        .iter()
        .filter(|m| m["type"] == "asset.published")
        .collect();
    assert_eq!(published.len(), 2, "{received:?}");
    assert_eq!(published[0]["status"], 500);
    assert_eq!(published[0]["id"], published[1]["id"]);
    assert!(
        published
            .iter()
            .all(|m| m["verified"] == true && m["asset_id"] == id.as_str())
    );

    decide(&app, &editor, &id, "recommend").await;
    receiver.wait_for("asset.recommended").await;
    decide(&app, &editor, &id, "reopen").await;
    receiver.wait_for("asset.withdrawn").await;

    // The delivery log, for the partner and for admins; not for another partner.
    let hook_id = hook["id"].as_i64().unwrap();
    let log_path = format!("/api/v1/webhooks/{hook_id}/deliveries");
    let (status, log) = app.get(&key, &log_path).await;
    assert_eq!(status, 200, "{log}");
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 3);
    let first = log
        .iter()
        .find(|d| d["event_type"] == "asset.published")
        .unwrap();
    assert_eq!(first["state"], "delivered");
    assert_eq!(first["attempts"], 2);
    assert_eq!(first["last_status"], 204);
    assert_eq!(first["payload"]["data"]["asset_id"], id.as_str());
    assert_eq!(app.get(&editor, &log_path).await.0, 200);
    assert_eq!(app.get(&other, &log_path).await.0, 404);
    let (_, listed) = app.get(&key, "/api/v1/webhooks").await;
    assert!(
        listed[0].get("secret").is_none(),
        "the secret is shown once: {listed}"
    );

    // Removed: no more deliveries.
    let removed = app
        .client
        .delete(app.url(&format!("/api/v1/webhooks/{hook_id}")))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 204);
    let before = receiver.received().len();
    decide(&app, &editor, &id, "approve").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(receiver.received().len(), before);

    // Clear refusals when registering.
    for url in ["ftp://example.com/x", "not a url", "http://"] {
        let response = app
            .client
            .post(app.url("/api/v1/webhooks"))
            .bearer_auth(&key)
            .json(&json!({ "url": url }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{url}");
    }
    app.stop().await;
}

/// Without `webhooks.allow_private_addresses` a loopback receiver is never called: the delivery
/// fails at once and says why.
async fn private_addresses_are_refused_by_default(backend: Backend) {
    let app = spawn_app_with(
        backend,
        AppOptions {
            configure: Some(|config| config.webhooks.allow_private_addresses = false),
            ..AppOptions::default()
        },
    )
    .await;
    let receiver = WebhookReceiver::start(&app.data_dir, 0);
    let editor = app.user_session("chief", Role::Admin, None).await;
    let key = app.services.db.create_partner("内网<b>").await.unwrap().1;
    let hook = register(&app, &key, &receiver.url).await;
    let id = a_pending_photo(&app, 32).await;
    decide(&app, &editor, &id, "approve").await;
    let log_path = format!("/api/v1/webhooks/{}/deliveries", hook["id"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    let delivery = loop {
        let (_, log) = app.get(&key, &log_path).await;
        if log[0]["state"] == "failed" {
            break log[0].clone();
        }
        assert!(Instant::now() < deadline, "not refused: {log}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(delivery["attempts"], 1, "{delivery}");
    assert!(
        delivery["last_error"]
            .as_str()
            .unwrap()
            .contains("private or loopback"),
        "{delivery}"
    );
    assert!(receiver.received().is_empty());

    // The admins' delivery log page says the same, in Chinese, with the partner's name escaped.
    let (status, html) = app.page(&editor, "/webhooks").await;
    assert_eq!(status, 200);
    assert!(html.contains("内网&#60;b&#62;"), "{html}");
    assert!(!html.contains("内网<b>"));
    let (status, html) = app
        .page(&editor, &format!("/webhooks/{}", hook["id"]))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("data-state=\"failed\""), "{html}");
    assert!(html.contains("asset.published") && html.contains("失败"));
    assert!(html.contains("private or loopback"));
    let desk = app
        .user_session("desk", Role::Editor, Some(vocweek_domain::Desk::Edu))
        .await;
    let (status, _) = app.page(&desk, "/webhooks").await;
    assert_eq!(status, 403, "editors do not see partners' webhooks");
    let (status, _) = app.page(&editor, "/webhooks/99999").await;
    assert_eq!(status, 404);
    app.stop().await;
}

both_databases!(
    events_are_signed_retried_and_logged,
    private_addresses_are_refused_by_default,
);
