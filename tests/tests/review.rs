//! The review API: decisions, conflicts, edits, a unit correcting a returned item, the audit
//! trail, and who may do what.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::media::real_jpeg;
use vocweek_tests::{Backend, TestApp, Upload, both_databases, spawn_app};

async fn send(
    app: &TestApp,
    token: Option<&str>,
    method: &str,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let mut request = match method {
        "POST" => app.client.post(app.url(path)),
        "PATCH" => app.client.patch(app.url(path)),
        _ => app.client.get(app.url(path)),
    };
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if method != "GET" {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A unit, an uploaded photo in review, and an edu editor.
async fn setup(app: &TestApp) -> (String, String, String) {
    let (_, unit) = app
        .unit("济南职业学院", UnitKind::HigherVocationalCollege, "jinan")
        .await;
    let (_, body) = app
        .upload(&unit, Upload::new("a.jpg", real_jpeg(3, 64, 48)))
        .await;
    let id = body["id"].as_str().unwrap().to_owned();
    app.wait_for_state(&unit, &id, "pending_review").await;
    let editor = app
        .user_session("edu1", Role::Editor, Some(Desk::Edu))
        .await;
    (unit, id, editor)
}

async fn decisions_follow_the_state_machine_and_conflicts_are_409(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, id, editor) = setup(&app).await;
    let other_editor = app
        .user_session("edu2", Role::Editor, Some(Desk::Edu))
        .await;
    let path = format!("/api/v1/assets/{id}/review");

    let (status, approved) = send(
        &app,
        Some(&editor),
        "POST",
        &path,
        json!({"action": "approve", "version": 2}),
    )
    .await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(
        (approved["state"].as_str(), approved["version"].as_i64()),
        (Some("approved"), Some(3))
    );
    // The second editor decided on what they saw before: a conflict, not a lost update.
    let (status, body) = send(
        &app,
        Some(&other_editor),
        "POST",
        &path,
        json!({"action": "reject", "note": "模糊", "version": 2}),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "version-conflict");
    assert_eq!(body["error"]["details"]["current_state"], "approved");
    assert_eq!(body["error"]["details"]["current_version"], 3);

    for (action, note, status, code) in [
        ("approve", None, 422, "forbidden-transition"),
        ("launch", None, 422, "unknown-value"),
        ("reject", None, 400, "note-required"),
        ("reject", Some("  "), 400, "note-required"),
    ] {
        let (got, body) = send(
            &app,
            Some(&editor),
            "POST",
            &path,
            json!({"action": action, "note": note, "version": 3}),
        )
        .await;
        assert_eq!(
            (got, body["error"]["code"].as_str()),
            (status, Some(code)),
            "{action}: {body}"
        );
    }
    // The photo came without portrait consent: recommending it needs the editor's word.
    let (status, body) = send(
        &app,
        Some(&editor),
        "POST",
        &path,
        json!({"action": "recommend", "version": 3}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("consent-unconfirmed")),
        "{body}"
    );
    let (status, body) = send(
        &app,
        Some(&editor),
        "POST",
        &path,
        json!({"action": "recommend", "version": 3, "confirm_without_consent": true}),
    )
    .await;
    assert_eq!((status, body["state"].as_str()), (200, Some("recommended")));
    let (status, body) = send(
        &app,
        Some(&editor),
        "POST",
        &path,
        json!({"action": "reopen", "version": 4}),
    )
    .await;
    assert_eq!(
        (status, body["state"].as_str()),
        (200, Some("pending_review"))
    );

    let (_, trail) = send(
        &app,
        Some(&editor),
        "GET",
        &format!("/api/v1/assets/{id}/audit"),
        Value::Null,
    )
    .await;
    let actions: Vec<&str> = trail
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec!["uploaded", "processed", "approve", "recommend", "reopen"]
    );
    assert_eq!(trail[2]["actor_kind"], "user");
    // The day's trail as CSV for Excel: BOM, Chinese header, who did what.
    let csv = app
        .client
        .get(app.url("/api/v1/audit/export"))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    assert!(text.starts_with('\u{feff}'));
    assert!(text.contains("时间（北京时间）,素材ID,标题,操作"));
    assert!(
        text.contains("\"approve\"") && text.contains("\"edu1\""),
        "{text}"
    );
    let xlsx = app
        .client
        .get(app.url("/api/v1/audit/export?format=xlsx"))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut workbook, "审核记录").unwrap();
    let first = sheet.get_value((0, 0)).map(|v| v.to_string());
    assert_eq!(first.as_deref(), Some("时间（北京时间）"));
    assert!(sheet.rows().any(|row| row.iter().any(|c| *c == "approve")));
    let (status, _) = send(
        &app,
        Some(&trail_unit_token(&app).await),
        "GET",
        "/api/v1/audit/export",
        Value::Null,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        (
            trail[2]["from_state"].as_str(),
            trail[2]["to_state"].as_str()
        ),
        (Some("pending_review"), Some("approved"))
    );
    app.stop().await;
}

