//! A live channel as partners follow it (issue 21): the ffmpeg CLI publishes to the node's
//! RTMP ingest; a partner long-polling the feed gets the event as `live` with its channel's
//! playlists, plays them from the signed link alone (master, rendition, segment: the player on
//! its page holds no key) and is counted as a viewer; when the publisher stops the entry turns
//! `ended`, then names the replay item once it is recorded; the approved replay follows under
//! the same id. A real webhook receiver (the reference Standard Webhooks library) verifies
//! `channel.live`, `channel.ended` and `channel.replay_recorded`. Links that are not the
//! channel's — tampered, an item's signature, no key, a unit's key — open nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::live::{exit_status, ingest_on, publish, uris};
use vocweek_tests::webhook_receiver::WebhookReceiver;
use vocweek_tests::{AppOptions, Backend, TestApp, both_databases, spawn_app_with};

const WITHIN: Duration = Duration::from_secs(60);

/// Long-polls the feed from `cursor` until an entry says yes; answers it and the next cursor.
async fn wait_for_entry(
    app: &TestApp,
    key: &str,
    cursor: &str,
    what: &str,
    wanted: impl Fn(&Value) -> bool,
) -> (Value, String) {
    let started = Instant::now();
    let mut cursor = cursor.to_owned();
    loop {
        let (status, page) = app
            .get(key, &format!("/api/v1/feed?wait=5&cursor={cursor}"))
            .await;
        assert_eq!(status, 200, "{page}");
        cursor = page["next_cursor"].as_str().unwrap().to_owned();
        if let Some(entry) = page["items"].as_array().unwrap().iter().find(|e| wanted(e)) {
            return (entry.clone(), cursor);
        }
        assert!(started.elapsed() < WITHIN, "{what} never came: {page}");
    }
}

/// A GET with no key at all, as a player on a partner's page makes it.
async fn fetch_plain(app: &TestApp, url: &str) -> (u16, String, Vec<u8>) {
    let response = app.client.get(url).send().await.unwrap();
    let status = response.status().as_u16();
    let mime = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, mime, response.bytes().await.unwrap().to_vec())
}

/// `reference` resolved against the playlist at `base`, as a player does.
fn resolve(base: &str, reference: &str) -> String {
    reqwest::Url::parse(base)
        .unwrap()
        .join(reference)
        .unwrap()
        .to_string()
}

