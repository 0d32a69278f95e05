//! Fault injection on the real binaries: `kill -9` of the API and of a worker while uploads
//! (multipart and tus) and processing run, a full staging disk, PostgreSQL restarted, and a
//! load of uploads and reads. Afterwards every upload that was answered 2xx is readable with
//! its BLAKE3, nothing is stuck in `processing`, `vocweek fsck` is clean and the staging
//! directory holds nothing of the dead processes.
//!
//! `cargo test` runs a short version; `make chaos` the long one (`VOCWEEK_CHAOS_ROUNDS`,
//! `VOCWEEK_CHAOS_UPLOADS`, `VOCWEEK_CHAOS_LOAD_SECONDS`). Only 127.0.0.1 is used. Each case
//! prints a row of the summary table kept in RELIABILITY.md.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use rand::Rng;
use serde_json::Value;
use support::{Env, Server, last_line, stderr};
use tokio::sync::Mutex;
use vocweek_tests::media::{jpeg_with_serial, real_jpeg};

/// One case at a time: the PostgreSQL case restarts the shared server.
static ONE_CASE: Mutex<()> = Mutex::const_new(());
/// Requests that failed (a killed or restarting server) and were sent again: the proof that
/// the faults landed while work was in flight.
static RETRIED: AtomicU64 = AtomicU64::new(0);
/// Of those, the ones answered 503 with `Retry-After` (an outage the server saw and said so).
static ANSWERED_503: AtomicU64 = AtomicU64::new(0);

fn setting(name: &str, short: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(short)
}

/// Settings for the chaos: short leases and quick retries, so a killed process's work is
/// taken over within seconds, and the staging sweep every second.
const CONFIG: &str = "[workers]\nlease_seconds = 3\npoll_interval_ms = 100\nbackoff_base_ms = 200\n\
                      backoff_max_seconds = 2\nmax_attempts = 20\n\
                      [resumable]\nlease_seconds = 2\nsweep_interval_seconds = 1\n";

/// The API (without workers) and one worker process, on a fixed port so clients survive
/// restarts.
struct Cluster {
    env: Env,
    config: PathBuf,
    listen: String,
    base: String,
    api: Option<Server>,
    worker: Option<Child>,
    token: String,
    /// `VOCWEEK_STORAGE_*` for a Garage bucket, when the case runs on S3.
    storage: Vec<(String, String)>,
    /// Times a process ended without being killed by us.
    unexpected_exits: u64,
    max_api_rss_kib: u64,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(0)
}

impl Cluster {
    async fn new(postgres: bool, extra_config: &str) -> Cluster {
        Cluster::with_storage(postgres, extra_config, Vec::new()).await
    }

