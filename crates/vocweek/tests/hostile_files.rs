//! Files a college could send by accident or an attacker on purpose, uploaded to the real
//! `vocweek serve` (SQLite and PostgreSQL): each fails its asset with its code (or is
//! processed) within 30 s, `/healthz` answers throughout, the server process is never
//! restarted, and its memory stays flat — the media work happens in child processes.
//! A photo that kills its child for memory fails once: its bytes keep the verdict.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{Env, Server, last_line, stderr};
use vocweek_tests::hostile::{Expect, HostileFile, big_noisy_jpeg, hostile_files};
use vocweek_tests::media::real_jpeg;

/// The longest a hostile file may keep its asset in `processing`.
const VERDICT_WITHIN: Duration = Duration::from_secs(30);
/// How much the server's resident memory may grow over the whole hostile set.
const RSS_GROWTH_LIMIT_KIB: u64 = 50 * 1024;

/// Resident memory of a process, from /proc.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(0)
}

struct Running {
    _server: Server,
    pid: u32,
    base: String,
    token: String,
    client: reqwest::Client,
}

async fn start(env: &Env) -> Running {
    let out = env.run(&[
        "unit",
        "add",
        "--name",
        "淄博职业学院",
        "--kind",
        "higher_vocational_college",
        "--city",
        "zibo",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let token = last_line(&out);
    let mut server = env.spawn_serve();
    let (base, _) = server.address();
    Running {
        pid: server.0.id(),
        _server: server,
        base,
        token,
        client: reqwest::Client::builder()
            // Below the server's keep-alive: a pooled connection is never reused as it closes.
            .pool_idle_timeout(std::time::Duration::from_secs(30))
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap(),
    }
}

impl Running {
    /// Uploads a file; the answer's status and body.
    async fn upload(&self, file_name: &str, bytes: Vec<u8>) -> (u16, Value) {
        let form = reqwest::multipart::Form::new()
            .text("title", format!("测试 {file_name}"))
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
            );
        let answer = self
            .client
            .post(format!("{}/api/v1/assets", self.base))
            .bearer_auth(&self.token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        let status = answer.status().as_u16();
        (status, answer.json().await.unwrap_or(Value::Null))
    }

    async fn asset(&self, id: &str) -> Value {
        self.client
            .get(format!("{}/api/v1/assets/{id}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Waits until the asset leaves `processing`; the asset and how long it took.
    async fn settled(&self, id: &str, within: Duration) -> (Value, Duration) {
        let started = Instant::now();
        loop {
            let asset = self.asset(id).await;
            if asset["state"] != "processing" {
                return (asset, started.elapsed());
            }
            assert!(
                started.elapsed() < within,
                "asset {id} still processing after {within:?}: {asset}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Asks `/healthz` every 100 ms until told to stop; counts the failures.
fn watch_health(base: String, stop: Arc<AtomicBool>, failures: Arc<AtomicU64>) {
    tokio::spawn(async move {
        let client = reqwest::Client::builder()
            // Below the server's keep-alive: a pooled connection is never reused as it closes.
            .pool_idle_timeout(std::time::Duration::from_secs(30))
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        while !stop.load(Ordering::Relaxed) {
            let ok = client
                .get(format!("{base}/healthz"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if !ok {
                failures.fetch_add(1, Ordering::Relaxed);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
}

fn check(file: &HostileFile, status: u16, asset: Option<&Value>) -> Result<(), String> {
    let state = asset.map(|a| a["state"].as_str().unwrap_or_default().to_owned());
    let code = asset.map(|a| a["failure"]["code"].as_str().unwrap_or_default().to_owned());
    let ok = match &file.expect {
        Expect::Refused(0) => (400..500).contains(&status),
        Expect::Refused(expected) => status == *expected,
        Expect::Processed => state.as_deref() == Some("pending_review"),
        Expect::Failed(codes) => {
            state.as_deref() == Some("failed") && codes.contains(&code.as_deref().unwrap_or(""))
        }
        Expect::Either => matches!(state.as_deref(), Some("failed" | "pending_review")),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{}: upload answered {status}, asset {:?} (code {:?})",
            file.name, state, code
        ))
    }
}

async fn hostile_set(postgres: bool) {
    let env = Env::new(postgres).await;
    let running = start(&env).await;
    let stop = Arc::new(AtomicBool::new(false));
    let health_failures = Arc::new(AtomicU64::new(0));
    watch_health(running.base.clone(), stop.clone(), health_failures.clone());

    // Warm up what every upload touches (connections, caches, the first child) before the
    // baseline is read.
    let (status, warm) = running.upload("热身.jpg", real_jpeg(7, 1600, 1200)).await;
    assert_eq!(status, 201, "{warm}");
    let (warm, _) = running
        .settled(warm["id"].as_str().unwrap(), VERDICT_WITHIN)
        .await;
    assert_eq!(warm["state"], "pending_review", "{warm}");
    let baseline = rss_kib(running.pid);
    let mut peak = baseline;

    let mut problems = Vec::new();
    let mut report = Vec::new();
    for file in hostile_files() {
        let (status, answer) = running.upload(&file.file_name, file.bytes.clone()).await;
        peak = peak.max(rss_kib(running.pid));
        let settled = match answer["id"].as_str() {
            Some(id) if status < 300 => Some(running.settled(id, VERDICT_WITHIN).await),
            _ => None,
        };
        peak = peak.max(rss_kib(running.pid));
        if let Err(problem) = check(&file, status, settled.as_ref().map(|(a, _)| a)) {
            problems.push(problem);
        }
        report.push(format!(
            "{:<24} {:>4} {:<16} {:<24} {:>6.2} s {:>5} MiB",
            file.name,
            status,
            settled
                .as_ref()
                .map_or("-", |(a, _)| a["state"].as_str().unwrap_or("?")),
            settled
                .as_ref()
                .map_or("-", |(a, _)| a["failure"]["code"].as_str().unwrap_or("")),
            settled.as_ref().map_or(0.0, |(_, t)| t.as_secs_f64()),
            rss_kib(running.pid) / 1024,
        ));
    }
    stop.store(true, Ordering::Relaxed);
    println!(
        "case                     http state            code                     time     server RSS"
    );
    println!("{}", report.join("\n"));
    println!(
        "server RSS: {} MiB before, {} MiB at most",
        baseline / 1024,
        peak / 1024
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(
        health_failures.load(Ordering::Relaxed),
        0,
        "/healthz failed while the hostile set was processed"
    );
    assert!(
        peak.saturating_sub(baseline) < RSS_GROWTH_LIMIT_KIB,
        "the server grew from {baseline} KiB to {peak} KiB"
    );
    // Still the same process: nothing stopped or restarted it.
    assert!(rss_kib(running.pid) > 0, "the server process is gone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_files_fail_alone_on_sqlite() {
    hostile_set(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_files_fail_alone_on_postgres() {
    hostile_set(true).await;
}

/// A photo child given less memory than a decode needs dies for it: the asset fails with
/// `media-out-of-memory` at once (no retries), and the same bytes, withdrawn and sent again,
/// fail at once with the recorded verdict, without another child.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_killed_for_memory_is_a_verdict_on_its_bytes() {
    let env = Env::new(false).await;
    std::fs::create_dir_all(&env.data_dir).unwrap();
    let config = env.data_dir.join("small-children.toml");
    // The decode estimate (a shrink-on-load JPEG decode) stays under `max_decoded`; the child's
    // memory, which also holds the file's bytes and the decoder's buffers, does not.
    std::fs::write(
        &config,
        "[photos]\nmax_decoded = \"56MiB\"\n[media]\nphoto_memory = \"72MiB\"\n",
    )
    .unwrap();
    let out = env.run(&[
        "unit",
        "add",
        "--name",
        "滨州职业学院",
        "--kind",
        "higher_vocational_college",
        "--city",
        "binzhou",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let token = last_line(&out);
    let mut server = Server(
        env.command(&[
            "--config",
            config.to_str().unwrap(),
            "serve",
            "--listen",
            "127.0.0.1:0",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap(),
    );
    let (base, _) = server.address();
    let running = Running {
        pid: server.0.id(),
        _server: server,
        base,
        token,
        client: reqwest::Client::new(),
    };
    // 24 MP of noise: 45 MB of file read in, then its decode — past the child's 72 MiB.
    let photo = big_noisy_jpeg(6000, 4000);
    let (status, answer) = running.upload("大图.jpg", photo.clone()).await;
    assert_eq!(status, 201, "{answer}");
    let id = answer["id"].as_str().unwrap().to_owned();
    let (asset, took) = running.settled(&id, VERDICT_WITHIN).await;
    assert_eq!(asset["state"], "failed", "{asset}");
    assert_eq!(asset["failure"]["code"], "media-out-of-memory", "{asset}");
    assert!(
        asset["failure"]["reason"]
            .as_str()
            .unwrap()
            .contains("72 MiB"),
        "{asset}"
    );
    println!("out-of-memory verdict after {took:?}");

    let withdrawn = running
        .client
        .delete(format!("{}/api/v1/assets/{id}", running.base))
        .bearer_auth(&running.token)
        .send()
        .await
        .unwrap();
    assert!(withdrawn.status().is_success(), "{}", withdrawn.status());
    let (status, answer) = running.upload("大图-再次.jpg", photo).await;
    assert_eq!(status, 201, "{answer}");
    let (again, _) = running
        .settled(answer["id"].as_str().unwrap(), VERDICT_WITHIN)
        .await;
    assert_eq!(again["state"], "failed", "{again}");
    assert_eq!(again["failure"]["code"], "media-out-of-memory", "{again}");
    assert!(
        again["failure"]["reason"]
            .as_str()
            .unwrap()
            .contains("recorded earlier"),
        "{again}"
    );
    assert!(rss_kib(running.pid) > 0, "the server process is gone");
}
