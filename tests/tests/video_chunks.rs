//! Long videos in chunks, end to end: a video past `video.chunk_above_seconds` is split by its
//! processing job into chunk jobs, stitched by one more, and served like any other video;
//! deleting it while its chunks run stops them all without a stitch; and, at the database's
//! level, only the last chunk to finish queues the stitch, exactly once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use vocweek::config::Config;
use vocweek_db::Db;
use vocweek_db::jobs::{JobState, NewJob};
use vocweek_db::testing::{TestAsset, insert_asset};
use vocweek_domain::{AssetKind, AssetState, UnitKind};
use vocweek_pipeline::jobs::{PROCESS_ASSET, STITCH_VIDEO, TRANSCODE_CHUNK, stitch_job};
use vocweek_tests::media::generated_video;
use vocweek_tests::{AppOptions, Backend, TestApp, Upload, every_backend, spawn_app_with};

const PATIENCE: Duration = Duration::from_secs(180);

/// Chunks of 24 s for videos past 30 s, on a two-rung ladder whose download is the lower rung
/// (so the stitch joins another rung's segments than the top one's), every rung encoded.
fn chunked(config: &mut Config) {
    config.video.chunk_above_seconds = 30;
    config.video.chunk_seconds = 24;
    config.video.rungs = vec![360, 240];
    config.video.download_rung = 240;
    config.video.passthrough = false;
}

fn chunked_options() -> AppOptions {
    AppOptions {
        configure: Some(chunked),
        ..AppOptions::default()
    }
}

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

/// The seconds a media playlist lists (its `#EXTINF` durations).
fn listed_seconds(playlist: &str) -> f64 {
    playlist
        .lines()
        .filter_map(|l| l.strip_prefix("#EXTINF:"))
        .map(|l| l.split(',').next().unwrap().parse::<f64>().unwrap())
        .sum()
}

