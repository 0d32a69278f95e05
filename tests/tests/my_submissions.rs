//! 我的报送 (`/my`, issue 19): a unit finds its returned and rejected items with the editors'
//! notes whatever their day, reads them among its notices and marks one read, and corrects the
//! returned one from the page
//! (`tests/browser/submissions.mjs` in headless Chromium), against the real app on both
//! databases.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::media::real_jpeg;
use vocweek_tests::{Backend, TestApp, Upload, both_databases, spawn_app};

const NOTE: &str = "请补充活动说明";
const REASON: &str = "照片与本次活动无关";
const NEW_TITLE: &str = "技能展示（实训中心开放日）";

/// Runs one of `tests/browser/*.mjs` under node; its failure output fails the test. Returns
/// what it printed. (A copy of `browser.rs`'s: each test file is its own crate.)
async fn run_script(script: &str, args: &[&str]) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("browser");
    assert!(
        dir.join("node_modules/playwright-core").is_dir(),
        "playwright-core is not installed: `make test` runs npm ci in tests/browser"
    );
    let run = tokio::process::Command::new("node")
        .arg(dir.join(script))
        .args(args)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(90), run)
        .await
        .expect("the browser test took over 90 s")
        .expect("node is not installed");
    assert!(
        output.status.success(),
        "{script} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// An editor's decision with a note, on the item's current version; it must succeed.
async fn decide(app: &TestApp, editor: &str, id: &str, action: &str, note: &str) {
    let (_, asset) = app.get(editor, &format!("/api/v1/assets/{id}")).await;
    let (status, answer) = app
        .call(
            editor,
            reqwest::Method::POST,
            &format!("/api/v1/assets/{id}/review"),
            Some(serde_json::json!({
                "action": action, "note": note, "version": asset["version"]
            })),
        )
        .await;
    assert_eq!(status, 200, "{action} {id}: {answer}");
}

async fn a_unit_corrects_a_returned_item_from_its_submissions(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app
        .unit(
            "聊城职业技术学院",
            UnitKind::HigherVocationalCollege,
            "liaocheng",
        )
        .await;
    let (_, other_unit) = app
        .unit("滨州职业学院", UnitKind::HigherVocationalCollege, "binzhou")
        .await;
    let mut ids = Vec::new();
    for (seed, title) in [(21, "技能展示"), (22, "校园一角")] {
        let upload = Upload::new("p.jpg", real_jpeg(seed, 320, 240)).field("title", title);
        let id = app.upload_id(&token, upload).await;
        app.wait_for_state(&token, &id, "pending_review").await;
        ids.push(id);
    }
    let (returned, rejected) = (&ids[0], &ids[1]);
    let editor = app
        .user_session("reviewer", Role::Editor, Some(Desk::Edu))
        .await;
    decide(&app, &editor, returned, "return", NOTE).await;
    decide(&app, &editor, rejected, "reject", REASON).await;

    // The list is the caller's own: another unit's token sees none of these items.
    let (status, listed) = app.get(&other_unit, "/api/v1/assets").await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["items"], serde_json::json!([]), "{listed}");

    run_script(
        "submissions.mjs",
        &[
            app.base_url.as_str(),
            &token,
            returned,
            rejected,
            NOTE,
            REASON,
            NEW_TITLE,
        ],
    )
    .await;

    // The correction went through the API: new title and text, back in review.
    let (status, asset) = app.get(&token, &format!("/api/v1/assets/{returned}")).await;
    assert_eq!(status, 200, "{asset}");
    assert_eq!(asset["title"], NEW_TITLE);
    assert_eq!(asset["state"], "pending_review");
    assert!(
        asset["description"]
            .as_str()
            .is_some_and(|d| d.contains("实训中心")),
        "{asset}"
    );
    let (_, untouched) = app.get(&token, &format!("/api/v1/assets/{rejected}")).await;
    assert_eq!(untouched["state"], "rejected");
    assert_eq!(untouched["review_note"], REASON);
    // The page marked one of the two notices read through the API.
    let (_, notices) = app.get(&token, "/api/v1/notices").await;
    assert_eq!(notices["unread"], 1, "{notices}");
    app.stop().await;
}

both_databases!(a_unit_corrects_a_returned_item_from_its_submissions);