    async fn with_storage(
        postgres: bool,
        extra_config: &str,
        storage: Vec<(String, String)>,
    ) -> Cluster {
        let env = Env::new(postgres).await;
        std::fs::create_dir_all(&env.data_dir).unwrap();
        let config = env.data_dir.join("chaos.toml");
        std::fs::write(&config, format!("{CONFIG}{extra_config}")).unwrap();
        let port = free_port();
        let mut cluster = Cluster {
            env,
            config,
            listen: format!("127.0.0.1:{port}"),
            base: format!("http://127.0.0.1:{port}"),
            api: None,
            worker: None,
            token: String::new(),
            storage,
            unexpected_exits: 0,
            max_api_rss_kib: 0,
        };
        let out = cluster.run(&[
            "unit",
            "add",
            "--name",
            "潍坊职业学院",
            "--kind",
            "higher_vocational_college",
            "--city",
            "weifang",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        cluster.token = last_line(&out);
        cluster.start_api();
        cluster.start_worker();
        cluster
    }

    fn command(&self, args: &[&str]) -> std::process::Command {
        let mut full = vec!["--config", self.config.to_str().unwrap()];
        full.extend_from_slice(args);
        let mut command = self.env.command(&full);
        for (name, value) in &self.storage {
            command.env(name, value);
        }
        command
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        self.command(args).output().unwrap()
    }

    fn staging(&self) -> PathBuf {
        self.env.data_dir.join("blobs").join("staging")
    }

    fn start_api(&mut self) {
        let mut server = Server(
            self.command(&["serve", "--listen", &self.listen])
                .env("VOCWEEK_WORKERS_IN_PROCESS", "false")
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        server.address();
        self.api = Some(server);
    }

    fn start_worker(&mut self) {
        self.worker = Some(
            self.command(&["worker"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
    }

    /// Notes an exit we did not cause, and how big the API has grown.
    fn observe(&mut self) {
        if let Some(api) = self.api.as_mut() {
            self.max_api_rss_kib = self.max_api_rss_kib.max(rss_kib(api.0.id()));
            if matches!(api.0.try_wait(), Ok(Some(_))) {
                self.unexpected_exits += 1;
                self.api = None;
                self.start_api();
            }
        }
        if let Some(worker) = self.worker.as_mut()
            && matches!(worker.try_wait(), Ok(Some(_)))
        {
            self.unexpected_exits += 1;
            self.start_worker();
        }
    }

    fn kill_api(&mut self) {
        if let Some(mut api) = self.api.take() {
            api.0.kill().unwrap(); // SIGKILL
            api.0.wait().unwrap();
        }
    }

    fn kill_worker(&mut self) {
        if let Some(mut worker) = self.worker.take() {
            worker.kill().unwrap();
            worker.wait().unwrap();
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.kill_worker();
    }
}

/// A client that retries what a dead or restarting server could not answer.
#[derive(Clone)]
struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

/// An upload the server answered 2xx: what must be readable afterwards.
#[derive(Debug, Clone)]
struct Accepted {
    id: String,
    blake3: String,
}

impl Client {
    fn new(cluster: &Cluster) -> Client {
        Client {
            http: reqwest::Client::builder()
                // Below the server's keep-alive: a pooled connection is never reused as it closes.
                .pool_idle_timeout(std::time::Duration::from_secs(30))
                .timeout(Duration::from_secs(30))
                // Below the server's 5 s keep-alive, so an idle connection is never reused
                // just as the server closes it (a client-side race, not a server error).
                .pool_idle_timeout(Duration::from_secs(2))
                .build()
                .unwrap(),
            base: cluster.base.clone(),
            token: cluster.token.clone(),
        }
    }

    /// A multipart upload, sent again after a transport error or a 5xx until `deadline`.
    async fn multipart(&self, name: &str, bytes: Vec<u8>, deadline: Instant) -> Option<Accepted> {
        let blake3 = blake3::hash(&bytes).to_hex().to_string();
        while Instant::now() < deadline {
            let form = reqwest::multipart::Form::new()
                .text("title", format!("混沌 {name}"))
                .part(
                    "file",
                    reqwest::multipart::Part::stream_with_length(
                        slow_body(bytes.clone()),
                        bytes.len() as u64,
                    )
                    .file_name(name.to_owned()),
                );
            match self
                .http
                .post(format!("{}/api/v1/assets", self.base))
                .bearer_auth(&self.token)
                .multipart(form)
                .send()
                .await
            {
                Ok(answer) if answer.status().is_success() => {
                    let body: Value = answer.json().await.unwrap_or(Value::Null);
                    if let Some(id) = body["id"].as_str() {
                        return Some(Accepted {
                            id: id.to_owned(),
                            blake3,
                        });
                    }
                }
                Ok(answer) if answer.status().is_server_error() => {
                    check_outage_answer(&answer);
                }
                Ok(answer) => panic!("upload of {name} refused: {}", answer.status()),
                Err(_) => {}
            }
            RETRIED.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        None
    }

    /// A tus upload in 64 KiB PATCHes, resumed from the server's offset after any failure.
    async fn tus(&self, name: &str, bytes: Vec<u8>, deadline: Instant) -> Option<Accepted> {
        let blake3 = blake3::hash(&bytes).to_hex().to_string();
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let metadata = format!(
            "filename {},title {}",
            b64(name),
            b64(&format!("续传 {name}"))
        );
        let location = loop {
            if Instant::now() > deadline {
                return None;
            }
            let created = self
                .http
                .post(format!("{}/api/v1/uploads/", self.base))
                .bearer_auth(&self.token)
                .header("Tus-Resumable", "1.0.0")
                .header("Upload-Length", bytes.len().to_string())
                .header("Upload-Metadata", &metadata)
                .send()
                .await;
            match created {
                Ok(answer) if answer.status() == 201 => {
                    let location = answer.headers()["Location"].to_str().unwrap().to_owned();
                    break location
                        .strip_prefix(&self.base)
                        .unwrap_or(&location)
                        .to_owned();
                }
                _ => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        let url = format!("{}{location}", self.base);
        let mut offset = 0usize;
        while Instant::now() < deadline {
            if offset == bytes.len()
                && let Some(id) = self.tus_asset(&url).await
            {
                return Some(Accepted { id, blake3 });
            }
            let end = (offset + 64 * 1024).min(bytes.len());
            let patched = if offset < bytes.len() {
                self.http
                    .patch(&url)
                    .bearer_auth(&self.token)
                    .header("Tus-Resumable", "1.0.0")
                    .header("Content-Type", "application/offset+octet-stream")
                    .header("Upload-Offset", offset.to_string())
                    .body(bytes[offset..end].to_vec())
                    .send()
                    .await
                    .ok()
                    .filter(|answer| answer.status() == 204)
                    .and_then(|answer| header_number(&answer, "Upload-Offset"))
            } else {
                None
            };
            // A phone on a slow link: the uploads are in flight when the faults come.
            tokio::time::sleep(PACE).await;
            match patched {
                Some(at) => offset = at,
                None => {
                    RETRIED.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    if let Some(at) = self.tus_offset(&url).await {
                        offset = at;
                    }
                }
            }
        }
        None
    }

    async fn tus_offset(&self, url: &str) -> Option<usize> {
        let answer = self
            .http
            .head(url)
            .bearer_auth(&self.token)
            .header("Tus-Resumable", "1.0.0")
            .send()
            .await
            .ok()?;
        header_number(&answer, "Upload-Offset")
    }

    /// The asset of a complete upload (HEAD finishes an ingest a killed node left undone).
    async fn tus_asset(&self, url: &str) -> Option<String> {
        let answer = self
            .http
            .head(url)
            .bearer_auth(&self.token)
            .header("Tus-Resumable", "1.0.0")
            .send()
            .await
            .ok()?;
        answer
            .headers()
            .get("Vocweek-Asset-Id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    async fn asset(&self, id: &str) -> Option<Value> {
        let answer = self
            .http
            .get(format!("{}/api/v1/assets/{id}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .ok()?;
        answer.status().is_success().then_some(())?;
        answer.json().await.ok()
    }

    async fn original_blake3(&self, id: &str) -> Option<String> {
        let answer = self
            .http
            .get(format!("{}/api/v1/assets/{id}/original", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .ok()?;
        answer.status().is_success().then_some(())?;
        let bytes = answer.bytes().await.ok()?;
        Some(blake3::hash(&bytes).to_hex().to_string())
    }
}

/// The pause between 64 KiB pieces of an upload.
const PACE: Duration = Duration::from_millis(40);

/// A request body sent 64 KiB at a time, `PACE` apart.
fn slow_body(bytes: Vec<u8>) -> reqwest::Body {
    let pieces: Vec<Vec<u8>> = bytes.chunks(64 * 1024).map(<[u8]>::to_vec).collect();
    reqwest::Body::wrap_stream(futures_util::stream::unfold(
        pieces.into_iter(),
        |mut rest| async move {
            let piece = rest.next()?;
            tokio::time::sleep(PACE).await;
            Some((Ok::<_, std::io::Error>(piece), rest))
        },
    ))
}

fn header_number(answer: &reqwest::Response, name: &str) -> Option<usize> {
    answer.headers().get(name)?.to_str().ok()?.parse().ok()
}

/// A 5xx during an outage must be a 503 that says when to come back (or a gateway-style
/// failure of a dying process, which never answers at all).
fn check_outage_answer(answer: &reqwest::Response) {
    ANSWERED_503.fetch_add(1, Ordering::Relaxed);
    assert_eq!(answer.status(), 503, "a server error during an outage");
    assert!(
        answer.headers().contains_key("Retry-After"),
        "a 503 without Retry-After"
    );
}

/// A photo unique to (round, index) of about 0.5–1 MB (several tus PATCHes), decodable.
fn photo(round: u64, index: u64) -> Vec<u8> {
    vocweek_tests::media::noisy_jpeg(round * 1000 + index, 640 + (index as u32 % 7) * 16, 480)
}

/// A small photo for the load case, where throughput matters more than size.
fn small_photo(round: u64, index: u64) -> Vec<u8> {
    real_jpeg(round * 1000 + index, 480 + (index as u32 % 7) * 16, 360)
}

/// Runs uploads (half multipart, half tus) until each is answered or the deadline passes.
/// Upload `index` starts `index × stagger` after the first, so a fault finds some starting,
/// some halfway and some finishing.
fn start_uploads(
    client: &Client,
    round: u64,
    count: u64,
    stagger: Duration,
    deadline: Instant,
) -> Vec<tokio::task::JoinHandle<Option<Accepted>>> {
    (0..count)
        .map(|index| {
            let client = client.clone();
            let bytes = photo(round, index);
            tokio::spawn(async move {
                tokio::time::sleep(stagger * index as u32).await;
                let name = format!("r{round}-{index}.jpg");
                if index % 2 == 0 {
                    client.multipart(&name, bytes, deadline).await
                } else {
                    client.tus(&name, bytes, deadline).await
                }
            })
        })
        .collect()
}

/// What the end of a case found.
#[derive(Debug, Default)]
struct Verdict {
    accepted: usize,
    lost: usize,
    stuck: usize,
}

/// Waits for processing to end, then reads every accepted upload back.
async fn verify(client: &Client, accepted: &[Accepted], within: Duration) -> Verdict {
    let deadline = Instant::now() + within;
    let mut verdict = Verdict {
        accepted: accepted.len(),
        ..Verdict::default()
    };
    for upload in accepted {
        let state = loop {
            let state = client
                .asset(&upload.id)
                .await
                .map(|a| a["state"].as_str().unwrap_or_default().to_owned());
            match state {
                Some(state) if state != "processing" => break Some(state),
                _ if Instant::now() > deadline => break state,
                _ => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        match state.as_deref() {
            Some("processing") => verdict.stuck += 1,
            None => verdict.lost += 1,
            Some(_) => {}
        }
        if client.original_blake3(&upload.id).await.as_deref() != Some(upload.blake3.as_str()) {
            verdict.lost += 1;
        }
    }
    verdict
}

/// A media pool directory (`media-<owner>-<uuid>-pool`) whose owner still holds its lock
/// file: a photo being processed at that moment has its scratch directory in it.
fn live_pool(staging: &Path, name: &str) -> bool {
    let Some(owner) = name
        .strip_suffix("-pool")
        .and_then(|rest| rest.strip_prefix("media-"))
        .and_then(|rest| rest.split('-').next())
    else {
        return false;
    };
    staging
        .join(".owners")
        .join(format!("{owner}.lock"))
        .exists()
}

/// Staging entries that are neither the owners' locks nor resumable uploads in progress.
fn staging_leftovers(staging: &Path) -> Vec<String> {
    let mut left: Vec<String> = std::fs::read_dir(staging)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| {
                    let name = e.file_name();
                    // A live worker's (empty) pool directory is not a leftover.
                    let empty_dir =
                        std::fs::read_dir(e.path()).is_ok_and(|mut d| d.next().is_none());
                    name != ".owners"
                        && name != "resumable"
                        && !empty_dir
                        && !live_pool(staging, &name.to_string_lossy())
                })
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    let resumable = staging.join("resumable");
    left.extend(
        std::fs::read_dir(&resumable)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| format!("resumable/{}", e.file_name().to_string_lossy()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
    );
    left
}

/// Leftovers that are orphans: a resumable upload's file is not one when the server still
/// knows the upload (a client that lost the answer to its creation in a kill created another;
/// the first waits for its client until `resumable.expire_hours`). Returns the orphans and
/// the count of such known uploads.
async fn orphans(client: &Client, leftovers: Vec<String>) -> (Vec<String>, usize) {
    let mut orphans = Vec::new();
    let mut known = 0;
    for entry in leftovers {
        let id = entry
            .strip_prefix("resumable/")
            .and_then(|name| name.strip_suffix(".part"));
        let recorded = match id {
            Some(id) => client
                .tus_offset(&format!("{}/api/v1/uploads/{id}", client.base))
                .await
                .is_some(),
            None => false,
        };
        if recorded {
            known += 1;
        } else {
            orphans.push(entry);
        }
    }
    (orphans, known)
}

fn row(case: &str, runs: u64, verdict: &Verdict, crashes: u64, rss_kib: u64, extra: &str) {
    println!(
        "| {case} | {runs} | {} | {} | {} | {crashes} | {} MiB | {extra} |",
        verdict.accepted,
        verdict.lost,
        verdict.stuck,
        rss_kib / 1024
    );
}

async fn kill_nine(postgres: bool) {
    let _one = ONE_CASE.lock().await;
    let rounds = setting("VOCWEEK_CHAOS_ROUNDS", 3);
    let per_round = setting("VOCWEEK_CHAOS_UPLOADS", 12);
    let mut cluster = Cluster::new(postgres, "").await;
    let client = Client::new(&cluster);
    let mut accepted = Vec::new();
    for round in 0..rounds {
        let deadline = Instant::now() + Duration::from_secs(120);
        let uploads = start_uploads(
            &client,
            round,
            per_round,
            Duration::from_millis(50),
            deadline,
        );
        let wait = rand::thread_rng().gen_range(50..800);
        tokio::time::sleep(Duration::from_millis(wait)).await;
        cluster.observe();
        if round % 2 == 0 {
            cluster.kill_api();
            tokio::time::sleep(Duration::from_millis(300)).await;
            cluster.start_api();
        } else {
            cluster.kill_worker();
            tokio::time::sleep(Duration::from_millis(300)).await;
            cluster.start_worker();
        }
        for upload in uploads {
            if let Some(done) = upload.await.unwrap() {
                accepted.push(done);
            }
            cluster.observe();
        }
    }
    let verdict = verify(&client, &accepted, Duration::from_secs(120)).await;
    cluster.observe();
    // The running processes swept at start; once more after the last work.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (leftovers, unfinished) = orphans(&client, staging_leftovers(&cluster.staging())).await;
    let fsck = cluster.run(&["fsck"]);
    let backend = if postgres { "PostgreSQL" } else { "SQLite" };
    row(
        &format!("kill -9 API / worker ({backend})"),
        rounds,
        &verdict,
        cluster.unexpected_exits,
        cluster.max_api_rss_kib,
        &format!(
            "{per_round} uploads a round, half tus; {} requests sent again after a kill; \
             {unfinished} tus uploads created but never written (answer lost in a kill; \
             they expire)",
            RETRIED.swap(0, Ordering::Relaxed)
        ),
    );
    assert_eq!(
        verdict.accepted as u64,
        rounds * per_round,
        "every upload was answered in the end"
    );
    assert_eq!(verdict.lost, 0, "accepted uploads lost");
    assert_eq!(verdict.stuck, 0, "assets stuck in processing");
    assert_eq!(
        cluster.unexpected_exits, 0,
        "a process died that we did not kill"
    );
    assert!(leftovers.is_empty(), "staging leftovers: {leftovers:?}");
    assert!(
        fsck.status.success(),
        "fsck: {}{}",
        String::from_utf8_lossy(&fsck.stdout),
        stderr(&fsck)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_on_sqlite() {
    kill_nine(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_on_postgres() {
    kill_nine(true).await;
}

/// The staging directory on a small tmpfs of its own: uploads that do not fit are 507
/// `insufficient-storage` with nothing kept, reads go on, and once room is made uploads work
/// again. Needs root to mount; says so and skips without it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_refuses_uploads_and_keeps_serving_reads() {
    let _one = ONE_CASE.lock().await;
    let mut cluster = Cluster::new(false, "").await;
    cluster.kill_api();
    cluster.kill_worker();
    let blobs = cluster.env.data_dir.join("blobs");
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=12m", "tmpfs"])
        .arg(&blobs)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        println!("| full staging disk | skipped: mounting a tmpfs needs root |");
        return;
    }
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            // Lazily: a process of a failed test may still hold files there.
            let _ = std::process::Command::new("umount")
                .arg("-l")
                .arg(&self.0)
                .status();
        }
    }
    let _unmount = Unmount(blobs.clone());
    cluster.start_api();
    cluster.start_worker();
    let client = Client::new(&cluster);
    let deadline = Instant::now() + Duration::from_secs(60);
    let first = client
        .multipart("first.jpg", photo(99, 0), deadline)
        .await
        .expect("a first photo fits");
    // 3 MB of noise each: the fourth cannot fit in 12 MB beside the others.
    let mut refused = 0;
    let mut stored = vec![first.clone()];
    for index in 0..6u64 {
        // Odd seeds: the generator's state is `seed | 1`.
        let bytes = vocweek_tests::media::noisy_jpeg(1001 + 2 * index, 1400, 1000);
        let form = reqwest::multipart::Form::new()
            .text("title", format!("满盘 {index}"))
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes.clone())
                    .file_name(format!("full-{index}.jpg")),
            );
        let answer = client
            .http
            .post(format!("{}/api/v1/assets", client.base))
            .bearer_auth(&client.token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        match answer.status().as_u16() {
            201 => {
                let body: Value = answer.json().await.unwrap();
                stored.push(Accepted {
                    id: body["id"].as_str().unwrap().to_owned(),
                    blake3: blake3::hash(&bytes).to_hex().to_string(),
                });
            }
            507 => {
                let body: Value = answer.json().await.unwrap();
                assert_eq!(body["error"]["code"], "insufficient-storage", "{body}");
                refused += 1;
            }
            other => panic!("a full disk answered {other}"),
        }
        // Reads go on.
        assert!(client.asset(&first.id).await.is_some(), "reads stopped");
        cluster.observe();
    }
    assert!(refused > 0, "the disk never filled");
    let listed: Value = client
        .http
        .get(format!("{}/api/v1/assets?limit=100", client.base))
        .bearer_auth(&client.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let count = listed["items"].as_array().map_or(0, Vec::len);
    assert_eq!(count, stored.len(), "no partial asset: {listed}");
    let leftovers = staging_leftovers(&cluster.staging());
    assert!(
        leftovers.is_empty(),
        "refused uploads left files: {leftovers:?}"
    );
    let verdict = Verdict {
        accepted: stored.len(),
        lost: stored.len()
            - futures_util::future::join_all(stored.iter().map(|s| client.original_blake3(&s.id)))
                .await
                .iter()
                .zip(&stored)
                .filter(|(read, s)| read.as_deref() == Some(s.blake3.as_str()))
                .count(),
        stuck: 0,
    };
    row(
        "full staging disk (12 MB tmpfs)",
        1,
        &verdict,
        cluster.unexpected_exits,
        cluster.max_api_rss_kib,
        &format!("{refused} uploads answered 507"),
    );
    assert_eq!(verdict.lost, 0);
    assert_eq!(cluster.unexpected_exits, 0);
    cluster.kill_api();
    cluster.kill_worker();
}

/// PostgreSQL stopped for 3 s and started again while uploads run: uploads during the outage get 503 with
/// Retry-After (the client sends them again), nothing accepted is lost, and the processes
/// resume by themselves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarted_mid_run() {
    let _one = ONE_CASE.lock().await;
    let Some(cluster_name) = postgres_cluster() else {
        println!("| PostgreSQL restart | skipped: no pg_ctlcluster here |");
        return;
    };
    let per_round = setting("VOCWEEK_CHAOS_UPLOADS", 12);
    let mut cluster = Cluster::new(true, "").await;
    let client = Client::new(&cluster);
    let deadline = Instant::now() + Duration::from_secs(180);
    let uploads = start_uploads(&client, 7, per_round, Duration::from_millis(400), deadline);
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Down for a few seconds, so uploads arrive while it is: they must get a 503 with
    // Retry-After (and the client sends them again), never a 500.
    let pg_ctl = |action: &str| {
        let done = std::process::Command::new("pg_ctlcluster")
            .args(["--skip-systemctl-redirect"])
            .args(cluster_name.split_whitespace())
            .arg(action)
            .status()
            .unwrap();
        assert!(done.success(), "pg_ctlcluster {action}");
    };
    pg_ctl("stop");
    tokio::time::sleep(Duration::from_secs(3)).await;
    pg_ctl("start");
    after_outage(
        &mut cluster,
        &client,
        uploads,
        per_round,
        "PostgreSQL stopped for 3 s mid-run",
        Duration::from_secs(120),
    )
    .await;
}

/// The S3 store (Garage) stopped for `VOCWEEK_CHAOS_STORE_OUTAGE_SECONDS` (5 s short, 30 s
/// in `make chaos`) while uploads run: uploads get 503 `storage-unavailable` with Retry-After
/// (the client sends them again) or are held until the store is back; nothing accepted is
/// lost, and the worker resumes by itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_object_store_stopped_mid_run() {
    let _one = ONE_CASE.lock().await;
    let outage = setting("VOCWEEK_CHAOS_STORE_OUTAGE_SECONDS", 5);
    let per_round = setting("VOCWEEK_CHAOS_UPLOADS", 12);
    let storage =
        vocweek_tests::garage::storage_environment(&format!("chaos-{}", uuid::Uuid::now_v7()))
            .unwrap();
    let mut cluster = Cluster::with_storage(false, "", storage).await;
    let client = Client::new(&cluster);
    let deadline = Instant::now() + Duration::from_secs(outage + 180);
    let stagger = Duration::from_millis((outage * 1000 + 2000) / per_round.max(1));
    let uploads = start_uploads(&client, 11, per_round, stagger, deadline);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let garage = |action: &str| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/garage.sh");
        let done = std::process::Command::new(script)
            .arg(action)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(done.success(), "garage.sh {action}");
    };
    garage("stop");
    tokio::time::sleep(Duration::from_secs(outage)).await;
    garage("start");
    after_outage(
        &mut cluster,
        &client,
        uploads,
        per_round,
        &format!("S3 store (Garage) stopped for {outage} s mid-run"),
        Duration::from_secs(180),
    )
    .await;
}

/// The end of an outage case: every upload answered in the end, each accepted one readable
/// with its BLAKE3, nothing stuck, no process dead that the test did not kill; prints its row.
async fn after_outage(
    cluster: &mut Cluster,
    client: &Client,
    uploads: Vec<tokio::task::JoinHandle<Option<Accepted>>>,
    per_round: u64,
    case: &str,
    within: Duration,
) {
    let mut accepted = Vec::new();
    for upload in uploads {
        if let Some(done) = upload.await.unwrap() {
            accepted.push(done);
        }
        cluster.observe();
    }
    let verdict = verify(client, &accepted, within).await;
    row(
        case,
        1,
        &verdict,
        cluster.unexpected_exits,
        cluster.max_api_rss_kib,
        &format!(
            "{per_round} uploads; {} requests sent again, {} of them answered 503 + Retry-After",
            RETRIED.swap(0, Ordering::Relaxed),
            ANSWERED_503.swap(0, Ordering::Relaxed)
        ),
    );
    assert_eq!(verdict.accepted as u64, per_round);
    assert_eq!(verdict.lost, 0);
    assert_eq!(verdict.stuck, 0);
    assert_eq!(cluster.unexpected_exits, 0);
}

/// `15 main` when `pg_lsclusters` lists one online cluster.
fn postgres_cluster() -> Option<String> {
    let out = std::process::Command::new("pg_lsclusters")
        .arg("--no-header")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.contains("online"))?;
    let mut fields = line.split_whitespace();
    Some(format!("{} {}", fields.next()?, fields.next()?))
}

/// Uploads by `VOCWEEK_CHAOS_UPLOADERS` clients and reads at 200 a second for
/// `VOCWEEK_CHAOS_LOAD_SECONDS`: no errors; the reads' p95 is printed.
async fn load(postgres: bool) {
    let _one = ONE_CASE.lock().await;
    let seconds = setting("VOCWEEK_CHAOS_LOAD_SECONDS", 10);
    // 10 in the short run: a debug build on two cores, with this test's own clients and the
    // photo children beside it, saturates past that (see RELIABILITY.md); `make chaos` runs
    // 50 against the release build.
    let uploaders = setting("VOCWEEK_CHAOS_UPLOADERS", 10);
    let mut cluster = Cluster::new(postgres, "").await;
    if std::env::var("VOCWEEK_CHAOS_NO_WORKER").is_ok() {
        cluster.kill_worker();
    }
    let client = Client::new(&cluster);
    let first = client
        .multipart(
            "seed.jpg",
            small_photo(500, 0),
            Instant::now() + Duration::from_secs(30),
        )
        .await
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicU64::new(0));
    let uploaded = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for uploader in 0..uploaders {
        let (client, stop, errors, uploaded) = (
            client.clone(),
            stop.clone(),
            errors.clone(),
            uploaded.clone(),
        );
        // One picture per uploader, encoded before the clock starts; each upload sends it in
        // new bytes. Encoding a JPEG per upload here took the cores from the server under test
        // and delayed this test's own reads (both showed in the measured p95).
        let picture = small_photo(1000 + uploader, 0);
        tasks.push(tokio::spawn(async move {
            let mut index = 0;
            while !stop.load(Ordering::Relaxed) {
                let bytes = jpeg_with_serial(&picture, index);
                index += 1;
                let form = reqwest::multipart::Form::new().text("title", "负载").part(
                    "file",
                    reqwest::multipart::Part::bytes(bytes).file_name("load.jpg"),
                );
                match client
                    .http
                    .post(format!("{}/api/v1/assets", client.base))
                    .bearer_auth(&client.token)
                    .multipart(form)
                    .send()
                    .await
                {
                    Ok(answer) if answer.status().is_success() => {
                        uploaded.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(answer) => {
                        let status = answer.status();
                        let body = answer.text().await.unwrap_or_default();
                        eprintln!("load: upload answered {status}: {body}");
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(err) => {
                        eprintln!("load: upload failed: {err:?}");
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    let mut latencies = Vec::new();
    let mut ticker = tokio::time::interval(Duration::from_millis(5));
    let started = Instant::now();
    let mut reads = Vec::new();
    while started.elapsed() < Duration::from_secs(seconds) {
        ticker.tick().await;
        let (client, errors, id) = (client.clone(), errors.clone(), first.id.clone());
        reads.push(tokio::spawn(async move {
            let begun = Instant::now();
            let path = if rand::thread_rng().gen_bool(0.5) {
                format!("/api/v1/assets/{id}")
            } else {
                "/api/v1/assets?limit=20".to_owned()
            };
            let answer = client
                .http
                .get(format!("{}{path}", client.base))
                .bearer_auth(&client.token)
                .send()
                .await;
            match answer {
                Ok(answer) if answer.status().is_success() => {}
                Ok(answer) => {
                    eprintln!("load: read answered {}", answer.status());
                    errors.fetch_add(1, Ordering::Relaxed);
                }
                Err(err) => {
                    eprintln!("load: read failed: {err:?}");
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            begun.elapsed()
        }));
        if reads.len() % 200 == 0 {
            cluster.observe();
        }
    }
    stop.store(true, Ordering::Relaxed);
    for read in reads {
        latencies.push(read.await.unwrap());
    }
    for task in tasks {
        task.await.unwrap();
    }
    cluster.observe();
    latencies.sort();
    let p95 = latencies[latencies.len() * 95 / 100];
    let backend = if postgres { "PostgreSQL" } else { "SQLite" };
    let verdict = Verdict {
        accepted: uploaded.load(Ordering::Relaxed) as usize,
        ..Verdict::default()
    };
    row(
        &format!("load: {uploaders} uploaders + 200 reads/s, {seconds} s ({backend})"),
        1,
        &verdict,
        cluster.unexpected_exits,
        cluster.max_api_rss_kib,
        &format!(
            "{} reads, p95 {:.1} ms, {} errors",
            latencies.len(),
            p95.as_secs_f64() * 1000.0,
            errors.load(Ordering::Relaxed)
        ),
    );
    assert_eq!(errors.load(Ordering::Relaxed), 0, "errors under load");
    assert_eq!(cluster.unexpected_exits, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_on_sqlite() {
    load(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_on_postgres() {
    load(true).await;
}
