//! The partner feed: approvals in order, exactly once, also while editors approve at the same
//! time; tombstones for withdrawn items; nothing unapproved ever shown; Atom; rate limits.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use vocweek_db::testing::{TestAsset, insert_asset};
use vocweek_domain::{Role, UnitKind};
use vocweek_tests::media::real_jpeg;
use vocweek_tests::{
    AppOptions, Backend, TestApp, Upload, both_databases, spawn_app, spawn_app_with,
};

async fn partner_key(app: &TestApp, name: &str) -> String {
    app.services.db.create_partner(name).await.unwrap().1
}

async fn decide(app: &TestApp, editor: &str, id: &str, action: &str) -> u16 {
    let (_, asset) = app.get(editor, &format!("/api/v1/assets/{id}")).await;
    let response = app
        .client
        .post(app.url(&format!("/api/v1/assets/{id}/review")))
        .bearer_auth(editor)
        .json(&json!({ "action": action, "version": asset["version"], "note": "编辑意见" }))
        .send()
        .await
        .unwrap();
    response.status().as_u16()
}

async fn feed(app: &TestApp, key: &str, query: &str) -> (u16, Value) {
    app.get(key, &format!("/api/v1/feed?{query}")).await
}

fn events(page: &Value) -> Vec<(String, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            (
                item["asset_id"].as_str().unwrap().to_owned(),
                item["event"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn approvals_appear_once_in_order_and_withdrawals_as_tombstones(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit("济南职业学院", UnitKind::HigherVocationalCollege, "jinan")
        .await;
    let editor = app.user_session("chief", Role::Admin, None).await;
    let key = partner_key(&app, "新华网").await;
    let mut ids = Vec::new();
    for seed in 0..4 {
        // With portrait consent: recommending one below needs no confirmation.
        let upload = Upload::new(&format!("技能{seed}.jpg"), real_jpeg(seed, 320, 240))
            .field("city", "jinan")
            .field("category", "online_showcase")
            .field("themes", "labor_spirit")
            .field("portrait_consent", "true");
        let id = app.upload_id(&unit, upload).await;
        app.wait_for_state(&unit, &id, "pending_review").await;
        ids.push(id);
    }
    let (a, b, c, pending) = (&ids[0], &ids[1], &ids[2], &ids[3]);

    let (status, empty) = feed(&app, &key, "").await;
    assert_eq!(status, 200, "{empty}");
    assert_eq!(empty["items"], json!([]));
    assert_eq!(empty["has_more"], false);

    assert_eq!(decide(&app, &editor, a, "approve").await, 200);
    assert_eq!(decide(&app, &editor, b, "approve").await, 200);
    let (_, first) = feed(&app, &key, "").await;
    assert_eq!(
        events(&first),
        vec![
            (a.clone(), "published".into()),
            (b.clone(), "published".into())
        ]
    );
    let item = &first["items"][0]["asset"];
    assert_eq!(item["title"], "测试 技能0.jpg");
    assert_eq!(item["city"], "jinan");
    assert_eq!(item["themes"], json!(["labor_spirit"]));
    assert_eq!(item["recommended"], false);
    for name in ["original", "thumb", "preview"] {
        let file = &item["files"][name];
        assert!(
            file["url"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/media/{a}/{name}")),
            "{file}"
        );
        assert!(
            file["signed_url"].as_str().unwrap().contains("signature="),
            "{file}"
        );
    }
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();

    // Recommending changes the item, not the feed's order: nothing new after the cursor.
    assert_eq!(decide(&app, &editor, b, "recommend").await, 200);
    assert_eq!(decide(&app, &editor, c, "approve").await, 200);
    assert_eq!(decide(&app, &editor, pending, "reject").await, 200);
    let (_, second) = feed(&app, &key, &format!("cursor={cursor}")).await;
    assert_eq!(events(&second), vec![(c.clone(), "published".into())]);
    let cursor = second["next_cursor"].as_str().unwrap().to_owned();

    // A withdrawn item comes back as a tombstone, without its content.
    assert_eq!(decide(&app, &editor, a, "reopen").await, 200);
    let (_, third) = feed(&app, &key, &format!("cursor={cursor}")).await;
    assert_eq!(events(&third), vec![(a.clone(), "withdrawn".into())]);
    assert!(third["items"][0].get("asset").is_none(), "{third}");
    let cursor = third["next_cursor"].as_str().unwrap().to_owned();

    // Read from the start, each asset shows once, as it stands now; the rejected one never.
    let (_, whole) = feed(&app, &key, "").await;
    assert_eq!(
        events(&whole),
        vec![
            (b.clone(), "published".into()),
            (c.clone(), "published".into()),
            (a.clone(), "withdrawn".into())
        ]
    );
    assert_eq!(whole["items"][0]["asset"]["recommended"], true);
    assert!(!whole.to_string().contains(pending.as_str()));

    // Approved again: published once more, at its new place.
    assert_eq!(decide(&app, &editor, a, "approve").await, 200);
    let (_, again) = feed(&app, &key, &format!("cursor={cursor}")).await;
    assert_eq!(events(&again), vec![(a.clone(), "published".into())]);

    // A deleted item leaves a tombstone too.
    let cursor = again["next_cursor"].as_str().unwrap().to_owned();
    let deleted = app
        .client
        .delete(app.url(&format!("/api/v1/assets/{c}")))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let (_, after_delete) = feed(&app, &key, &format!("cursor={cursor}")).await;
    assert_eq!(events(&after_delete), vec![(c.clone(), "withdrawn".into())]);

    // Filters and paging.
    let (_, page) = feed(&app, &key, "limit=1").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["has_more"], true);
    let (_, videos) = feed(&app, &key, "kind=video").await;
    assert_eq!(videos["items"], json!([]));
    let (_, themed) = feed(&app, &key, "theme=labor_spirit&city=jinan").await;
    assert_eq!(themed["items"].as_array().unwrap().len(), 3);
    let (_, later) = feed(&app, &key, "since=2999-01-01").await;
    assert_eq!(later["items"], json!([]));

    // Clear refusals.
    let (status, body) = feed(&app, &key, "cursor=not-ours").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid-cursor"))
    );
    let (status, body) = feed(&app, &key, "city=atlantis").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("unknown-value"))
    );
    let (status, body) = feed(&app, &key, "limit=0").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid-query"))
    );
    let (status, _) = feed(&app, &unit, "").await;
    assert_eq!(status, 403, "units do not read the partner feed");
    let (status, _) = feed(&app, "vwp_0000", "").await;
    assert_eq!(status, 401);
    app.stop().await;
}

