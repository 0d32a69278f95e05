//! A unit replaces the file of a returned item (issue 19, item 1): `PUT /api/v1/assets/{id}/file`
//! keeps the item (id, title, history) and its earlier file, processes the new one, and is
//! refused to anyone but the unit that sent it, outside `returned`, at a stale version, for the
//! same bytes, for another item's bytes and for another kind of file. Deleting the item then
//! removes its originals, except one another item still holds. Against the real app on both
//! databases and a Garage bucket.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use reqwest::multipart::{Form, Part};
use serde_json::Value;
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_storage::original_key;
use vocweek_tests::media::{mp4_like, real_jpeg};
use vocweek_tests::{Backend, TestApp, Upload, every_backend, spawn_app};

const NOTE: &str = "照片模糊，请换一张清晰的";

/// `PUT …/file` with `version` (when given) and each of `files` as a `file` part.
async fn replace(
    app: &TestApp,
    token: &str,
    id: &str,
    version: Option<i64>,
    files: &[(&str, &[u8])],
) -> (u16, Value) {
    let mut form = Form::new();
    if let Some(version) = version {
        form = form.text("version", version.to_string());
    }
    for (name, bytes) in files {
        form = form.part(
            "file",
            Part::bytes(bytes.to_vec()).file_name((*name).to_owned()),
        );
    }
    let response = app
        .client
        .put(app.url(&format!("/api/v1/assets/{id}/file")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

async fn stored(app: &TestApp, bytes: &[u8]) -> bool {
    app.services
        .store
        .exists(&original_key(&hash(bytes)).unwrap())
        .await
        .unwrap()
}

async fn version_of(app: &TestApp, token: &str, id: &str) -> i64 {
    let (status, asset) = app.get(token, &format!("/api/v1/assets/{id}")).await;
    assert_eq!(status, 200, "{asset}");
    asset["version"].as_i64().unwrap()
}

async fn thumb(app: &TestApp, token: &str, id: &str) -> Vec<u8> {
    let (status, _, bytes) = app
        .fetch(token, &format!("/api/v1/assets/{id}/renditions/thumb"))
        .await;
    assert_eq!(status, 200);
    bytes
}

async fn a_unit_replaces_the_file_of_a_returned_item(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit(
            "聊城职业技术学院",
            UnitKind::HigherVocationalCollege,
            "liaocheng",
        )
        .await;
    let (_, other) = app
        .unit("滨州职业学院", UnitKind::HigherVocationalCollege, "binzhou")
        .await;
    let (_, stranger) = app
        .unit(
            "德州职业技术学院",
            UnitKind::HigherVocationalCollege,
            "dezhou",
        )
        .await;
    let editor = app
        .user_session("reviewer", Role::Editor, Some(Desk::Edu))
        .await;

    let first = real_jpeg(31, 320, 240);
    let second = real_jpeg(32, 320, 240);
    let elsewhere_bytes = real_jpeg(33, 320, 240);
    let id = app
        .upload_id(
            &unit,
            Upload::new("现场.jpg", first.clone()).field("title", "实训现场"),
        )
        .await;
    app.wait_for_state(&unit, &id, "pending_review").await;
    let old_thumb = thumb(&app, &unit, &id).await;
    // Another unit sends the same file as a second item of this unit (it becomes a sender of
    // that item, not its owner) and an item of its own.
    let shared_bytes = real_jpeg(34, 320, 240);
    let shared = app
        .upload_id(
            &unit,
            Upload::new("合影.jpg", shared_bytes.clone()).field("title", "合影"),
        )
        .await;
    app.wait_for_state(&unit, &shared, "pending_review").await;
    let (status, duplicate) = app
        .upload(&other, Upload::new("同一张.jpg", shared_bytes.clone()))
        .await;
    assert_eq!(
        (status, duplicate["id"].as_str()),
        (200, Some(shared.as_str()))
    );
    let elsewhere = app
        .upload_id(&other, Upload::new("别处.jpg", elsewhere_bytes.clone()))
        .await;
    app.wait_for_state(&other, &elsewhere, "pending_review")
        .await;

    // In review, the item is not the unit's to replace.
    let version = version_of(&app, &unit, &id).await;
    let (status, answer) = replace(
        &app,
        &unit,
        &id,
        Some(version),
        &[("新.jpg", second.as_slice())],
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (409, Some("not-returned")),
        "{answer}"
    );

    let (_, asset) = app.get(&editor, &format!("/api/v1/assets/{id}")).await;
    let (status, answer) = app
        .call(
            &editor,
            reqwest::Method::POST,
            &format!("/api/v1/assets/{id}/review"),
            Some(serde_json::json!({
                "action": "return", "note": NOTE, "version": asset["version"]
            })),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let version = version_of(&app, &unit, &id).await;

    // Refused, and nothing changes: who asks, which version, which bytes, which kind.
    let code = |answer: &Value| {
        answer["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let new_file: &[(&str, &[u8])] = &[("现场-修改.jpg", second.as_slice())];
    // The shared item: its other sender does not own it, and its owner cannot change what the
    // other unit sent.
    let (_, shared_asset) = app.get(&editor, &format!("/api/v1/assets/{shared}")).await;
    let (status, answer) = app
        .call(
            &editor,
            reqwest::Method::POST,
            &format!("/api/v1/assets/{shared}/review"),
            Some(serde_json::json!({
                "action": "return", "note": NOTE, "version": shared_asset["version"]
            })),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let shared_version = version_of(&app, &unit, &shared).await;
    let (status, answer) = replace(&app, &other, &shared, Some(shared_version), new_file).await;
    assert_eq!(
        (status, code(&answer)),
        (403, "not-your-unit".to_owned()),
        "{answer}"
    );
    let (status, answer) = replace(&app, &unit, &shared, Some(shared_version), new_file).await;
    assert_eq!(
        (status, code(&answer)),
        (409, "shared-file".to_owned()),
        "{answer}"
    );
    let (status, answer) = replace(&app, &other, &id, Some(version), new_file).await;
    assert_eq!(status, 404, "not its item, not even shared: {answer}");
    let (status, answer) = replace(&app, &stranger, &id, Some(version), new_file).await;
    assert_eq!(
        status, 404,
        "another unit's item does not exist for it: {answer}"
    );
    let (status, answer) = replace(&app, &editor, &id, Some(version), new_file).await;
    assert_eq!(
        (status, code(&answer)),
        (403, "forbidden".to_owned()),
        "{answer}"
    );
    let (status, answer) = replace(&app, &unit, &id, Some(version - 1), new_file).await;
    assert_eq!(
        (status, code(&answer)),
        (409, "version-conflict".to_owned()),
        "{answer}"
    );
    let (status, answer) = replace(
        &app,
        &unit,
        &id,
        Some(version),
        &[("again.jpg", first.as_slice())],
    )
    .await;
    assert_eq!(
        (status, code(&answer)),
        (409, "same-file".to_owned()),
        "{answer}"
    );
    let (status, answer) = replace(
        &app,
        &unit,
        &id,
        Some(version),
        &[("别处.jpg", elsewhere_bytes.as_slice())],
    )
    .await;
    assert_eq!(
        (status, code(&answer)),
        (409, "duplicate-file".to_owned()),
        "{answer}"
    );
    assert_eq!(answer["error"]["details"]["asset_id"], elsewhere.as_str());
    let video = mp4_like(7);
    let (status, answer) = replace(
        &app,
        &unit,
        &id,
        Some(version),
        &[("现场.mp4", video.as_slice())],
    )
    .await;
    assert_eq!(
        (status, code(&answer)),
        (422, "different-kind".to_owned()),
        "{answer}"
    );
    let (status, answer) = replace(&app, &unit, &id, None, new_file).await;
    assert_eq!(
        (status, code(&answer)),
        (400, "missing-version".to_owned()),
        "{answer}"
    );
    let (status, answer) = replace(&app, &unit, &id, Some(version), &[]).await;
    assert_eq!(
        (status, code(&answer)),
        (400, "missing-file".to_owned()),
        "{answer}"
    );
    let two: &[(&str, &[u8])] = &[("a.jpg", second.as_slice()), ("b.jpg", second.as_slice())];
    let (status, answer) = replace(&app, &unit, &id, Some(version), two).await;
    assert_eq!(
        (status, code(&answer)),
        (400, "multiple-files".to_owned()),
        "{answer}"
    );
    let (_, unchanged) = app.get(&unit, &format!("/api/v1/assets/{id}")).await;
    assert_eq!(unchanged["state"], "returned");
    assert_eq!(unchanged["version"], version);
    assert_eq!(unchanged["blake3"], hash(&first));
    assert!(!stored(&app, &video).await, "a refused file is not stored");

    // The owner's corrected file: the same item, its new file, processed again.
    let (status, replaced) = replace(&app, &unit, &id, Some(version), new_file).await;
    assert_eq!(status, 200, "{replaced}");
    assert_eq!(replaced["id"], id.as_str());
    assert_eq!(replaced["title"], "实训现场", "the title stays");
    assert_eq!(replaced["blake3"], hash(&second));
    assert_eq!(replaced["original_filename"], "现场-修改.jpg");
    assert!(
        replaced["state"] == "processing" || replaced["state"] == "pending_review",
        "{replaced}"
    );
    let done = app.wait_for_state(&unit, &id, "pending_review").await;
    assert_eq!(done["size"], second.len());
    assert_ne!(
        thumb(&app, &unit, &id).await,
        old_thumb,
        "renditions of the new file"
    );

    let (status, trail) = app
        .get(&editor, &format!("/api/v1/assets/{id}/audit"))
        .await;
    assert_eq!(status, 200, "{trail}");
    let events = trail.as_array().unwrap();
    let event = events
        .iter()
        .find(|e| e["action"] == "file_replaced")
        .unwrap_or_else(|| panic!("no file_replaced in {trail}"));
    assert_eq!(
        (
            &event["from_state"],
            &event["to_state"],
            &event["actor_kind"]
        ),
        (
            &Value::from("returned"),
            &Value::from("processing"),
            &Value::from("unit")
        )
    );
    assert_eq!(event["details"]["old"]["blake3"], hash(&first));
    assert_eq!(event["details"]["old"]["filename"], "现场.jpg");
    assert_eq!(event["details"]["new"]["blake3"], hash(&second));
    assert_eq!(event["details"]["new"]["size"], second.len());
    let processed_after = events
        .iter()
        .skip_while(|e| e["action"] != "file_replaced")
        .any(|e| e["action"] == "processed");
    assert!(processed_after, "processed again: {trail}");

    let (status, versions) = app
        .get(&unit, &format!("/api/v1/assets/{id}/versions"))
        .await;
    assert_eq!(status, 200, "{versions}");
    assert_eq!(versions.as_array().map(Vec::len), Some(1), "{versions}");
    assert_eq!(versions[0]["number"], 1);
    assert_eq!(versions[0]["original_filename"], "现场.jpg");
    assert_eq!(versions[0]["size"], first.len());
    assert_eq!(versions[0]["blake3"], hash(&first));
    assert!(stored(&app, &first).await, "the earlier file is kept");
    assert!(stored(&app, &second).await);
    // fsck counts the earlier file as the item's, not as an orphan.
    let expected = app.services.db.expected_originals().await.unwrap();
    assert!(
        expected
            .iter()
            .any(|o| o.asset_id == format!("{id} (version 1)") && o.blake3 == hash(&first)),
        "fsck's inventory lacks the earlier file"
    );

    // The editor's page tells it in Chinese.
    let (status, page) = app.page(&editor, &format!("/queue/{id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("更换了文件"), "no history entry on the page");
    assert!(
        page.contains("原文件 现场.jpg"),
        "the history names the old file"
    );
    assert!(
        page.contains("文件版本") && page.contains("第 1 版"),
        "no versions section"
    );

    // In review again: no second replacement until the editors return it.
    let version = version_of(&app, &unit, &id).await;
    let third = real_jpeg(34, 320, 240);
    let (status, answer) = replace(
        &app,
        &unit,
        &id,
        Some(version),
        &[("第三版.jpg", third.as_slice())],
    )
    .await;
    assert_eq!(
        (status, code(&answer)),
        (409, "not-returned".to_owned()),
        "{answer}"
    );

    // The earlier file's bytes are nobody's current file any more: sent again, they are a new
    // item, which then holds them.
    let resent = app
        .upload_id(&stranger, Upload::new("旧照片.jpg", first.clone()))
        .await;
    app.wait_for_state(&stranger, &resent, "pending_review")
        .await;

    // Deleting the item removes its rows and its originals, except the one another item holds.
    let (status, _) = app
        .call(
            &unit,
            reqwest::Method::DELETE,
            &format!("/api/v1/assets/{id}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(app.count("asset_versions").await, 0);
    assert!(
        !stored(&app, &second).await,
        "the current original is removed"
    );
    assert!(
        stored(&app, &first).await,
        "another item still holds the earlier file"
    );
    assert!(stored(&app, &elsewhere_bytes).await);
    let (status, _) = app
        .call(
            &stranger,
            reqwest::Method::DELETE,
            &format!("/api/v1/assets/{resent}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert!(!stored(&app, &first).await, "now nothing holds it");
    app.stop().await;
}

/// Deleting an item removes every earlier file nothing else holds.
async fn deleting_a_replaced_item_removes_its_earlier_files(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit("菏泽职业学院", UnitKind::HigherVocationalCollege, "heze")
        .await;
    let editor = app
        .user_session("reviewer", Role::Editor, Some(Desk::Edu))
        .await;
    let files = [
        real_jpeg(41, 320, 240),
        real_jpeg(42, 320, 240),
        real_jpeg(43, 320, 240),
    ];
    let id = app
        .upload_id(&unit, Upload::new("1.jpg", files[0].clone()))
        .await;
    for (number, file) in files.iter().enumerate().skip(1) {
        app.wait_for_state(&unit, &id, "pending_review").await;
        let (_, asset) = app.get(&editor, &format!("/api/v1/assets/{id}")).await;
        let (status, answer) = app
            .call(
                &editor,
                reqwest::Method::POST,
                &format!("/api/v1/assets/{id}/review"),
                Some(serde_json::json!({
                    "action": "return", "note": NOTE, "version": asset["version"]
                })),
            )
            .await;
        assert_eq!(status, 200, "{answer}");
        let version = version_of(&app, &unit, &id).await;
        let name = format!("{}.jpg", number + 1);
        let (status, answer) = replace(
            &app,
            &unit,
            &id,
            Some(version),
            &[(name.as_str(), file.as_slice())],
        )
        .await;
        assert_eq!(status, 200, "{answer}");
    }
    app.wait_for_state(&unit, &id, "pending_review").await;
    let (_, versions) = app
        .get(&unit, &format!("/api/v1/assets/{id}/versions"))
        .await;
    let numbered: Vec<(i64, &str)> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["number"].as_i64().unwrap(),
                v["original_filename"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(numbered, vec![(1, "1.jpg"), (2, "2.jpg")]);
    for file in &files {
        assert!(stored(&app, file).await);
    }
    let (status, _) = app
        .call(
            &unit,
            reqwest::Method::DELETE,
            &format!("/api/v1/assets/{id}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    for file in &files {
        assert!(
            !stored(&app, file).await,
            "an original of the deleted item remains"
        );
    }
    assert_eq!(app.stored(&format!("renditions/{id}/")).await, 0);
    app.stop().await;
}

every_backend!(
    a_unit_replaces_the_file_of_a_returned_item,
    deleting_a_replaced_item_removes_its_earlier_files,
);
