//! Videos end to end: upload → transcode job → HLS, download, poster and thumbnail served over
//! HTTP; progress while it runs; deleting the asset cancels the transcode; the time limit stops
//! a transcode; bad videos fail with codes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use serde_json::Value;
use vocweek_db::jobs::JobState;
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::media::{generated_video, mp4_like};
use vocweek_tests::{AppOptions, Backend, Upload, every_backend, spawn_app, spawn_app_with};

const PATIENCE: Duration = Duration::from_secs(120);

fn rendition<'a>(asset: &'a Value, name: &str) -> &'a Value {
    asset["renditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no {name} rendition in {asset}"))
}

/// The playlist lines that name files, resolved against the playlist's own URL.
fn referenced(playlist_url: &str, text: &str) -> Vec<String> {
    let base = &playlist_url[..playlist_url.rfind('/').unwrap() + 1];
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| format!("{base}{l}"))
        .collect()
}

async fn a_video_is_served_as_hls_with_poster_and_download(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app
        .unit("山东职业学院", UnitKind::HigherVocationalCollege, "jinan")
        .await;
    let video = generated_video(
        "-f lavfi -i testsrc2=size=960x540:rate=30 -f lavfi -i sine -t 4 -c:v libx264 -preset ultrafast -c:a aac -shortest",
        "mp4",
    );
    let id = app.upload_id(&token, Upload::new("比赛.mp4", video)).await;
    let asset = app
        .wait_for_state_within(&token, &id, "pending_review", PATIENCE)
        .await;
    let facts = &asset["metadata"]["video"];
    let duration = facts["duration_seconds"].as_f64().unwrap();
    assert!((duration - 4.0).abs() < 0.1, "{facts}");
    assert_eq!(facts["video"]["display_width"], 960);
    assert_eq!(
        facts["renditions"].as_array().unwrap().len(),
        2,
        "540p and 360p"
    );
    assert!(
        asset.get("progress").is_none(),
        "no progress once processed"
    );

    let hls = rendition(&asset, "hls");
    let master_url = hls["url"].as_str().unwrap().to_owned();
    assert_eq!(master_url, format!("/api/v1/assets/{id}/hls/master.m3u8"));
    let (status, mime, master) = app.fetch(&token, &master_url).await;
    assert_eq!(
        (status, mime.as_str()),
        (200, "application/vnd.apple.mpegurl")
    );
    let master = String::from_utf8(master).unwrap();
    assert!(master.contains("RESOLUTION=960x540") && master.contains("RESOLUTION=640x360"));
    let mut segments = 0;
    for playlist_url in referenced(&master_url, &master) {
        let (status, _, playlist) = app.fetch(&token, &playlist_url).await;
        assert_eq!(status, 200, "{playlist_url}");
        let playlist = String::from_utf8(playlist).unwrap();
        for segment_url in referenced(&playlist_url, &playlist) {
            let (status, mime, bytes) = app.fetch(&token, &segment_url).await;
            assert_eq!(
                (status, mime.as_str()),
                (200, "video/mp2t"),
                "{segment_url}"
            );
            assert_eq!(bytes[0], 0x47, "an MPEG-TS sync byte");
            segments += 1;
        }
    }
    assert!(segments >= 2);

    let (status, mime, poster) = app
        .fetch(&token, rendition(&asset, "poster")["url"].as_str().unwrap())
        .await;
    assert_eq!((status, mime.as_str()), (200, "image/jpeg"));
    assert_eq!(&poster[..2], &[0xff, 0xd8]);
    assert_eq!(rendition(&asset, "thumb")["mime"], "image/webp");
    let download = rendition(&asset, "download");
    assert_eq!(
        (download["mime"].as_str(), download["height"].as_i64()),
        (Some("video/mp4"), Some(540))
    );
    let (status, _, mp4) = app.fetch(&token, download["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(&mp4[4..8], b"ftyp");

    // Names outside the transcode's own are not served from the HLS path.
    let (status, _, _) = app
        .fetch(&token, &format!("/api/v1/assets/{id}/hls/..%2Foriginal"))
        .await;
    assert_eq!(status, 404);
    // Another unit cannot reach the stream.
    let (_, stranger) = app
        .unit(
            "青岛职业技术学院",
            UnitKind::HigherVocationalCollege,
            "qingdao",
        )
        .await;
    let (status, _, _) = app.fetch(&stranger, &master_url).await;
    assert_eq!(status, 404);
    app.stop().await;
}

/// A transcode long enough to watch: five minutes of small video.
fn long_video() -> Vec<u8> {
    generated_video(
        "-f lavfi -i testsrc2=size=640x360:rate=30 -t 300 -c:v libx264 -preset ultrafast -g 300",
        "mkv",
    )
}

async fn progress_shows_and_deleting_cancels_the_transcode(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app
        .unit("淄博职业学院", UnitKind::HigherVocationalCollege, "zibo")
        .await;
    let id = app
        .upload_id(&token, Upload::new("replay.mkv", long_video()))
        .await;
    // The job writes its progress every two seconds; the asset shows it in percent.
    let deadline = Instant::now() + PATIENCE;
    let progress = loop {
        let (_, asset) = app.get(&token, &format!("/api/v1/assets/{id}")).await;
        assert_eq!(asset["state"], "processing", "still transcoding: {asset}");
        let progress = asset["progress"].as_f64().unwrap();
        if progress > 0.0 {
            break progress;
        }
        assert!(Instant::now() < deadline, "no progress reported");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(progress < 100.0);
    let (_, page) = app.get(&token, "/api/v1/assets?state=processing").await;
    assert!(
        page["items"][0]["progress"].as_f64().unwrap() > 0.0,
        "listed with its progress"
    );

    let editor = app
        .user_session("editor", Role::Editor, Some(Desk::Edu))
        .await;
    // The queue's card says it is processing and how far, instead of an empty picture.
    let queue = app
        .client
        .get(app.url("/queue?state=processing"))
        .header("cookie", format!("vw_session={editor}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        queue.contains("<div class=\"nopic\">处理中…</div>"),
        "{queue}"
    );
    assert!(queue.contains("<p class=\"progress\">处理中 "), "{queue}");
    // An editor may not delete; the unit that sent it may.
    let response = app
        .client
        .delete(app.url(&format!("/api/v1/assets/{id}")))
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    let response = app
        .client
        .delete(app.url(&format!("/api/v1/assets/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 204);
    let (status, _) = app.get(&token, &format!("/api/v1/assets/{id}")).await;
    assert_eq!(status, 404);

    // The worker notices, stops the transcode and ends the job without failing anything.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let jobs = app.services.db.jobs_of_asset(&id).await.unwrap();
        if jobs.iter().all(|j| j.state == JobState::Done) {
            break;
        }
        assert!(Instant::now() < deadline, "the job did not stop: {jobs:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        app.stored(&format!("renditions/{id}/")).await == 0,
        "renditions removed"
    );
    assert_eq!(app.stored_originals().await, 0, "original removed");
    // The staging owners' lock files (`.owners/`) are not working files.
    let scratch_left = std::fs::read_dir(app.staging_dir())
        .map(|d| d.flatten().filter(|e| e.file_name() != ".owners").count())
        .unwrap_or(0);
    assert_eq!(scratch_left, 0, "the transcode's working files are gone");
    assert_eq!(app.count("audit_events WHERE action = 'deleted'").await, 1);
    app.stop().await;
}

async fn the_time_limit_stops_a_transcode(backend: Backend) {
    let options = AppOptions {
        video_time_limit: Some((0.001, 1)),
        ..AppOptions::default()
    };
    let app = spawn_app_with(backend, options).await;
    let (_, token) = app
        .unit("潍坊职业学院", UnitKind::HigherVocationalCollege, "weifang")
        .await;
    let id = app
        .upload_id(&token, Upload::new("replay.mkv", long_video()))
        .await;
    let asset = app
        .wait_for_state_within(&token, &id, "failed", PATIENCE)
        .await;
    assert_eq!(asset["failure"]["code"], "media-timed-out", "{asset}");
    assert!(
        asset["failure"]["reason"]
            .as_str()
            .unwrap()
            .contains("limit")
    );
    app.stop().await;
}

async fn bad_videos_fail_with_codes(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app
        .unit("烟台职业学院", UnitKind::HigherVocationalCollege, "yantai")
        .await;
    let whole = generated_video(
        "-f lavfi -i testsrc2=size=320x240:rate=25 -t 2 -c:v libx264 -preset ultrafast",
        "mp4",
    );
    let moov = whole.windows(4).position(|w| w == b"moov").unwrap();
    let cases = [
        ("cut.mp4", whole[..moov / 2].to_vec(), "video-unreadable"),
        ("fake.mp4", mp4_like(3), "video-unreadable"),
    ];
    for (name, bytes, code) in cases {
        let id = app.upload_id(&token, Upload::new(name, bytes)).await;
        let asset = app
            .wait_for_state_within(&token, &id, "failed", PATIENCE)
            .await;
        assert_eq!(asset["failure"]["code"], code, "{name}: {asset}");
        assert!(!asset["failure"]["reason"].as_str().unwrap().is_empty());
    }
    app.stop().await;
}

/// Sound alone (an interview, a speech) uploads like a video and comes out as an audio-only
/// stream and a download; MP3 and WAV used to be refused as "unrecognised binary data".
async fn sound_files_upload_and_play(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app
        .unit("淄博职业学院", UnitKind::HigherVocationalCollege, "zibo")
        .await;
    let sine = "-f lavfi -i sine=frequency=440:duration=3";
    for (name, codec, extension) in [
        ("采访.mp3", "-c:a libmp3lame -b:a 96k", "mp3"),
        ("讲话.wav", "-c:a pcm_s16le", "wav"),
        ("朗诵.flac", "-c:a flac", "flac"),
    ] {
        let sound = generated_video(&format!("{sine} {codec}"), extension);
        let (status, body) = app.upload(&token, Upload::new(name, sound)).await;
        assert_eq!(status, 201, "{name}: {body}");
        assert_eq!(body["kind"], "video", "{name}");
        let id = body["id"].as_str().unwrap();
        let asset = app
            .wait_for_state_within(&token, id, "pending_review", PATIENCE)
            .await;
        let facts = &asset["metadata"]["video"];
        assert!(facts["video"].is_null(), "{name}: sound only: {facts}");
        let duration = facts["duration_seconds"].as_f64().unwrap();
        assert!((duration - 3.0).abs() < 0.15, "{name}: {facts}");
        let master_url = rendition(&asset, "hls")["url"].as_str().unwrap().to_owned();
        let (status, _, master) = app.fetch(&token, &master_url).await;
        assert_eq!(status, 200, "{name}");
        let master = String::from_utf8(master).unwrap();
        assert!(
            master.contains("mp4a.40.2"),
            "{name}: an AAC stream: {master}"
        );
        assert!(
            !master.contains("RESOLUTION"),
            "{name}: no picture: {master}"
        );
        let download = rendition(&asset, "download");
        let (status, _, bytes) = app.fetch(&token, download["url"].as_str().unwrap()).await;
        assert_eq!(status, 200, "{name}");
        assert!(bytes.len() > 10_000, "{name}: three seconds of sound");
    }
    app.stop().await;
}

every_backend!(
    sound_files_upload_and_play,
    a_video_is_served_as_hls_with_poster_and_download,
    progress_shows_and_deleting_cancels_the_transcode,
    the_time_limit_stops_a_transcode,
    bad_videos_fail_with_codes,
);