/// Editors approve 60 items from six clients at once while a partner pages through the feed
/// seven items at a time: the partner ends with every item exactly once, in cursor order.
async fn concurrent_approvals_are_neither_missed_nor_repeated(backend: Backend) {
    let app = spawn_app(backend).await;
    let (unit_id, _) = app
        .unit("青岛市教育局", UnitKind::CityBureau, "qingdao")
        .await;
    let campaign = app.services.ingestor.campaign().campaign.id;
    let ids: Vec<String> = (0..60).map(|n| format!("bulk-{n:04}")).collect();
    for (n, id) in ids.iter().enumerate() {
        let asset = TestAsset {
            title: format!("素材{n}"),
            ..TestAsset::photo(id, campaign, unit_id, "qingdao")
        };
        insert_asset(&app.services.db, &asset).await.unwrap();
    }
    let editor = app.user_session("chief", Role::Admin, None).await;
    let key = partner_key(&app, "人民网").await;

    let reader = {
        let (client, base, key) = (app.client.clone(), app.base_url.clone(), key.clone());
        tokio::spawn(async move {
            let mut seen: Vec<String> = Vec::new();
            let mut cursor = String::new();
            let deadline = Instant::now() + Duration::from_secs(90);
            while seen.len() < 60 && Instant::now() < deadline {
                let page: Value = client
                    .get(format!("{base}/api/v1/feed?limit=7&cursor={cursor}"))
                    .bearer_auth(&key)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                for item in page["items"].as_array().unwrap() {
                    assert_eq!(item["event"], "published", "{item}");
                    seen.push(item["asset_id"].as_str().unwrap().to_owned());
                }
                cursor = page["next_cursor"].as_str().unwrap().to_owned();
            }
            seen
        })
    };
    let approvers = ids.chunks(10).map(|chunk| {
        let (app, editor) = (&app, editor.clone());
        async move {
            for id in chunk {
                let response = app
                    .client
                    .post(app.url(&format!("/api/v1/assets/{id}/review")))
                    .bearer_auth(&editor)
                    .json(&json!({ "action": "approve", "version": 1 }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 200);
            }
        }
    });
    futures_util::future::join_all(approvers).await;
    let seen = reader.await.unwrap();
    assert_eq!(seen.len(), 60, "every approval once: {seen:?}");
    let distinct: HashSet<&String> = seen.iter().collect();
    assert_eq!(distinct.len(), 60, "no repeats");
    assert_eq!(distinct, ids.iter().collect::<HashSet<_>>());
    app.stop().await;
}

/// With `wait=`, an empty feed answers as soon as something is approved.
async fn a_long_poll_returns_with_the_next_approval(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit("烟台职业学院", UnitKind::HigherVocationalCollege, "yantai")
        .await;
    let editor = app.user_session("chief", Role::Admin, None).await;
    let key = partner_key(&app, "央视网").await;
    let id = app
        .upload_id(&unit, Upload::new("a.jpg", real_jpeg(9, 320, 240)))
        .await;
    app.wait_for_state(&unit, &id, "pending_review").await;
    let started = Instant::now();
    let poll = {
        let (client, base, key) = (app.client.clone(), app.base_url.clone(), key.clone());
        tokio::spawn(async move {
            let page: Value = client
                .get(format!("{base}/api/v1/feed?wait=20"))
                .bearer_auth(&key)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            page
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(decide(&app, &editor, &id, "approve").await, 200);
    let page = poll.await.unwrap();
    assert_eq!(events(&page), vec![(id.clone(), "published".into())]);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "answered on the approval"
    );
    app.stop().await;
}

/// The Atom feed lists approved items for feed readers (the key in the header or `?key=`).
async fn the_atom_feed_lists_approved_items(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit("潍坊职业学院", UnitKind::HigherVocationalCollege, "weifang")
        .await;
    let editor = app.user_session("chief", Role::Admin, None).await;
    let key = partner_key(&app, "光明网").await;
    let id = app
        .upload_id(
            &unit,
            Upload::new("a.jpg", real_jpeg(3, 320, 240)).field("title", "<大国工匠> & 技能"),
        )
        .await;
    app.wait_for_state(&unit, &id, "pending_review").await;
    assert_eq!(decide(&app, &editor, &id, "approve").await, 200);
    let response = app
        .client
        .get(app.url(&format!("/api/v1/feed.atom?key={key}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let xml = response.text().await.unwrap();
    assert!(
        xml.contains(&format!("<id>urn:vocweek:asset:{id}</id>")),
        "{xml}"
    );
    assert!(
        xml.contains("&lt;大国工匠&gt; &amp; 技能"),
        "escaped: {xml}"
    );
    let refused = app
        .client
        .get(app.url("/api/v1/feed.atom?key=wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    app.stop().await;
}

/// A partner's budget: the burst passes, then 429 with Retry-After; another partner is not
/// affected.
async fn each_key_has_a_request_budget(backend: Backend) {
    let app = spawn_app_with(
        backend,
        AppOptions {
            configure: Some(|config| {
                config.partners.rate_limit_per_minute = 6;
                config.partners.rate_limit_burst = 3;
            }),
            ..AppOptions::default()
        },
    )
    .await;
    let key = partner_key(&app, "甲").await;
    let other = partner_key(&app, "乙").await;
    for _ in 0..3 {
        assert_eq!(feed(&app, &key, "").await.0, 200);
    }
    let response = app
        .client
        .get(app.url("/api/v1/feed"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=10).contains(&retry), "{retry}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate-limited");
    assert_eq!(feed(&app, &other, "").await.0, 200);
    app.stop().await;
}

both_databases!(
    approvals_appear_once_in_order_and_withdrawals_as_tombstones,
    concurrent_approvals_are_neither_missed_nor_repeated,
    a_long_poll_returns_with_the_next_approval,
    the_atom_feed_lists_approved_items,
    each_key_has_a_request_budget,
);
