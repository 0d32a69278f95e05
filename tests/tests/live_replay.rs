//! A live event's replay (issue 21): the ffmpeg CLI publishes to the node's RTMP ingest, is
//! killed mid-stream (no deleteStream), comes back within the grace period and stops cleanly;
//! within seconds of the end the recording is one video item in 待审核, made from the stored
//! segments — its id the event's, the channel's unit and tags, VOD playlists with the
//! reconnect's discontinuity and an end, an MP4 download that plays straight through both
//! publishes, a poster — and as long as what was published. An event of one publish takes
//! the recording its live transcode wrote as the download instead: no remux at the end.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::live::{durations, exit_status, ingest_on, publish, uris};
use vocweek_tests::{AppOptions, Backend, TestApp, both_databases, spawn_app_with, tests_on};

const WITHIN: Duration = Duration::from_secs(60);

async fn text(app: &TestApp, token: &str, path: &str) -> (u16, String) {
    let (status, _, bytes) = app.fetch(token, path).await;
    (status, String::from_utf8(bytes).unwrap())
}

/// Polls the channel until `ready` says yes about it.
async fn wait_for_channel(
    app: &TestApp,
    token: &str,
    id: &str,
    what: &str,
    ready: impl Fn(&Value) -> bool,
) -> Value {
    let started = Instant::now();
    loop {
        let (status, channel) = app.get(token, &format!("/api/v1/channels/{id}")).await;
        assert_eq!(status, 200, "{channel}");
        if ready(&channel) {
            return channel;
        }
        assert!(started.elapsed() < WITHIN, "{what} never came: {channel}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The duration ffprobe reads from a file's container; `name` makes its temporary file unique.
fn probed_seconds(bytes: &[u8], name: &str) -> f64 {
    let path = std::env::temp_dir().join(format!("vocweek-replay-{name}.mp4"));
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", "format=duration", "-of"])
        .args(["default=noprint_wrappers=1:nokey=1"])
        .arg(&path)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

fn rendition<'a>(asset: &'a Value, name: &str) -> &'a Value {
    asset["renditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no {name} rendition in {asset}"))
}

/// A node with its RTMP ingest on, an editor, a college and its channel, ready to publish to.
struct OnAir {
    app: TestApp,
    editor: String,
    unit_token: String,
    id: String,
    /// `rtmp://…/live/<stream key>`.
    url: String,
}

async fn channel_on_a_node(backend: Backend, college: &str, city: &str, title: &str) -> OnAir {
    let app = spawn_app_with(
        backend,
        AppOptions {
            configure: Some(ingest_on),
            ..AppOptions::default()
        },
    )
    .await;
    let rtmp = app.rtmp_url.clone().unwrap();
    let editor = app
        .user_session("editor", Role::Editor, Some(Desk::Edu))
        .await;
    let (unit, unit_token) = app
        .unit(college, UnitKind::HigherVocationalCollege, city)
        .await;
    let (status, channel) = app
        .call(
            &editor,
            Method::POST,
            "/api/v1/channels",
            Some(json!({
                "title": title,
                "unit_id": unit,
                "scheduled_start": "2026-05-10T01:00:00Z",
            })),
        )
        .await;
    assert_eq!(status, 201, "{channel}");
    let id = channel["id"].as_str().unwrap().to_owned();
    let url = format!("{rtmp}/{}", channel["stream_key"].as_str().unwrap());
    OnAir {
        app,
        editor,
        unit_token,
        id,
        url,
    }
}

/// What the live transcode stored, as the ended channel's closed DVR playlist of the top
/// rung lists it, in seconds.
async fn published_seconds(app: &TestApp, editor: &str, id: &str) -> f64 {
    let (_, dvr) = text(app, editor, &format!("/api/v1/channels/{id}/live/dvr.m3u8")).await;
    let top = uris(&dvr).remove(0);
    let (_, top_dvr) = text(app, editor, &format!("/api/v1/channels/{id}/live/{top}")).await;
    durations(&top_dvr).iter().sum()
}

async fn a_reconnected_event_becomes_one_replay_in_the_queue(backend: Backend) {
    let OnAir {
        app,
        editor,
        unit_token,
        id,
        url,
    } = channel_on_a_node(backend, "淄博职业学院", "zibo", "数控车技能大赛").await;

    let mut first = publish(&url, 30);
    wait_for_channel(&app, &editor, &id, "the live state", |c| {
        c["state"] == "live"
    })
    .await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    first.kill().await.unwrap();
    let interrupted = wait_for_channel(&app, &editor, &id, "the interruption", |c| {
        c["state"] == "interrupted"
    })
    .await;
    let event = interrupted["event"]["id"].as_str().unwrap().to_owned();
    let second = publish(&url, 6);
    assert!(exit_status(second, WITHIN).await.success());
    let ended_at = Instant::now();
    wait_for_channel(&app, &editor, &id, "the end", |c| c["state"] == "ended").await;

    let published = published_seconds(&app, &editor, &id).await;
    assert!(published > 6.0, "{published} s published");

    let ready = wait_for_channel(&app, &editor, &id, "the replay", |c| {
        !c["event"]["replay_asset_id"].is_null()
    })
    .await;
    let replay = ready["event"]["replay_asset_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(replay, event, "the item takes the event's id");
    let asset = app
        .wait_for_state_within(&editor, &replay, "pending_review", WITHIN)
        .await;
    eprintln!("replay ready {:?} after the end", ended_at.elapsed());
    assert_eq!(asset["kind"], "video", "{asset}");
    assert_eq!(asset["tags"]["city"], "zibo", "{asset}");
    assert_eq!(
        asset["tags"]["subcategory"], "competition_livestream",
        "{asset}"
    );
    assert!(
        asset["title"]
            .as_str()
            .unwrap()
            .starts_with("数控车技能大赛 · 直播回放"),
        "{asset}"
    );
    let facts = &asset["metadata"]["video"];
    let duration = facts["duration_seconds"].as_f64().unwrap();
    assert!(
        (duration - published).abs() < 1.0,
        "{duration} s for {published} s published: {facts}"
    );
    assert_eq!(asset["metadata"]["live"]["publishes"], 2, "{asset}");
    // Two publishes, two clocks: the download is remuxed from the segments.
    assert_eq!(facts["download_from"], "segments", "{facts}");

    // The VOD playlists: every rendition closed, the reconnect marked, every segment served.
    let master_url = rendition(&asset, "hls")["url"].as_str().unwrap().to_owned();
    let (status, master) = text(&app, &editor, &master_url).await;
    assert_eq!(status, 200, "{master}");
    let base = &master_url[..master_url.rfind('/').unwrap() + 1];
    let variants = uris(&master);
    assert!(variants.len() >= 2, "{master}");
    for variant in &variants {
        let (status, playlist) = text(&app, &editor, &format!("{base}{variant}")).await;
        assert_eq!(status, 200, "{playlist}");
        assert!(playlist.ends_with("#EXT-X-ENDLIST\n"), "{playlist}");
        assert_eq!(
            playlist.matches("#EXT-X-DISCONTINUITY\n").count(),
            1,
            "{playlist}"
        );
        for segment in uris(&playlist) {
            let (status, mime, bytes) = app.fetch(&editor, &format!("{base}{segment}")).await;
            assert_eq!((status, mime.as_str()), (200, "video/mp2t"), "{segment}");
            assert_eq!(bytes[0], 0x47);
        }
    }
    // The download plays through both publishes: one clock, as long as the stream.
    let (status, _, mp4) = app
        .fetch(
            &editor,
            rendition(&asset, "download")["url"].as_str().unwrap(),
        )
        .await;
    assert_eq!(status, 200);
    let probed = probed_seconds(&mp4, &replay);
    assert!(
        (probed - published).abs() < 1.0,
        "the MP4 lasts {probed} s for {published} s published"
    );
    let (status, mime, poster) = app
        .fetch(
            &editor,
            rendition(&asset, "poster")["url"].as_str().unwrap(),
        )
        .await;
    assert_eq!((status, mime.as_str()), (200, "image/jpeg"));
    assert_eq!(&poster[..2], &[0xff, 0xd8]);
    // A clip of the replay across the reconnect: a new item, as long as marked within a
    // picture, starting on a keyframe (tests/tests/clips.rs has the rest of clips).
    let (to, asked) = (published - 1.0, published - 2.0);
    let (status, queued) = app
        .call(
            &editor,
            Method::POST,
            &format!("/api/v1/assets/{replay}/clips"),
            Some(json!({ "from_seconds": 1.0, "to_seconds": to })),
        )
        .await;
    assert_eq!(status, 202, "{queued}");
    let clip_id = queued["clip_id"].as_str().unwrap().to_owned();
    let clip = loop {
        let (status, clip) = app.get(&editor, &format!("/api/v1/assets/{clip_id}")).await;
        if status == 200 && clip["state"] == "pending_review" {
            break clip;
        }
        assert!(
            ended_at.elapsed() < Duration::from_secs(300),
            "{status} {clip}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let (_, _, cut) = app
        .fetch(&editor, &format!("/api/v1/assets/{clip_id}/original"))
        .await;
    let cut_seconds = probed_seconds(&cut, &clip_id);
    assert!(
        (cut_seconds - asked).abs() <= 1.0 / 30.0 + 1e-6,
        "the clip lasts {cut_seconds} s for {asked} s marked: {clip}"
    );
    assert_eq!(clip["metadata"]["clip"]["source_id"], replay.as_str());
    // The unit whose event it was sees the item among its own.
    let (status, seen) = app
        .get(&unit_token, &format!("/api/v1/assets/{replay}"))
        .await;
    assert_eq!(status, 200, "{seen}");
    app.stop().await;
}

async fn one_publish_is_replayed_from_its_recording(backend: Backend) {
    let OnAir {
        app,
        editor,
        id,
        url,
        ..
    } = channel_on_a_node(backend, "烟台职业学院", "yantai", "焊接技能大赛").await;
    assert!(exit_status(publish(&url, 8), WITHIN).await.success());
    let ended = wait_for_channel(&app, &editor, &id, "the end", |c| c["state"] == "ended").await;
    let event = ended["event"]["id"].as_str().unwrap().to_owned();
    let published = published_seconds(&app, &editor, &id).await;

    wait_for_channel(&app, &editor, &id, "the replay", |c| {
        !c["event"]["replay_asset_id"].is_null()
    })
    .await;
    let asset = app
        .wait_for_state_within(&editor, &event, "pending_review", WITHIN)
        .await;
    let facts = &asset["metadata"]["video"];
    assert_eq!(facts["download_from"], "recording", "{facts}");
    let duration = facts["duration_seconds"].as_f64().unwrap();
    assert!(
        (duration - published).abs() < 1.0,
        "{duration} s for {published} s published: {facts}"
    );
    // The download is the original, and as long as the segments.
    let (status, _, mp4) = app
        .fetch(
            &editor,
            rendition(&asset, "download")["url"].as_str().unwrap(),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(asset["size"], json!(mp4.len()), "{asset}");
    let probed = probed_seconds(&mp4, &event);
    assert!(
        (probed - published).abs() < 1.0,
        "the MP4 lasts {probed} s for {published} s published"
    );
    let (_, _, original) = app
        .fetch(&editor, &format!("/api/v1/assets/{event}/original"))
        .await;
    assert!(original == mp4, "the original is the download");
    // The recording does not stay behind in the staging directory.
    let left: Vec<String> = std::fs::read_dir(app.staging_dir())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("-live-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    app.stop().await;
}

both_databases!(
    a_reconnected_event_becomes_one_replay_in_the_queue,
    one_publish_is_replayed_from_its_recording
);
// On an S3 store the recording waits in the node's staging directory all the same.
tests_on!(garage = vocweek_tests::Backend::SQLITE_GARAGE; one_publish_is_replayed_from_its_recording);