async fn a_partner_follows_a_channel_from_live_to_replay(backend: Backend) {
    let app = spawn_app_with(
        backend,
        AppOptions {
            configure: Some(ingest_on),
            ..AppOptions::default()
        },
    )
    .await;
    let rtmp = app.rtmp_url.clone().unwrap();
    let receiver = WebhookReceiver::start(&app.data_dir, 0);
    let partner = app.services.db.create_partner("大众网").await.unwrap().1;
    let (status, hook) = app
        .call(
            &partner,
            Method::POST,
            "/api/v1/webhooks",
            Some(json!({ "url": receiver.url })),
        )
        .await;
    assert_eq!(status, 201, "{hook}");
    std::fs::write(&receiver.secret_file, hook["secret"].as_str().unwrap()).unwrap();
    let editor = app
        .user_session("editor", Role::Editor, Some(Desk::Edu))
        .await;
    let (unit, unit_token) = app
        .unit("潍坊职业学院", UnitKind::HigherVocationalCollege, "weifang")
        .await;
    let (status, channel) = app
        .call(
            &editor,
            Method::POST,
            "/api/v1/channels",
            Some(json!({
                "title": "工业机器人技术应用赛项",
                "unit_id": unit,
                "scheduled_start": "2026-05-11T01:00:00Z",
            })),
        )
        .await;
    assert_eq!(status, 201, "{channel}");
    let channel_id = channel["id"].as_str().unwrap().to_owned();
    let url = format!("{rtmp}/{}", channel["stream_key"].as_str().unwrap());

    let (status, before) = app.get(&partner, "/api/v1/feed").await;
    assert_eq!(status, 200, "{before}");
    assert_eq!(before["items"], json!([]), "a scheduled channel is no news");

    let ffmpeg = publish(&url, 10);
    let (live, cursor) = wait_for_entry(&app, &partner, "", "the live entry", |e| {
        e["event"] == "live"
    })
    .await;
    let event_id = live["asset_id"].as_str().unwrap().to_owned();
    let on_air = &live["channel"];
    assert_eq!(on_air["id"], json!(channel_id), "{live}");
    assert_eq!(on_air["event_id"], json!(event_id), "{live}");
    assert_eq!(
        (on_air["title"].as_str(), on_air["city"].as_str()),
        (Some("工业机器人技术应用赛项"), Some("weifang"))
    );
    assert_eq!(on_air["subcategory"], "competition_livestream");
    assert!(live.get("asset").is_none(), "no item yet: {live}");
    assert_eq!(on_air["replay_asset_id"], Value::Null);

    // The player on the partner's page: the signed master, a rendition, a segment, no key.
    let master_url = on_air["live"]["signed_url"].as_str().unwrap().to_owned();
    assert!(
        master_url.contains(&format!("/media/{channel_id}/live/master.m3u8?")),
        "{master_url}"
    );
    let (status, mime, master) = fetch_plain(&app, &master_url).await;
    let master = String::from_utf8(master).unwrap();
    assert_eq!(status, 200, "{master}");
    assert_eq!(mime, "application/vnd.apple.mpegurl");
    let variants = uris(&master);
    assert!(variants.len() >= 2, "the ladder: {master}");
    for variant in &variants {
        assert!(
            variant.starts_with(&format!("{event_id}/")) && variant.contains("signature="),
            "every link carries the signature: {variant}"
        );
    }
    let rendition_url = resolve(&master_url, &variants[0]);
    let (status, _, rendition) = fetch_plain(&app, &rendition_url).await;
    let rendition = String::from_utf8(rendition).unwrap();
    assert_eq!(status, 200, "{rendition}");
    assert!(!rendition.contains("#EXT-X-ENDLIST"), "live: {rendition}");
    let segment_url = resolve(&rendition_url, &uris(&rendition)[0]);
    let (status, mime, segment) = fetch_plain(&app, &segment_url).await;
    assert_eq!(
        (status, mime.as_str()),
        (200, "video/mp2t"),
        "{segment_url}"
    );
    assert_eq!(segment[0], 0x47, "an MPEG-TS packet");
    let (_, watched) = app
        .get(&editor, &format!("/api/v1/channels/{channel_id}"))
        .await;
    assert!(
        watched["viewers"].as_u64().unwrap() >= 1,
        "the link's player is a viewer: {watched}"
    );
    let (status, dvr, _) = app
        .fetch(&partner, &format!("/media/{channel_id}/live/dvr.m3u8"))
        .await;
    assert_eq!(status, 200, "the partner's key opens it too ({dvr})");

    // What is not the channel's link opens nothing.
    let query = master_url.split_once('?').unwrap().1;
    let tampered = master_url.replace("signature=", "signature=A");
    assert_eq!(fetch_plain(&app, &tampered).await.0, 403);
    let elsewhere = master_url.replace(
        &format!("/media/{channel_id}/live/"),
        &format!("/media/{event_id}/live/"),
    );
    assert_eq!(
        fetch_plain(&app, &elsewhere).await.0,
        403,
        "signed for another id"
    );
    let as_item = resolve(
        &master_url,
        &format!("/media/{channel_id}/original?{query}"),
    );
    assert_eq!(
        fetch_plain(&app, &as_item).await.0,
        403,
        "a channel's signature is not an item's"
    );
    let unsigned = master_url.split_once('?').unwrap().0;
    assert_eq!(fetch_plain(&app, unsigned).await.0, 401);
    let (status, _, _) = app
        .fetch(
            &unit_token,
            &format!("/media/{channel_id}/live/master.m3u8"),
        )
        .await;
    assert_eq!(status, 403, "a unit's key is not a partner's");

    // The end, then the replay.
    assert!(exit_status(ffmpeg, WITHIN).await.success());
    let (ended, _) = wait_for_entry(&app, &partner, &cursor, "the ended entry", |e| {
        e["event"] == "ended" && e["asset_id"] == json!(event_id)
    })
    .await;
    assert_eq!(ended["channel"]["state"], "ended", "{ended}");
    assert!(
        ended["channel"].get("live").is_none(),
        "no live link: {ended}"
    );
    let (replayed, _) = wait_for_entry(&app, &partner, &cursor, "the replay's id", |e| {
        e["event"] == "ended" && e["channel"]["replay_asset_id"] == json!(event_id)
    })
    .await;
    assert!(replayed["channel"]["ended_at"].is_string(), "{replayed}");
    let (status, whole) = app.get(&partner, "/api/v1/feed").await;
    assert_eq!(status, 200);
    let entries: Vec<&Value> = whole["items"].as_array().unwrap().iter().collect();
    assert_eq!(entries.len(), 1, "the event's latest entry only: {whole}");
    assert_eq!(entries[0]["event"], "ended");

    // Approved, the replay is the event's entry: an item like any other.
    app.wait_for_state(&editor, &event_id, "pending_review")
        .await;
    app.review(&editor, &event_id, "approve").await;
    let (_, whole) = app.get(&partner, "/api/v1/feed").await;
    let entries = whole["items"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{whole}");
    assert_eq!(
        (
            entries[0]["event"].as_str(),
            entries[0]["asset"]["kind"].as_str()
        ),
        (Some("published"), Some("video")),
        "{whole}"
    );

    for kind in ["channel.live", "channel.ended", "channel.replay_recorded"] {
        let received = receiver.wait_for(kind).await;
        let message = received.iter().find(|m| m["type"] == kind).unwrap();
        assert_eq!(message["data"]["event_id"], json!(event_id), "{message}");
        assert_eq!(
            message["data"]["channel_id"],
            json!(channel_id),
            "{message}"
        );
    }
    let received = receiver.received();
    let recorded = received
        .iter()
        .find(|m| m["type"] == "channel.replay_recorded")
        .unwrap();
    assert_eq!(
        recorded["data"]["replay_asset_id"],
        json!(event_id),
        "{recorded}"
    );
    assert_eq!(
        received
            .iter()
            .filter(|m| m["type"] == "channel.live")
            .count(),
        1,
        "told once that it is live: {received:?}"
    );
    app.stop().await;
}

both_databases!(a_partner_follows_a_channel_from_live_to_replay);