/// Waits until nothing is stored under `prefix`: a job removes what it no longer needs after
/// its commit, so a test may look a moment before the removal.
async fn until_nothing_stored(app: &TestApp, prefix: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let left = app.stored(prefix).await;
        if left == 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{left} blobs left under {prefix}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn a_long_video_is_transcoded_in_chunks_and_stitched(backend: Backend) {
    let app = spawn_app_with(backend, chunked_options()).await;
    let (_, token) = app
        .unit("济南职业学院", UnitKind::HigherVocationalCollege, "jinan")
        .await;
    // A minute: chunks of 24, 24 and 12 s. Keyframes 10 s apart: no passthrough either way.
    let video = generated_video(
        "-f lavfi -i testsrc2=size=640x360:rate=30 -f lavfi -i sine -t 60 -c:v libx264 -preset ultrafast -g 300 -c:a aac -shortest",
        "mp4",
    );
    let id = app
        .upload_id(&token, Upload::new("长视频.mp4", video))
        .await;
    let asset = app
        .wait_for_state_within(&token, &id, "pending_review", PATIENCE)
        .await;

    let jobs = app.services.db.jobs_of_asset(&id).await.unwrap();
    let kinds: Vec<&str> = jobs.iter().map(|j| j.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            PROCESS_ASSET,
            TRANSCODE_CHUNK,
            TRANSCODE_CHUNK,
            TRANSCODE_CHUNK,
            STITCH_VIDEO
        ],
        "{jobs:?}"
    );
    assert!(jobs.iter().all(|j| j.state == JobState::Done), "{jobs:?}");

    let metadata = &asset["metadata"];
    assert!(
        metadata["checked_mime"]
            .as_str()
            .is_some_and(|m| m.starts_with("video/")),
        "the processing job's finding reaches the stitch's commit: {metadata}"
    );
    let facts = &metadata["video"];
    assert_eq!(facts["chunks"], 3, "{facts}");
    let duration = facts["duration_seconds"].as_f64().unwrap();
    assert!((duration - 60.0).abs() < 0.5, "{facts}");

    let master_url = rendition(&asset, "hls")["url"].as_str().unwrap().to_owned();
    let (status, mime, master) = app.fetch(&token, &master_url).await;
    assert_eq!(
        (status, mime.as_str()),
        (200, "application/vnd.apple.mpegurl")
    );
    let master = String::from_utf8(master).unwrap();
    assert!(master.contains("RESOLUTION=640x360"), "{master}");
    let playlists = referenced(&master_url, &master);
    assert_eq!(playlists.len(), 2, "a playlist for each rung: {master}");
    for playlist_url in playlists {
        let (status, _, playlist) = app.fetch(&token, &playlist_url).await;
        assert_eq!(status, 200, "{playlist_url}");
        let playlist = String::from_utf8(playlist).unwrap();
        assert!(playlist.contains("#EXT-X-ENDLIST"), "{playlist}");
        let seconds = listed_seconds(&playlist);
        assert!((seconds - 60.0).abs() < 0.5, "{seconds} s: {playlist}");
        let segments = referenced(&playlist_url, &playlist);
        assert!(
            (9..=11).contains(&segments.len()),
            "six-second segments across the joins: {playlist}"
        );
        for segment_url in segments {
            let (status, mime, bytes) = app.fetch(&token, &segment_url).await;
            assert_eq!(
                (status, mime.as_str()),
                (200, "video/mp2t"),
                "{segment_url}"
            );
            assert_eq!(bytes[0], 0x47, "an MPEG-TS sync byte");
        }
    }

    let download = rendition(&asset, "download");
    assert_eq!(
        (download["mime"].as_str(), download["height"].as_i64()),
        (Some("video/mp4"), Some(240))
    );
    let (status, _, mp4) = app.fetch(&token, download["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(&mp4[4..8], b"ftyp");
    let (status, mime, poster) = app
        .fetch(&token, rendition(&asset, "poster")["url"].as_str().unwrap())
        .await;
    assert_eq!((status, mime.as_str()), (200, "image/jpeg"));
    assert_eq!(&poster[..2], &[0xff, 0xd8]);
    assert_eq!(rendition(&asset, "thumb")["mime"], "image/webp");

    // The chunks' records served the stitch and are gone; the segments stay.
    until_nothing_stored(&app, &format!("renditions/{id}/chunks/")).await;
    assert!(app.stored(&format!("renditions/{id}/hls/")).await > 20);
    app.stop().await;
}

async fn deleting_the_asset_stops_its_chunks(backend: Backend) {
    let app = spawn_app_with(backend, chunked_options()).await;
    let (_, token) = app
        .unit("淄博职业学院", UnitKind::HigherVocationalCollege, "zibo")
        .await;
    // Five minutes: thirteen chunks, more than the workers run at once.
    let video = generated_video(
        "-f lavfi -i testsrc2=size=640x360:rate=30 -t 300 -c:v libx264 -preset ultrafast -g 300",
        "mkv",
    );
    let id = app.upload_id(&token, Upload::new("回放.mkv", video)).await;
    let db = &app.services.db;
    let deadline = Instant::now() + PATIENCE;
    loop {
        let jobs = db.jobs_of_asset(&id).await.unwrap();
        let running = jobs
            .iter()
            .any(|j| j.kind == TRANSCODE_CHUNK && j.state == JobState::Running);
        if running {
            break;
        }
        assert!(Instant::now() < deadline, "no chunk ran: {jobs:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
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

    // Running chunks stop at their next look at the asset; queued ones find it gone.
    let deadline = Instant::now() + Duration::from_secs(60);
    let jobs = loop {
        let jobs = db.jobs_of_asset(&id).await.unwrap();
        if jobs
            .iter()
            .all(|j| matches!(j.state, JobState::Done | JobState::Dead))
        {
            break jobs;
        }
        assert!(
            Instant::now() < deadline,
            "the chunks did not stop: {jobs:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        jobs.iter().all(|j| j.state == JobState::Done),
        "ended, not failed: {jobs:?}"
    );
    let chunks = jobs.iter().filter(|j| j.kind == TRANSCODE_CHUNK).count();
    assert!(chunks >= 10, "split into chunks: {jobs:?}");
    assert!(
        !jobs.iter().any(|j| j.kind == STITCH_VIDEO),
        "nothing to stitch: {jobs:?}"
    );
    // What a chunk stored as the asset went is removed too, and no working file stays.
    until_nothing_stored(&app, &format!("renditions/{id}/")).await;
    assert_eq!(app.stored_originals().await, 0, "original removed");
    assert_eq!(
        app.staged_files().await,
        0,
        "the chunks' working files are gone"
    );
    app.stop().await;
}

/// A chunk job of `asset` (the queue does not read its payload).
fn chunk(asset: &str) -> NewJob<'_> {
    NewJob {
        kind: TRANSCODE_CHUNK,
        asset_id: Some(asset),
        payload: json!({ "asset_id": asset }),
        max_attempts: 3,
    }
}

/// Splits `asset`'s processing into `count` chunk jobs, as its processing job does.
async fn split(db: &Db, asset: &str, count: usize) {
    db.enqueue_job(NewJob {
        kind: PROCESS_ASSET,
        asset_id: Some(asset),
        payload: json!({ "asset_id": asset }),
        max_attempts: 3,
    })
    .await
    .unwrap();
    let processing = db.claim_job("splitter", 60_000).await.unwrap().unwrap();
    assert_eq!(processing.kind, PROCESS_ASSET);
    assert!(
        !db.split_processing(processing.id, "intruder", vec![chunk(asset)])
            .await
            .unwrap(),
        "only the job's holder splits it"
    );
    let chunks = (0..count).map(|_| chunk(asset)).collect();
    assert!(
        db.split_processing(processing.id, "splitter", chunks)
            .await
            .unwrap()
    );
}

async fn stitches(db: &Db, asset: &str) -> Vec<Value> {
    db.jobs_of_asset(asset)
        .await
        .unwrap()
        .into_iter()
        .filter(|j| j.kind == STITCH_VIDEO)
        .map(|j| serde_json::from_str(&j.payload).unwrap())
        .collect()
}

async fn the_last_chunk_to_finish_queues_one_stitch(backend: Backend) {
    let app = spawn_app_with(
        backend,
        AppOptions {
            workers_in_process: false,
            ..AppOptions::default()
        },
    )
    .await;
    let (unit_id, _) = app
        .unit(
            "泰安职业技术学院",
            UnitKind::HigherVocationalCollege,
            "taian",
        )
        .await;
    let campaign = app.services.ingestor.campaign().campaign.id;
    let db = &app.services.db;
    let long = TestAsset {
        kind: AssetKind::Video,
        state: AssetState::Processing,
        mime: "video/mp4".to_owned(),
        original_filename: "long.mp4".to_owned(),
        ..TestAsset::photo("long", campaign, unit_id, "taian")
    };
    insert_asset(db, &long).await.unwrap();
    split(db, "long", 3).await;
    let stitch = || stitch_job("long", 3, Some("video/mp4"), 3);

    let c0 = db.claim_job("w0", 60_000).await.unwrap().unwrap();
    let c1 = db.claim_job("w1", 60_000).await.unwrap().unwrap();
    let c2 = db.claim_job("w2", 60_000).await.unwrap().unwrap();
    for claimed in [&c0, &c1, &c2] {
        assert_eq!(claimed.kind, TRANSCODE_CHUNK);
    }
    assert!(
        db.finish_chunk(c0.id, "w0", "long", stitch())
            .await
            .unwrap()
    );
    assert!(stitches(db, "long").await.is_empty(), "two chunks to go");

    // The worker of c1 stalls: its lease runs out and another worker takes the chunk over.
    assert!(db.renew_lease(c1.id, "w1", 1, None).await.unwrap());
    tokio::time::sleep(Duration::from_millis(50)).await;
    let retaken = db.claim_job("w1-again", 60_000).await.unwrap().unwrap();
    assert_eq!(retaken.id, c1.id, "the expired lease is taken over");
    assert!(
        !db.finish_chunk(c1.id, "w1", "long", stitch())
            .await
            .unwrap(),
        "a chunk whose lease was lost cannot finish"
    );
    assert!(stitches(db, "long").await.is_empty());

    // The last two finish at the same moment: one of them queues the stitch.
    let (first, second) = tokio::join!(
        db.finish_chunk(c1.id, "w1-again", "long", stitch()),
        db.finish_chunk(c2.id, "w2", "long", stitch())
    );
    assert!(first.unwrap() && second.unwrap());
    let queued = stitches(db, "long").await;
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0]["chunks"], 3);
    assert!(
        !db.finish_chunk(c2.id, "w2", "long", stitch())
            .await
            .unwrap(),
        "a finished chunk does not finish again"
    );
    assert_eq!(stitches(db, "long").await.len(), 1);

    // The stitch runs; later the item's file is replaced by another long video. Its chunks
    // are counted on their own, the earlier stitch does not stand for theirs.
    let stitching = db.claim_job("stitcher", 60_000).await.unwrap().unwrap();
    assert_eq!(stitching.kind, STITCH_VIDEO);
    assert!(db.complete_job(stitching.id, "stitcher").await.unwrap());
    split(db, "long", 2).await;
    let d0 = db.claim_job("w0", 60_000).await.unwrap().unwrap();
    let d1 = db.claim_job("w1", 60_000).await.unwrap().unwrap();
    assert!(
        db.finish_chunk(d0.id, "w0", "long", stitch())
            .await
            .unwrap()
    );
    assert_eq!(stitches(db, "long").await.len(), 1, "one chunk to go");
    assert!(
        db.finish_chunk(d1.id, "w1", "long", stitch())
            .await
            .unwrap()
    );
    assert_eq!(
        stitches(db, "long").await.len(),
        2,
        "the new split's stitch"
    );
    app.stop().await;
}

every_backend!(
    a_long_video_is_transcoded_in_chunks_and_stitched,
    deleting_the_asset_stops_its_chunks,
    the_last_chunk_to_finish_queues_one_stitch,
);
