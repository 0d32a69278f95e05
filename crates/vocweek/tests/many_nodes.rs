//! Several nodes on one PostgreSQL and one Garage bucket, as real processes: two `vocweek
//! serve` without workers and two `vocweek worker`. An upload through node A is read through
//! node B; the jobs spread over both workers; the worker holding the video's transcode is
//! killed (SIGKILL) mid-job and the other one finishes it once the lease lapses.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::HashSet;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{Env, Server, last_line};
use vocweek_db::Db;
use vocweek_db::jobs::JobState;
use vocweek_db::testing::jobs_in_state;
use vocweek_tests::media::{generated_video, real_jpeg};

fn with_storage(command: &mut std::process::Command, storage: &[(String, String)]) {
    for (name, value) in storage {
        command.env(name, value);
    }
}

async fn upload(base: &str, token: &str, name: &str, bytes: Vec<u8>) -> String {
    let form = reqwest::multipart::Form::new()
        .text("title", format!("多节点 {name}"))
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    let answer: Value = reqwest::Client::new()
        .post(format!("{base}/api/v1/assets"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{answer}"))
        .to_owned()
}

async fn state_on(base: &str, token: &str, id: &str) -> String {
    let asset: Value = reqwest::Client::new()
        .get(format!("{base}/api/v1/assets/{id}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    asset["state"].as_str().unwrap_or_default().to_owned()
}

/// The pid in a worker id (`host:pid:uuid#slot`).
fn pid_of(worker: &str) -> Option<u32> {
    worker.split(':').nth(1)?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_api_nodes_and_two_workers_share_postgres_and_garage() {
    let env = Env::new(true).await;
    let storage =
        vocweek_tests::garage::storage_environment(&format!("many-{}", uuid::Uuid::now_v7()))
            .unwrap();
    let run = |args: &[&str]| {
        let mut command = env.command(args);
        with_storage(&mut command, &storage);
        command.output().unwrap()
    };
    assert!(run(&["migrate"]).status.success());
    let added = run(&[
        "unit",
        "add",
        "--name",
        "济宁职业技术学院",
        "--kind",
        "higher_vocational_college",
        "--city",
        "jining",
    ]);
    assert!(added.status.success(), "{}", support::stderr(&added));
    let token = last_line(&added);

    // Each node stages uploads in a directory of its own: only the database and the bucket
    // are shared.
    let node = |name: &str| {
        let mut command = env.command(&["serve", "--listen", "127.0.0.1:0"]);
        with_storage(&mut command, &storage);
        command
            .env("VOCWEEK_WORKERS_IN_PROCESS", "false")
            .env("VOCWEEK_STORAGE_STAGING_PATH", env.data_dir.join(name))
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        Server(command.spawn().unwrap())
    };
    let (mut a, mut b) = (node("staging-a"), node("staging-b"));
    let (base_a, _) = a.address();
    let (base_b, _) = b.address();
    let worker = |name: &str| -> Child {
        let mut command = env.command(&["worker"]);
        with_storage(&mut command, &storage);
        command
            .env("VOCWEEK_STORAGE_STAGING_PATH", env.data_dir.join(name))
            .env("VOCWEEK_WORKERS_CONCURRENCY", "1")
            .env("VOCWEEK_WORKERS_LEASE_SECONDS", "3")
            .env("VOCWEEK_WORKERS_POLL_INTERVAL_MS", "100")
            .env("VOCWEEK_VIDEO_PRESET", "ultrafast")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        command.spawn().unwrap()
    };
    let mut workers = vec![worker("staging-w1"), worker("staging-w2")];

    let video = generated_video(
        "-f lavfi -i testsrc2=size=640x360:rate=25 -f lavfi -i sine=frequency=440 -t 30 -c:v libx264 -preset ultrafast -c:a aac -shortest",
        "mp4",
    );
    let video_hash = blake3::hash(&video).to_hex().to_string();
    let video_id = upload(&base_a, &token, "决赛.mp4", video).await;
    let mut ids = vec![video_id.clone()];
    for seed in 0..6 {
        ids.push(
            upload(
                &base_a,
                &token,
                &format!("{seed}.jpg"),
                real_jpeg(seed, 640, 480),
            )
            .await,
        );
    }

    // Watch the queue: who holds which job; kill whoever holds the transcode.
    let db = Db::connect(env.database_url.as_deref().unwrap(), 2)
        .await
        .unwrap();
    let worker_pids: Vec<u32> = workers.iter().map(Child::id).collect();
    let mut holders: HashSet<u32> = HashSet::new();
    let mut killed = None;
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        let running = jobs_in_state(&db, JobState::Running).await.unwrap();
        for row in &running {
            if let Some(pid) = row.locked_by.as_deref().and_then(pid_of) {
                holders.insert(pid);
                let holds_the_video = row.asset_id.as_deref() == Some(video_id.as_str());
                if killed.is_none() && holds_the_video {
                    let index = worker_pids.iter().position(|p| *p == pid).unwrap();
                    workers[index].kill().unwrap();
                    workers[index].wait().unwrap();
                    killed = Some(pid);
                }
            }
        }
        let mut settled = true;
        for id in &ids {
            if state_on(&base_b, &token, id).await != "pending_review" {
                settled = false;
            }
        }
        if settled {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not all processed; holders {holders:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let killed = killed.expect("the transcode was seen running and its worker killed");
    assert_eq!(holders.len(), 2, "both workers took jobs: {holders:?}");
    let jobs = db.jobs_of_asset(&video_id).await.unwrap();
    assert!(
        jobs.iter()
            .any(|j| j.state == JobState::Done && j.attempts >= 2),
        "the transcode was finished by the other worker after {killed} died: {jobs:?}"
    );

    // Read through node B what was uploaded through node A, bytes included.
    let original = reqwest::Client::new()
        .get(format!("{base_b}/api/v1/assets/{video_id}/original"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(blake3::hash(&original).to_hex().to_string(), video_hash);
    let playlist = reqwest::Client::new()
        .get(format!("{base_b}/api/v1/assets/{video_id}/hls/master.m3u8"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(playlist.status(), 200);

    // fsck on the shared bucket finds it whole.
    let checked = run(&["fsck"]);
    assert!(
        checked.status.success(),
        "{}{}",
        String::from_utf8_lossy(&checked.stdout),
        support::stderr(&checked)
    );
    for mut child in workers {
        let _ = child.kill();
        let _ = child.wait();
    }
}
