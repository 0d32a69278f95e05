//! The conformance corpus (`vocweek_tests::conformance_corpus`), uploaded to the real `vocweek
//! serve` (SQLite and PostgreSQL): every accepted type × {valid, cut at 10/50/90 %, zero bytes,
//! wrong extension, declared size too large}, each checked against the one table of expected
//! outcomes. Every case is sent (a few at a time) and followed to its end state within a minute;
//! all mismatches are collected and reported together. Besides the table: an asset is of the
//! kind its bytes are, and a failed one failed once (no retries) with a code that blames the
//! file — never `internal`, `processing-failed` or `media-process-crashed`.
//!
//! The outcomes are printed as a Markdown table (`| type | variant | outcome |`) for README.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::Stdio;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use base64::Engine;
use futures_util::StreamExt;
use serde_json::Value;
use support::{Env, Server, last_line, stderr};
use vocweek_db::Db;
use vocweek_db::jobs::Job;
use vocweek_pipeline::jobs::PROCESS_ASSET;
use vocweek_pipeline::{UploadLimits, parse_byte_size};
use vocweek_tests::conformance_corpus::{Case, Outcome, VARIANTS, cases};

/// The limits the server is given: small, so that a declared size one byte over a kind's limit
/// is cheap to state. Every file of the corpus is far below them.
const PHOTO_LIMIT: &str = "2MiB";
const VIDEO_LIMIT: &str = "4MiB";
const ARTICLE_LIMIT: &str = "3MiB";

/// The longest a case's asset may stay in `processing`.
const VERDICT_WITHIN: Duration = Duration::from_secs(60);
/// Cases in flight at once (uploaded and not yet settled).
const IN_FLIGHT: usize = 6;
const POLL: Duration = Duration::from_millis(100);
/// Codes that blame the service, not the file: a failed case never ends with one.
const NEVER: [&str; 3] = ["internal", "processing-failed", "media-process-crashed"];

/// One database at a time: the two runs would share the machine's two cores.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn limits() -> UploadLimits {
    let size = |text: &str| parse_byte_size(text).unwrap();
    UploadLimits {
        photo: size(PHOTO_LIMIT),
        video: size(VIDEO_LIMIT),
        article: size(ARTICLE_LIMIT),
    }
}

/// The server's settings: the limits, four jobs at a time (two transcodes), x264's fastest
/// preset, and quick retries — a failed case must still show one attempt, and a retried one
/// shows up within the minute.
fn config() -> String {
    format!(
        "[limits]\nphoto = \"{PHOTO_LIMIT}\"\nvideo = \"{VIDEO_LIMIT}\"\narticle = \"{ARTICLE_LIMIT}\"\n\
         [workers]\nconcurrency = 4\npoll_interval_ms = 100\nbackoff_base_ms = 200\n\
         backoff_max_seconds = 2\n\
         [video]\nconcurrency = 2\npreset = \"ultrafast\"\n"
    )
}

/// The corpus, made once for both databases.
fn corpus() -> &'static [Case] {
    static CORPUS: OnceLock<Vec<Case>> = OnceLock::new();
    CORPUS.get_or_init(|| cases(&limits()))
}

struct App {
    base: String,
    token: String,
    client: reqwest::Client,
    db: Db,
}

/// What became of one case.
struct Seen {
    /// The upload's (or the tus creation's) status.
    status: u16,
    /// The error code of a refused request.
    refused_code: Option<String>,
    /// The asset at its end (or when the wait gave up).
    asset: Option<Value>,
    jobs: Vec<Job>,
    /// A processed article's `text` rendition.
    text: Option<String>,
    /// What the table cannot say: still processing, a duplicate…
    note: Option<String>,
    took: Duration,
}

fn title(case: &Case) -> String {
    format!("一致性测试 {} {}", case.type_name, case.variant.label())
}

impl App {
    async fn observe(&self, case: &Case) -> Seen {
        let started = Instant::now();
        let mut seen = match case.declared_length {
            Some(length) => self.create_resumable(case, length).await,
            None => self.upload_and_settle(case).await,
        };
        seen.took = started.elapsed();
        seen
    }

    /// A multipart upload, then the asset followed until it leaves `processing`.
    async fn upload_and_settle(&self, case: &Case) -> Seen {
        let form = reqwest::multipart::Form::new()
            .text("title", title(case))
            .part(
                "file",
                reqwest::multipart::Part::bytes(case.bytes.clone())
                    .file_name(case.file_name.clone()),
            );
        let answer = self
            .client
            .post(format!("{}/api/v1/assets", self.base))
            .bearer_auth(&self.token)
            .multipart(form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("uploading {}: {e}", case.file_name));
        let status = answer.status().as_u16();
        let body: Value = answer.json().await.unwrap_or(Value::Null);
        let mut seen = Seen {
            status,
            refused_code: None,
            asset: None,
            jobs: Vec::new(),
            text: None,
            note: None,
            took: Duration::ZERO,
        };
        let Some(id) = body["id"].as_str().filter(|_| status < 300) else {
            seen.refused_code = body["error"]["code"].as_str().map(str::to_owned);
            return seen;
        };
        if body["duplicate"] == true {
            seen.note = Some("answered as a duplicate of bytes already stored".to_owned());
        }
        let deadline = Instant::now() + VERDICT_WITHIN;
        let asset = loop {
            let asset = self.asset(id).await;
            if asset["state"] != "processing" {
                break asset;
            }
            if Instant::now() >= deadline {
                seen.note = Some(format!("still processing after {VERDICT_WITHIN:?}"));
                break asset;
            }
            tokio::time::sleep(POLL).await;
        };
        seen.jobs = self
            .db
            .jobs_of_asset(id)
            .await
            .unwrap_or_else(|e| panic!("the jobs of {id}: {e}"));
        if case.text_phrase.is_some() && asset["state"] == "pending_review" {
            seen.text = Some(self.text_rendition(id).await);
        }
        seen.asset = Some(asset);
        seen
    }