async fn a_returned_item_is_corrected_by_its_unit(backend: Backend) {
    let app = spawn_app(backend).await;
    let (unit, id, editor) = setup(&app).await;
    let (status, _) = send(
        &app,
        Some(&unit),
        "PATCH",
        &format!("/api/v1/assets/{id}"),
        json!({"version": 2, "title": "x"}),
    )
    .await;
    assert_eq!(status, 409, "a unit cannot edit an item in review");

    let note = "请补充活动地点和时间";
    let (status, body) = send(
        &app,
        Some(&editor),
        "POST",
        &format!("/api/v1/assets/{id}/review"),
        json!({"action": "return", "note": note, "version": 2}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, page) = app.get(&unit, "/api/v1/assets?state=returned").await;
    assert_eq!(page["items"][0]["review_note"], note, "the unit sees why");

    // Another unit that sent the same bytes is a submitter, not the item's owner: it may not
    // correct (and resubmit) the first unit's returned item.
    let (_, other) = app
        .unit(
            "济南工程职业技术学院",
            UnitKind::HigherVocationalCollege,
            "jinan",
        )
        .await;
    let (status, duplicate) = app
        .upload(&other, Upload::new("same.jpg", real_jpeg(3, 64, 48)))
        .await;
    assert_eq!(
        (status, duplicate["duplicate"].as_bool()),
        (200, Some(true)),
        "{duplicate}"
    );
    let (status, refused) = send(
        &app,
        Some(&other),
        "PATCH",
        &format!("/api/v1/assets/{id}"),
        json!({"version": 3, "title": "被别的单位改了"}),
    )
    .await;
    assert_eq!(status, 403, "{refused}");
    assert_eq!(refused["error"]["code"], "not-your-unit");

    let edit = json!({"version": 3, "title": "开幕式（济南，5月22日）", "themes": ["annual_theme", "achievements"]});
    let (status, body) = send(
        &app,
        Some(&unit),
        "PATCH",
        &format!("/api/v1/assets/{id}"),
        edit,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["state"], "pending_review",
        "a correction goes back to review"
    );
    assert_eq!(body["title"], "开幕式（济南，5月22日）");
    assert_eq!(
        body["tags"]["themes"],
        json!(["achievements", "annual_theme"]),
        "a sorted set"
    );
    let (_, trail) = send(
        &app,
        Some(&unit),
        "GET",
        &format!("/api/v1/assets/{id}/audit"),
        Value::Null,
    )
    .await;
    let edited = trail
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "edited")
        .unwrap();
    assert_eq!(
        edited["details"]["changed"]["title"][1],
        "开幕式（济南，5月22日）"
    );
    assert!(
        trail
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "resubmitted")
    );
    app.stop().await;
}

async fn editors_retag_with_checks(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, id, editor) = setup(&app).await;
    let path = format!("/api/v1/assets/{id}");
    let (status, body) = send(
        &app,
        Some(&editor),
        "PATCH",
        &path,
        json!({"version": 2, "themes": ["nope"]}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("unknown-tag"))
    );
    assert!(
        body["error"]["details"]["allowed"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    );
    let retag = json!({"version": 2, "city": "qingdao", "category": "national_event", "subcategory": "competition_events"});
    let (status, body) = send(&app, Some(&editor), "PATCH", &path, retag).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["tags"]["city"], "qingdao");
    assert_eq!(
        body["state"], "pending_review",
        "an editor's edit does not decide"
    );
    let (status, body) = send(
        &app,
        Some(&editor),
        "PATCH",
        &path,
        json!({"version": 2, "title": "stale"}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("version-conflict"))
    );
    let (_, page) = app
        .get(
            &editor,
            "/api/v1/assets?city=qingdao&category=national_event",
        )
        .await;
    assert_eq!(page["items"].as_array().map(Vec::len), Some(1));
    app.stop().await;
}

async fn who_may_decide(backend: Backend) {
    let app = spawn_app(backend).await;
    let (unit, id, _) = setup(&app).await;
    let hr = app.user_session("hr1", Role::Editor, Some(Desk::Hr)).await;
    let admin = app.user_session("root", Role::Admin, None).await;
    let (_, partner) = app.services.db.create_partner("大众网").await.unwrap();
    let path = format!("/api/v1/assets/{id}/review");
    let approve = json!({"action": "approve", "version": 2});
    for (token, status) in [
        (None, 401),
        (Some(unit.as_str()), 403),
        (Some(partner.as_str()), 403),
        (Some(hr.as_str()), 404),
    ] {
        let (got, body) = send(&app, token, "POST", &path, approve.clone()).await;
        assert_eq!(got, status, "{token:?}: {body}");
        let (got, _) = send(
            &app,
            token,
            "PATCH",
            &format!("/api/v1/assets/{id}"),
            json!({"version": 2, "title": "x"}),
        )
        .await;
        assert!(
            matches!(got, 401 | 403 | 404 | 409),
            "{token:?} edited: {got}"
        );
    }
    let (status, body) = send(&app, Some(&admin), "POST", &path, approve).await;
    assert_eq!((status, body["state"].as_str()), (200, Some("approved")));
    app.stop().await;
}

async fn trail_unit_token(app: &TestApp) -> String {
    app.unit("其他单位", UnitKind::CityBureau, "heze").await.1
}

both_databases!(
    decisions_follow_the_state_machine_and_conflicts_are_409,
    a_returned_item_is_corrected_by_its_unit,
    editors_retag_with_checks,
    who_may_decide,
);
