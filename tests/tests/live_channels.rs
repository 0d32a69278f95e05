//! Live channels end to end (issue 21): an editor opens a channel and gets its key once; the
//! ffmpeg CLI publishes to the node's RTMP ingest (a real RTMP client); the live master
//! playlist, each rendition's playlist and its segments are served while it runs; a publisher
//! that drops and comes back within the grace period continues the same event behind a
//! discontinuity, one gone for longer ends it; a clean stop ends the event and closes the
//! playlists; another node on the same database and store serves what this one ingests; a
//! revoked key admits nobody; a refused codec is told on the channel; who may open, see and
//! manage a channel.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::live::{durations, exit_status, ingest_on, publish, publish_with, uris};
use vocweek_tests::{AppOptions, Backend, TestApp, both_databases, spawn_app_with};

/// From the publisher's start to the first playlist: FFmpeg's and the child's start, two
/// seconds of stream, on a machine running other tests.
const FIRST_SEGMENT_WITHIN: Duration = Duration::from_secs(30);
const ENDED_WITHIN: Duration = Duration::from_secs(30);

async fn live_app(backend: Backend) -> TestApp {
    spawn_app_with(
        backend,
        AppOptions {
            configure: Some(ingest_on),
            ..AppOptions::default()
        },
    )
    .await
}

/// Opens a channel for `unit` as `editor`; answers its JSON (with the key).
async fn open_channel(app: &TestApp, editor: &str, unit: i32) -> Value {
    let (status, channel) = app
        .call(
            editor,
            Method::POST,
            "/api/v1/channels",
            Some(json!({
                "title": "全省职业院校技能大赛 网上观赛",
                "unit_id": unit,
                "themes": [],
                "scheduled_start": "2026-05-10T01:00:00Z",
            })),
        )
        .await;
    assert_eq!(status, 201, "{channel}");
    channel
}

async fn text(app: &TestApp, token: &str, path: &str) -> (u16, String) {
    let (status, _, bytes) = app.fetch(token, path).await;
    (status, String::from_utf8(bytes).unwrap())
}