    async fn text_rendition(&self, id: &str) -> String {
        let answer = self
            .client
            .get(format!("{}/api/v1/assets/{id}/renditions/text", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET the text of {id}: {e}"));
        let status = answer.status().as_u16();
        let text = answer.text().await.unwrap_or_default();
        if status == 200 {
            text
        } else {
            format!("(no text rendition: {status} {text})")
        }
    }

    async fn asset(&self, id: &str) -> Value {
        let answer = self
            .client
            .get(format!("{}/api/v1/assets/{id}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET asset {id}: {e}"));
        let status = answer.status().as_u16();
        let asset: Value = answer.json().await.unwrap_or(Value::Null);
        assert_eq!(status, 200, "GET asset {id}: {asset}");
        asset
    }

    /// A tus creation declaring `length` bytes, with the metadata the upload page sends
    /// (`filename`, `filetype`, `title`) and no body. An upload a correct server created anyway
    /// is terminated again.
    async fn create_resumable(&self, case: &Case, length: u64) -> Seen {
        let encode = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
        let metadata = format!(
            "filename {},filetype {},title {}",
            encode(&case.file_name),
            encode(case.mime),
            encode(&title(case))
        );
        let answer = self
            .client
            .post(format!("{}/api/v1/uploads/", self.base))
            .bearer_auth(&self.token)
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Length", length.to_string())
            .header("Upload-Metadata", metadata)
            .send()
            .await
            .unwrap_or_else(|e| panic!("creating an upload of {}: {e}", case.file_name));
        let status = answer.status().as_u16();
        let location = answer
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body: Value = answer.json().await.unwrap_or(Value::Null);
        let mut note = None;
        if let Some(location) = location.filter(|_| status == 201) {
            note = Some(format!("the upload was created ({location})"));
            let url = if location.starts_with('/') {
                format!("{}{location}", self.base)
            } else {
                location
            };
            let _ = self
                .client
                .delete(url)
                .bearer_auth(&self.token)
                .header("Tus-Resumable", "1.0.0")
                .send()
                .await;
        }
        Seen {
            status,
            refused_code: body["error"]["code"].as_str().map(str::to_owned),
            asset: None,
            jobs: Vec::new(),
            text: None,
            note,
            took: Duration::ZERO,
        }
    }
}

fn state_of(seen: &Seen) -> Option<&str> {
    seen.asset.as_ref().and_then(|a| a["state"].as_str())
}

fn failure_code(seen: &Seen) -> Option<&str> {
    seen.asset
        .as_ref()
        .and_then(|a| a["failure"]["code"].as_str())
}

/// The outcome as the table shows it.
fn described(seen: &Seen) -> String {
    match state_of(seen) {
        Some("pending_review") => "processed".to_owned(),
        Some("failed") => format!("failed `{}`", failure_code(seen).unwrap_or("?")),
        Some(other) => format!("still `{other}`"),
        None => match &seen.refused_code {
            Some(code) => format!("refused {} `{code}`", seen.status),
            None => format!("answered {}", seen.status),
        },
    }
}

/// Whether the table's expectation is met.
fn meets(expect: Outcome, seen: &Seen) -> bool {
    let state = state_of(seen);
    let failed_with = |codes: &[&str]| {
        state == Some("failed") && failure_code(seen).is_some_and(|c| codes.contains(&c))
    };
    match expect {
        Outcome::Processed => state == Some("pending_review"),
        Outcome::Failed(codes) => failed_with(codes),
        Outcome::Refused(status, code) => {
            seen.asset.is_none()
                && seen.status == status
                && seen.refused_code.as_deref() == Some(code)
        }
        Outcome::ProcessedOrFailed(codes) => state == Some("pending_review") || failed_with(codes),
    }
}

/// Everything wrong with a case's outcome (nothing when it conforms).
fn problems(case: &Case, seen: &Seen) -> Vec<String> {
    let row = format!("{} / {}", case.type_name, case.variant.label());
    let mut found = Vec::new();
    if !meets(case.expect, seen) {
        let reason = seen
            .asset
            .as_ref()
            .and_then(|a| a["failure"]["reason"].as_str())
            .map(|reason| format!(" (reason: {reason})"))
            .unwrap_or_default();
        found.push(format!(
            "{row}: expected {}, got {}{reason}",
            case.expect,
            described(seen)
        ));
    }
    if let Some(note) = &seen.note {
        found.push(format!("{row}: {note}"));
    }
    let Some(asset) = &seen.asset else {
        return found;
    };
    if asset["kind"] != case.kind.as_str() {
        found.push(format!(
            "{row}: read as a {} ({}), but the bytes are a {}",
            asset["kind"],
            asset["mime"],
            case.kind.as_str()
        ));
    }
    if let (Some(phrase), Some(text)) = (case.text_phrase, &seen.text)
        && !text.contains(phrase)
    {
        let start: String = text.chars().take(60).collect();
        found.push(format!(
            "{row}: processed, but its text does not say {phrase:?}: it starts {start:?}"
        ));
    }
    if state_of(seen) == Some("failed") {
        let code = failure_code(seen).unwrap_or_default();
        if NEVER.contains(&code) {
            found.push(format!(
                "{row}: failed with `{code}`, a code that blames the service, not the file"
            ));
        }
        let processing: Vec<&Job> = seen
            .jobs
            .iter()
            .filter(|j| j.kind == PROCESS_ASSET)
            .collect();
        let tried: Vec<String> = seen
            .jobs
            .iter()
            .map(|j| format!("{} {} ×{}", j.kind, j.state, j.attempts))
            .collect();
        if processing.len() != 1 || seen.jobs.iter().any(|j| j.attempts != 1) {
            found.push(format!(
                "{row}: a failure must come from one attempt of one {PROCESS_ASSET} job; \
                 its jobs: [{}]",
                tried.join(", ")
            ));
        }
    }
    found
}

async fn start(env: &Env) -> (Server, App) {
    std::fs::create_dir_all(&env.data_dir).unwrap();
    let config_path = env.data_dir.join("conformance.toml");
    std::fs::write(&config_path, config()).unwrap();
    let out = env.run(&[
        "unit",
        "add",
        "--name",
        "山东工业职业学院",
        "--kind",
        "higher_vocational_college",
        "--city",
        "zibo",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let token = last_line(&out);
    let mut server = Server(
        env.command(&[
            "--config",
            config_path.to_str().unwrap(),
            "serve",
            "--listen",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap(),
    );
    let (base, _) = server.address();
    let url = env
        .database_url
        .clone()
        .unwrap_or_else(|| Db::sqlite_url(&env.data_dir.join("vocweek.db")));
    let db = Db::connect(&url, 2)
        .await
        .unwrap_or_else(|e| panic!("reading the server's database: {e}"));
    let app = App {
        base,
        token,
        client: reqwest::Client::builder()
            // Below the server's keep-alive: a pooled connection is never reused as it closes.
            .pool_idle_timeout(std::time::Duration::from_secs(30))
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap(),
        db,
    };
    (server, app)
}

async fn conformance(postgres: bool) {
    let _one = ONE_AT_A_TIME.lock().await;
    let cases = tokio::task::spawn_blocking(corpus).await.unwrap();
    let env = Env::new(postgres).await;
    let (mut server, app) = start(&env).await;
    let started = Instant::now();

    // The kinds interleaved (all valid files first, then every 10 % cut…), so that photos,
    // videos and articles are worked on side by side.
    let column = |case: &Case| VARIANTS.iter().position(|v| *v == case.variant);
    let mut order: Vec<usize> = (0..cases.len()).collect();
    order.sort_by_key(|&i| (column(&cases[i]), i));
    let app = &app;
    let mut seen: Vec<(usize, Seen)> = futures_util::stream::iter(order)
        .map(|i| async move { (i, app.observe(&cases[i]).await) })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    seen.sort_by_key(|(i, _)| *i);
    let elapsed = started.elapsed();

    let mut all_problems = Vec::new();
    let mut table = vec![
        "| type | variant | outcome |".to_owned(),
        "| --- | --- | --- |".to_owned(),
    ];
    let mut slowest = Duration::ZERO;
    for (i, seen) in &seen {
        let case = &cases[*i];
        let found = problems(case, seen);
        let mut outcome = described(seen);
        if !meets(case.expect, seen) {
            outcome.push_str(&format!(" — expected: {}", case.expect));
        }
        table.push(format!(
            "| {} | {} | {outcome} |",
            case.type_name,
            case.variant.label()
        ));
        slowest = slowest.max(seen.took);
        all_problems.extend(found);
    }
    println!("{}", table.join("\n"));
    println!(
        "{} cases in {:.1} s (the slowest {:.1} s) on {}",
        cases.len(),
        elapsed.as_secs_f64(),
        slowest.as_secs_f64(),
        if postgres { "PostgreSQL" } else { "SQLite" }
    );
    assert!(
        server.0.try_wait().unwrap().is_none(),
        "the server exited during the corpus"
    );
    assert!(
        all_problems.is_empty(),
        "{} problems in {} cases:\n{}",
        all_problems.len(),
        cases.len(),
        all_problems.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance_corpus_on_sqlite() {
    conformance(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance_corpus_on_postgres() {
    conformance(true).await;
}
