//! Clips end to end: an editor asks for 10.0–20.0 s of a processed video item; the clip is a
//! new item that goes through processing into 待审核, lasts 10 s within a picture, starts with
//! a keyframe, and names its source (and the source it) in the histories. A stretch past the
//! video's end and a photo are refused with their codes; units cannot ask.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::media::generated_video;
use vocweek_tests::{Backend, Upload, both_databases, spawn_app};

const PATIENCE: Duration = Duration::from_secs(180);
const ONE_PICTURE: f64 = 1.0 / 30.0;

/// What ffprobe says of `bytes`: the container's duration and the first video packet's flags.
fn probe(bytes: &[u8], name: &str) -> (f64, String) {
    let path = std::env::temp_dir().join(format!("vocweek-clip-{name}-{}.mp4", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    let run = |args: &[&str]| {
        let output = std::process::Command::new("ffprobe")
            .args(["-v", "error"])
            .args(args)
            .arg(&path)
            .output()
            .unwrap();
        assert!(output.status.success());
        String::from_utf8(output.stdout).unwrap()
    };
    let duration = run(&["-show_entries", "format=duration", "-of", "csv=p=0"])
        .trim()
        .parse()
        .unwrap();
    let first = run(&[
        "-select_streams",
        "v:0",
        "-read_intervals",
        "%+#1",
        "-show_entries",
        "packet=pts_time,flags",
        "-of",
        "csv=p=0",
    ]);
    std::fs::remove_file(&path).unwrap();
    (
        duration,
        first.lines().next().unwrap_or_default().to_owned(),
    )
}

/// Polls until the clip's item exists and reached `state`.
async fn wait_for_clip(app: &vocweek_tests::TestApp, token: &str, id: &str, state: &str) -> Value {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let (status, body) = app.get(token, &format!("/api/v1/assets/{id}")).await;
        if status == 200 && body["state"] == state {
            return body;
        }
        assert!(status == 404 || status == 200, "{status} {body}");
        assert!(Instant::now() < deadline, "clip {id}: {status} {body}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn a_clip_of_a_video_is_an_item_of_its_own(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit("淄博职业学院", UnitKind::HigherVocationalCollege, "zibo")
        .await;
    let editor = app
        .user_session("editor", Role::Editor, Some(Desk::Edu))
        .await;
    // 30 s with a keyframe every 2 s, as a live replay has.
    let video = generated_video(
        "-f lavfi -i testsrc2=size=640x360:rate=30 -f lavfi -i sine=frequency=440 -t 30 \
         -c:v libx264 -preset ultrafast -x264-params keyint=60:min-keyint=60:scenecut=0 \
         -pix_fmt yuv420p -c:a aac",
        "mp4",
    );
    let source = app.upload_id(&unit, Upload::new("决赛.mp4", video)).await;
    app.wait_for_state_within(&unit, &source, "pending_review", PATIENCE)
        .await;
    let path = format!("/api/v1/assets/{source}/clips");

    // Units do not cut; a stretch past the end or under a second is refused with its code.
    let (status, _) = app
        .call(
            &unit,
            Method::POST,
            &path,
            Some(json!({ "from_seconds": 1.0, "to_seconds": 5.0 })),
        )
        .await;
    assert_eq!(status, 403);
    for (from, to) in [(25.0, 40.0), (5.0, 5.5), (-1.0, 4.0)] {
        let (status, body) = app
            .call(
                &editor,
                Method::POST,
                &path,
                Some(json!({ "from_seconds": from, "to_seconds": to })),
            )
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("invalid-clip-range")),
            "{from}–{to}: {body}"
        );
    }

    let (status, queued) = app
        .call(
            &editor,
            Method::POST,
            &path,
            Some(json!({ "from_seconds": 10.0, "to_seconds": 20.0 })),
        )
        .await;
    assert_eq!(status, 202, "{queued}");
    let clip_id = queued["clip_id"].as_str().unwrap().to_owned();
    let clip = wait_for_clip(&app, &editor, &clip_id, "pending_review").await;
    assert_eq!(clip["kind"], "video");
    assert_eq!(clip["tags"]["city"], "zibo", "the source's tags: {clip}");
    assert!(
        clip["title"].as_str().unwrap().contains("片段 0:10–0:20"),
        "{clip}"
    );
    let cut = &clip["metadata"]["clip"];
    assert_eq!(cut["source_id"], source.as_str(), "{clip}");
    assert_eq!(
        cut["copied_pictures"], 300,
        "10 s on keyframes: all copied: {clip}"
    );
    let duration = clip["metadata"]["video"]["duration_seconds"]
        .as_f64()
        .unwrap();
    assert!((duration - 10.0).abs() <= ONE_PICTURE + 1e-6, "{duration}");

    let (status, _, original) = app
        .fetch(&editor, &format!("/api/v1/assets/{clip_id}/original"))
        .await;
    assert_eq!(status, 200);
    let (seconds, first) = probe(&original, &clip_id);
    assert!(
        (seconds - 10.0).abs() <= ONE_PICTURE + 1e-6,
        "the clip lasts {seconds} s"
    );
    assert!(first.starts_with("0.000000,K"), "the first packet: {first}");

    // Off the keyframes: the edges are encoded again, the length still within a picture.
    let (status, queued) = app
        .call(
            &editor,
            Method::POST,
            &path,
            Some(json!({ "from_seconds": 10.5, "to_seconds": 19.3 })),
        )
        .await;
    assert_eq!(status, 202, "{queued}");
    let uneven = wait_for_clip(
        &app,
        &editor,
        queued["clip_id"].as_str().unwrap(),
        "pending_review",
    )
    .await;
    assert_eq!(
        uneven["metadata"]["clip"]["copied_pictures"], 180,
        "{uneven}"
    );
    assert_eq!(
        uneven["metadata"]["clip"]["encoded_pictures"], 84,
        "{uneven}"
    );

    // Both histories name the other.
    let (_, trail) = app
        .get(&editor, &format!("/api/v1/assets/{source}/audit"))
        .await;
    let actions: Vec<&str> = trail
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"clip_requested") && actions.contains(&"clip_made"),
        "{trail}"
    );
    let (_, trail) = app
        .get(&editor, &format!("/api/v1/assets/{clip_id}/audit"))
        .await;
    assert_eq!(trail[0]["action"], "clipped", "{trail}");
    assert_eq!(trail[0]["details"]["source_id"], source.as_str(), "{trail}");
    // The unit that sent the source sees the clip among its items.
    let (status, _) = app.get(&unit, &format!("/api/v1/assets/{clip_id}")).await;
    assert_eq!(status, 200);
    // A photo is no video to clip.
    let photo = app
        .upload_id(
            &unit,
            Upload::new("a.jpg", vocweek_tests::media::real_jpeg(7, 64, 48)),
        )
        .await;
    app.wait_for_state_within(&unit, &photo, "pending_review", PATIENCE)
        .await;
    let (status, body) = app
        .call(
            &editor,
            Method::POST,
            &format!("/api/v1/assets/{photo}/clips"),
            Some(json!({ "from_seconds": 0.0, "to_seconds": 2.0 })),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("not-a-video")),
        "{body}"
    );
    app.stop().await;
}

both_databases!(a_clip_of_a_video_is_an_item_of_its_own);