async fn wait_for_master(app: &TestApp, token: &str, id: &str) -> String {
    let started = Instant::now();
    loop {
        let (status, body) = text(
            app,
            token,
            &format!("/api/v1/channels/{id}/live/master.m3u8"),
        )
        .await;
        if status == 200 {
            return body;
        }
        assert_eq!(status, 404, "{body}");
        assert!(body.contains("channel-not-live"), "{body}");
        assert!(
            started.elapsed() < FIRST_SEGMENT_WITHIN,
            "no live playlist within {FIRST_SEGMENT_WITHIN:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn wait_for_state(app: &TestApp, token: &str, id: &str, state: &str) -> Value {
    let started = Instant::now();
    loop {
        let (status, channel) = app.get(token, &format!("/api/v1/channels/{id}")).await;
        assert_eq!(status, 200, "{channel}");
        if channel["state"] == state {
            return channel;
        }
        assert!(
            started.elapsed() < ENDED_WITHIN,
            "the channel stayed {} instead of {state}",
            channel["state"]
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn a_published_channel_is_watched_live_and_ends(backend: Backend) {
    let app = live_app(backend).await;
    let rtmp = app.rtmp_url.clone().expect("the ingest is on");
    let editor = app
        .user_session("editor", Role::Editor, Some(Desk::Edu))
        .await;
    let (unit, unit_token) = app
        .unit("山东技师学院", UnitKind::TechnicalCollege, "jinan")
        .await;
    let channel = open_channel(&app, &editor, unit).await;
    let id = channel["id"].as_str().unwrap().to_owned();
    let key = channel["stream_key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("vwl_"), "{channel}");
    assert_eq!(
        channel["rtmp_url"],
        json!(rtmp),
        "the page's host and the ingest's port"
    );
    assert_eq!(
        (channel["state"].as_str(), channel["city"].as_str()),
        (Some("scheduled"), Some("jinan"))
    );
    assert_eq!(channel["subcategory"], "competition_livestream");

    // The key is shown once: never in a later answer.
    let (_, again) = app.get(&editor, &format!("/api/v1/channels/{id}")).await;
    assert!(again.get("stream_key").is_none(), "{again}");
    assert_eq!(again["key_hint"].as_str().unwrap(), &key[key.len() - 4..]);
    let (status, body) = text(
        &app,
        &editor,
        &format!("/api/v1/channels/{id}/live/master.m3u8"),
    )
    .await;
    assert_eq!(status, 404, "not live before a publish: {body}");

    let ffmpeg = publish(&format!("{rtmp}/{key}"), 12);
    let master = wait_for_master(&app, &unit_token, &id).await;
    assert!(
        master.contains("RESOLUTION=1280x720"),
        "the publisher's own size on top: {master}"
    );
    let variants = uris(&master);
    assert!(variants.len() >= 2, "{master}");
    let live = wait_for_state(&app, &editor, &id, "live").await;
    let event = live["event"]["id"].as_str().unwrap().to_owned();
    let base = format!("/api/v1/channels/{id}/live/");
    for variant in &variants {
        assert!(variant.starts_with(&format!("{event}/")), "{variant}");
        let (status, playlist) = text(&app, &unit_token, &format!("{base}{variant}")).await;
        assert_eq!(status, 200, "{playlist}");
        assert!(!playlist.contains("#EXT-X-ENDLIST"), "live: {playlist}");
        let segment = uris(&playlist).remove(0);
        let dir = variant.rsplit_once('/').unwrap().0;
        let (status, mime, bytes) = app
            .fetch(&unit_token, &format!("{base}{dir}/{segment}"))
            .await;
        assert_eq!((status, mime.as_str()), (200, "video/mp2t"));
        assert_eq!(bytes[0], 0x47, "an MPEG-TS packet");
    }
    let (_, watched) = app.get(&editor, &format!("/api/v1/channels/{id}")).await;
    assert!(watched["viewers"].as_u64().unwrap() >= 1, "{watched}");

    assert!(exit_status(ffmpeg, Duration::from_secs(60)).await.success());
    let ended = wait_for_state(&app, &editor, &id, "ended").await;
    assert_eq!(ended["event"]["ended_how"], "clean", "{ended}");
    // Once ended, each rendition's DVR playlist holds the whole publish and is closed, and the
    // renditions' segments cover the same spans.
    let mut spans: Vec<Vec<f64>> = Vec::new();
    for variant in &variants {
        let dvr = variant.replace(".m3u8", "_dvr.m3u8");
        let (status, playlist) = text(&app, &editor, &format!("{base}{dvr}")).await;
        assert_eq!(status, 200, "{playlist}");
        assert!(playlist.contains("#EXT-X-ENDLIST"), "{playlist}");
        assert!(playlist.contains("#EXT-X-MEDIA-SEQUENCE:0"), "{playlist}");
        let total: f64 = durations(&playlist).iter().sum();
        assert!((total - 12.0).abs() < 1.5, "{total} s of 12: {playlist}");
        spans.push(durations(&playlist));
    }
    for other in &spans[1..] {
        assert_eq!(other.len(), spans[0].len(), "{spans:?}");
        for (a, b) in other.iter().zip(&spans[0]) {
            assert!(
                (a - b).abs() < 0.05,
                "renditions switch together: {spans:?}"
            );
        }
    }
    app.stop().await;
}

async fn a_publisher_back_within_the_grace_period_continues_the_event(backend: Backend) {
    let app = live_app(backend).await;
    let rtmp = app.rtmp_url.clone().unwrap();
    let editor = app
        .user_session("editor", Role::Editor, Some(Desk::Edu))
        .await;
    let (unit, _) = app
        .unit("济南职业学院", UnitKind::HigherVocationalCollege, "jinan")
        .await;
    let channel = open_channel(&app, &editor, unit).await;
    let id = channel["id"].as_str().unwrap().to_owned();
    let url = format!("{rtmp}/{}", channel["stream_key"].as_str().unwrap());

    // The encoder's machine loses its network: killed mid-stream, no deleteStream.
    let mut first = publish(&url, 30);
    wait_for_master(&app, &editor, &id).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    first.kill().await.unwrap();
    let interrupted = wait_for_state(&app, &editor, &id, "interrupted").await;
    let event = interrupted["event"]["id"].as_str().unwrap().to_owned();

    let second = publish(&url, 6);
    assert!(exit_status(second, Duration::from_secs(60)).await.success());
    let ended = wait_for_state(&app, &editor, &id, "ended").await;
    assert_eq!(
        ended["event"]["id"],
        json!(event),
        "the same event: {ended}"
    );
    assert_eq!(ended["event"]["publishes"], 2, "{ended}");
    let master = text(
        &app,
        &editor,
        &format!("/api/v1/channels/{id}/live/dvr.m3u8"),
    )
    .await
    .1;
    let variant = uris(&master).remove(0);
    let (_, playlist) = text(
        &app,
        &editor,
        &format!("/api/v1/channels/{id}/live/{variant}"),
    )
    .await;
    assert_eq!(
        playlist.matches("#EXT-X-DISCONTINUITY\n").count(),
        1,
        "{playlist}"
    );
    // Numbers run on across the reconnect: every segment listed once, in order.
    let numbers: Vec<u64> = uris(&playlist)
        .iter()
        .map(|uri| {
            uri.rsplit_once('_')
                .unwrap()
                .1
                .trim_end_matches(".ts")
                .parse()
                .unwrap()
        })
        .collect();
    assert!(numbers.windows(2).all(|w| w[1] == w[0] + 1), "{numbers:?}");
    app.stop().await;
}

/// The ingest on, with a grace period of two seconds.
fn short_grace(config: &mut vocweek::config::Config) {
    ingest_on(config);
    config.live.reconnect_grace_seconds = 2;
}

async fn a_publisher_gone_past_the_grace_period_ends_the_event(backend: Backend) {
    let app = spawn_app_with(
        backend,
        AppOptions {
            configure: Some(short_grace),
            ..AppOptions::default()
        },
    )
    .await;
    let rtmp = app.rtmp_url.clone().unwrap();
    let editor = app
        .user_session("editor", Role::Editor, Some(Desk::Edu))
        .await;
    let (unit, _) = app
        .unit(
            "泰山职业技术学院",
            UnitKind::HigherVocationalCollege,
            "taian",
        )
        .await;
    let channel = open_channel(&app, &editor, unit).await;
    let id = channel["id"].as_str().unwrap().to_owned();
    let url = format!("{rtmp}/{}", channel["stream_key"].as_str().unwrap());

    let mut gone = publish(&url, 30);
    wait_for_master(&app, &editor, &id).await;
    gone.kill().await.unwrap();
    let interrupted = wait_for_state(&app, &editor, &id, "interrupted").await;
    let first = interrupted["event"]["id"].as_str().unwrap().to_owned();
    // The sweep ends it once the grace period is over; the playlists close.
    let ended = wait_for_state(&app, &editor, &id, "ended").await;
    assert_eq!(
        (
            ended["event"]["id"].as_str(),
            ended["event"]["ended_how"].as_str()
        ),
        (Some(first.as_str()), Some("vanished")),
        "{ended}"
    );
    let master = text(
        &app,
        &editor,
        &format!("/api/v1/channels/{id}/live/master.m3u8"),
    )
    .await
    .1;
    let variant = uris(&master).remove(0);
    let playlist = text(
        &app,
        &editor,
        &format!("/api/v1/channels/{id}/live/{variant}"),
    )
    .await
    .1;
    assert!(playlist.ends_with("#EXT-X-ENDLIST\n"), "{playlist}");

    // The next publish is another event.
    let next = publish(&url, 3);
    assert!(exit_status(next, Duration::from_secs(60)).await.success());
    let again = wait_for_state(&app, &editor, &id, "ended").await;
    assert_ne!(
        again["event"]["id"].as_str(),
        Some(first.as_str()),
        "{again}"
    );
    app.stop().await;
}

/// A second API node on the same database and store, without an ingest of its own, serves
/// the channel the first node ingests: the same renditions and the same segment bytes.
async fn another_node_serves_the_channel_this_one_ingests(backend: Backend) {
    let app = live_app(backend).await;
    let rtmp = app.rtmp_url.clone().unwrap();
    let editor = app
        .user_session("editor", Role::Editor, Some(Desk::Edu))
        .await;
    let (unit, _) = app
        .unit("威海职业学院", UnitKind::HigherVocationalCollege, "weihai")
        .await;
    let channel = open_channel(&app, &editor, unit).await;
    let id = channel["id"].as_str().unwrap().to_owned();

    let mut config = app.config.clone();
    config.live.rtmp_listen = None;
    let services = vocweek::app::open_services(&config).await.unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let other = vocweek::app::RunningApp::start(&config, services, listener, None).unwrap();
    let other_base = format!("http://{}", other.address);
    let fetch_other = |path: String| {
        let request = app
            .client
            .get(format!("{other_base}{path}"))
            .bearer_auth(&editor);
        async move {
            let response = request.send().await.unwrap();
            (
                response.status().as_u16(),
                response.bytes().await.unwrap().to_vec(),
            )
        }
    };

    let ffmpeg = publish(
        &format!("{rtmp}/{}", channel["stream_key"].as_str().unwrap()),
        8,
    );
    let master = wait_for_master(&app, &editor, &id).await;
    let base = format!("/api/v1/channels/{id}/live/");
    let (status, other_master) = fetch_other(format!("{base}master.m3u8")).await;
    assert_eq!(status, 200);
    assert_eq!(
        uris(&String::from_utf8(other_master).unwrap()),
        uris(&master)
    );
    for variant in uris(&master) {
        let (status, playlist) = fetch_other(format!("{base}{variant}")).await;
        assert_eq!(status, 200);
        let segment = uris(&String::from_utf8(playlist).unwrap()).remove(0);
        let dir = variant.rsplit_once('/').unwrap().0;
        let (status, bytes) = fetch_other(format!("{base}{dir}/{segment}")).await;
        assert_eq!(status, 200);
        let (_, _, here) = app.fetch(&editor, &format!("{base}{dir}/{segment}")).await;
        assert_eq!(bytes, here, "{segment}: the same stored segment");
    }
    let (_, seen) = app.get(&editor, &format!("/api/v1/channels/{id}")).await;
    assert_eq!(seen["state"], "live");
    assert!(exit_status(ffmpeg, Duration::from_secs(60)).await.success());
    other.stop().await;
    app.stop().await;
}

async fn a_revoked_key_admits_nobody_and_a_new_one_does(backend: Backend) {
    let app = live_app(backend).await;
    let rtmp = app.rtmp_url.clone().unwrap();
    let editor = app
        .user_session("editor", Role::Editor, Some(Desk::Edu))
        .await;
    let (unit, _) = app
        .unit("淄博职业学院", UnitKind::HigherVocationalCollege, "zibo")
        .await;
    let channel = open_channel(&app, &editor, unit).await;
    let id = channel["id"].as_str().unwrap();
    let old_key = channel["stream_key"].as_str().unwrap();

    let (status, revoked) = app
        .call(
            &editor,
            Method::DELETE,
            &format!("/api/v1/channels/{id}/key"),
            None,
        )
        .await;
    assert_eq!(
        (status, &revoked["has_key"]),
        (200, &json!(false)),
        "{revoked}"
    );
    let refused = publish(&format!("{rtmp}/{old_key}"), 4);
    assert!(
        !exit_status(refused, Duration::from_secs(30))
            .await
            .success()
    );

    let (status, renewed) = app
        .call(
            &editor,
            Method::POST,
            &format!("/api/v1/channels/{id}/key"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{renewed}");
    let new_key = renewed["stream_key"].as_str().unwrap();
    assert_ne!(new_key, old_key);
    let taken = publish(&format!("{rtmp}/{new_key}"), 3);
    assert!(exit_status(taken, Duration::from_secs(60)).await.success());
    wait_for_state(&app, &editor, id, "ended").await;
    app.stop().await;
}

async fn a_refused_publish_is_told_on_the_channel_page(backend: Backend) {
    let app = live_app(backend).await;
    let rtmp = app.rtmp_url.clone().unwrap();
    let editor = app
        .user_session("editor", Role::Editor, Some(Desk::Edu))
        .await;
    let (unit, _) = app
        .unit(
            "青岛职业技术学院",
            UnitKind::HigherVocationalCollege,
            "qingdao",
        )
        .await;
    let channel = open_channel(&app, &editor, unit).await;
    let id = channel["id"].as_str().unwrap();
    let url = format!("{rtmp}/{}", channel["stream_key"].as_str().unwrap());

    // Sorenson H.263, which FLV carries and we do not: refused with its code, nothing live.
    let refused = publish_with(&url, 4, &["-c:v", "flv1"]);
    assert!(
        !exit_status(refused, Duration::from_secs(30))
            .await
            .success()
    );
    let (_, seen) = app.get(&editor, &format!("/api/v1/channels/{id}")).await;
    assert_eq!(seen["last_refusal"], "unsupported-video-codec", "{seen}");
    // Bytes that are not RTMP at all, then a good publish: the ingest kept serving.
    let port = rtmp
        .trim_start_matches("rtmp://")
        .trim_end_matches("/live")
        .to_owned();
    let mut garbage = tokio::net::TcpStream::connect(&port).await.unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut garbage, &[0xFF; 4096])
        .await
        .unwrap();
    drop(garbage);
    let good = publish(&url, 3);
    assert!(exit_status(good, Duration::from_secs(60)).await.success());
    wait_for_state(&app, &editor, id, "ended").await;
    app.stop().await;
}

async fn who_may_open_see_and_manage_a_channel(backend: Backend) {
    let app = live_app(backend).await;
    let editor = app
        .user_session("editor", Role::Editor, Some(Desk::Edu))
        .await;
    let (unit_a, token_a) = app
        .unit("潍坊职业学院", UnitKind::HigherVocationalCollege, "weifang")
        .await;
    let (_, token_b) = app
        .unit("烟台职业学院", UnitKind::HigherVocationalCollege, "yantai")
        .await;
    let (_, partner) = app.services.db.create_partner("大众网").await.unwrap();
    let new = |unit: Option<i32>| json!({ "title": "技能大赛直播", "unit_id": unit, "scheduled_start": "2026-05-10T01:00:00Z" });

    // A unit opens channels for itself only; staff must name the unit; partners open none.
    let (status, own) = app
        .call(&token_a, Method::POST, "/api/v1/channels", Some(new(None)))
        .await;
    assert_eq!(status, 201, "{own}");
    assert_eq!(own["unit_id"], unit_a);
    let (status, _) = app
        .call(
            &token_b,
            Method::POST,
            "/api/v1/channels",
            Some(new(Some(unit_a))),
        )
        .await;
    assert_eq!(status, 403);
    let (status, body) = app
        .call(&editor, Method::POST, "/api/v1/channels", Some(new(None)))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("invalid-channel")),
        "{body}"
    );
    let (status, _) = app
        .call(
            &partner,
            Method::POST,
            "/api/v1/channels",
            Some(new(Some(unit_a))),
        )
        .await;
    assert_eq!(status, 403);
    let (status, body) = app
        .call(
            &editor,
            Method::POST,
            "/api/v1/channels",
            Some(json!({
                "title": "  ", "unit_id": unit_a, "scheduled_start": "2026-05-10T01:00:00Z"
            })),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = app
        .call(&editor, Method::POST, "/api/v1/channels", Some(json!({
            "title": "直播", "unit_id": unit_a, "themes": ["no-such-theme"], "scheduled_start": "2026-05-10T01:00:00Z"
        })))
        .await;
    assert_eq!(status, 422, "{body}");

    let id = own["id"].as_str().unwrap();
    // Another unit neither sees nor manages it, and is told nothing about it.
    for (method, path) in [
        (Method::GET, format!("/api/v1/channels/{id}")),
        (Method::POST, format!("/api/v1/channels/{id}/key")),
        (Method::DELETE, format!("/api/v1/channels/{id}/key")),
    ] {
        let (status, body) = app.call(&token_b, method, &path, None).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert!(!body.to_string().contains("技能大赛"), "{body}");
    }
    let (_, listed) = app.get(&token_b, "/api/v1/channels").await;
    assert_eq!(listed["channels"], json!([]));
    // A partner watches every channel but holds no key and sees no RTMP address.
    let (status, seen) = app.get(&partner, &format!("/api/v1/channels/{id}")).await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["rtmp_url"], Value::Null);
    let (status, _) = app
        .call(
            &partner,
            Method::POST,
            &format!("/api/v1/channels/{id}/key"),
            None,
        )
        .await;
    assert_eq!(status, 403);
    // Staff see it and manage it.
    let (_, listed) = app.get(&editor, "/api/v1/channels").await;
    assert_eq!(listed["channels"].as_array().unwrap().len(), 1);
    let (status, _) = app
        .call(
            &editor,
            Method::POST,
            &format!("/api/v1/channels/{id}/key"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    // A segment or a playlist of an event that is not the channel's is not found.
    let (status, _) = text(
        &app,
        &editor,
        &format!("/api/v1/channels/{id}/live/no-such-event/720p.m3u8"),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = text(
        &app,
        &editor,
        &format!("/api/v1/channels/{id}/live/other.m3u8"),
    )
    .await;
    assert_eq!(status, 404);
    app.stop().await;
}

both_databases!(
    a_published_channel_is_watched_live_and_ends,
    a_publisher_back_within_the_grace_period_continues_the_event,
    a_revoked_key_admits_nobody_and_a_new_one_does,
    a_publisher_gone_past_the_grace_period_ends_the_event,
    another_node_serves_the_channel_this_one_ingests,
    a_refused_publish_is_told_on_the_channel_page,
    who_may_open_see_and_manage_a_channel,
);
