//! API fuzzing: schemathesis (PyPI) reads `/api/v1/openapi.json`, generates requests for every
//! operation (valid and invalid ones, and chains of them where one answer names what the next
//! request uses) and checks each answer against the document: no 5xx, and every status, content
//! type and JSON body as documented. Once with a unit's upload token, once with an editor's
//! session, once with a partner's API key, each against an app holding items in several states.
//!
//! On SQLite only: the point is the API's contract, and the database layer under it is covered
//! on both databases by every other test; a second run of several minutes would add nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};
use vocweek::config::Config;
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::media::real_jpeg;
use vocweek_tests::{AppOptions, Backend, TestApp, Upload, spawn_app_with, tests_on};

/// Test cases per operation and phase: enough to reach every documented refusal, few enough
/// that a run stays within a few minutes on two cores.
const MAX_EXAMPLES: &str = "25";
/// Fixed, so a failure in CI can be run again with the same generated data.
const SEED: &str = "17";
/// A hung run fails instead of holding the suite; a normal one takes a few minutes.
const PATIENCE: Duration = Duration::from_secs(20 * 60);
/// Lines of schemathesis's report shown in the failure (the whole report is kept on disk).
const TAIL_LINES: usize = 150;

/// Loaded by schemathesis before the run. The tus PATCH body is
/// `application/offset+octet-stream`, a type schemathesis has no serializer for (the operation
/// would be reported as an error and never sent); it is raw bytes, like `application/octet-stream`.
const HOOKS: &str = r#"import schemathesis

schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
"#;

/// Runs schemathesis's command line with the interpreter `scripts/test.sh` installed it for:
/// pip may put the `schemathesis` script in a directory that is not on PATH. (No single quotes:
/// the failure message prints the command with each argument in them, ready to paste.)
const LAUNCHER: &str = "import sys; from schemathesis.cli import schemathesis; \
                        sys.argv[0] = \"schemathesis\"; sys.exit(schemathesis())";

/// The settings of a fuzzed app.
fn fuzz_settings(config: &mut Config) {
    // The partner's request budget (600 a minute) would answer most of a run 429 after the
    // first seconds, and nothing behind it would be tested; the budget has tests of its own.
    config.partners.rate_limit_per_minute = 0;
    // Generated `wait=` values would hold each feed request the full minute; one second still
    // takes the long-poll path.
    config.partners.feed_max_wait_seconds = 1;
}

/// The app and a token of each kind of caller.
struct Seeded {
    app: TestApp,
    unit: String,
    editor: String,
    partner: String,
}

async fn call(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> Value {
    let (status, answer) = app.call(token, method, path, Some(body)).await;
    assert!((200..300).contains(&status), "{path}: {status} {answer}");
    answer
}

/// A processed photo of `unit`, waiting for review, sent with portrait consent or without.
async fn pending_photo(app: &TestApp, unit: &str, seed: u64, consent: bool) -> String {
    let upload = Upload::new(&format!("{seed}.jpg"), real_jpeg(seed, 640, 480))
        .field("portrait_consent", if consent { "true" } else { "false" });
    let id = app.upload_id(unit, upload).await;
    app.wait_for_state(unit, &id, "pending_review").await;
    id
}

/// What the generated requests meet: a unit of the education desk with a photo in review, an
/// approved one and a recommended one (so the feed, the media and the batches have content),
/// the unit's registration and a statistics draft, an editor of that desk with a batch, and a
/// partner with a webhook and its deliveries (to a closed port: they fail and are retried).
async fn seeded_app(backend: Backend) -> Seeded {
    let app = spawn_app_with(
        backend,
        AppOptions {
            configure: Some(fuzz_settings),
            ..AppOptions::default()
        },
    )
    .await;
    let (_, unit) = app
        .unit("烟台职业学院", UnitKind::HigherVocationalCollege, "yantai")
        .await;
    let editor = app.user_session("edu", Role::Editor, Some(Desk::Edu)).await;
    let partner = app.services.db.create_partner("闪电新闻").await.unwrap().1;
    call(
        &app,
        &partner,
        reqwest::Method::POST,
        "/api/v1/webhooks",
        json!({ "url": "http://127.0.0.1:9/hook" }),
    )
    .await;

    pending_photo(&app, &unit, 1, false).await;
    // Without consent: a generated recommendation of it meets `consent-unconfirmed`.
    let approved = pending_photo(&app, &unit, 2, false).await;
    app.review(&editor, &approved, "approve").await;
    let recommended = pending_photo(&app, &unit, 3, true).await;
    app.review(&editor, &recommended, "approve").await;
    app.review(&editor, &recommended, "recommend").await;
    let batch = call(
        &app,
        &editor,
        reqwest::Method::POST,
        "/api/v1/batches",
        json!({ "title": "第一批推荐", "note": "接口测试" }),
    )
    .await;
    call(
        &app,
        &editor,
        reqwest::Method::PUT,
        &format!("/api/v1/batches/{}/items", batch["id"]),
        json!({ "asset_ids": [recommended] }),
    )
    .await;

    let reports = "/api/v1/campaigns/current/units/me";
    call(
        &app,
        &unit,
        reqwest::Method::PUT,
        &format!("{reports}/registration"),
        json!({
            "website_url": "https://www.ytvc.edu.cn/zjz",
            "liaison": { "name": "王老师", "mobile": "13905350000", "email": "wang@ytvc.edu.cn" }
        }),
    )
    .await;
    call(
        &app,
        &unit,
        reqwest::Method::PUT,
        &format!("{reports}/statistics"),
        json!({ "teachers": 120, "students": 3000 }),
    )
    .await;
    Seeded {
        app,
        unit,
        editor,
        partner,
    }
}

/// Where a caller's run keeps its report (JUnit), its full output and schemathesis's stored
/// failures (`st replay <id>` from there): under the target directory, so they outlive the
/// test's data directory.
fn report_dir(caller: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("api-fuzz")
        .join(caller);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The arguments after `python3`.
fn command_line(app: &TestApp, token: &str, dir: &Path) -> Vec<String> {
    let header = format!("Authorization: Bearer {token}");
    let junit = dir.join("junit.xml").display().to_string();
    let mut args: Vec<String> = ["-c", LAUNCHER, "run"].map(str::to_owned).to_vec();
    args.push(app.url("/api/v1/openapi.json"));
    for (flag, value) in [
        ("--url", app.base_url.as_str()),
        ("--header", header.as_str()),
        (
            "--checks",
            "not_a_server_error,response_schema_conformance,content_type_conformance,\
             status_code_conformance",
        ),
        // Stateful: chains of calls linked by what answers name (a `Location`, an id).
        ("--phases", "examples,coverage,fuzzing,stateful"),
        // No `--max-time`: it does not only bound the run, fuzzing and stateful testing repeat
        // until it is spent. The example count bounds it instead.
        ("--max-examples", MAX_EXAMPLES),
        ("--seed", SEED),
        // One worker thread: with two, hypothesis's lambda-source cache (shared by the threads)
        // raced once in CI ("AST constructor recursion depth mismatch", an error of the tool,
        // not of ours). The three callers run as three tests in parallel anyway.
        ("--workers", "1"),
        ("--request-timeout", "30"),
        // Enough to list every finding of a first run, not an endless repetition of one.
        ("--max-failures", "50"),
        // A slow answer on two busy cores is not a finding about the contract.
        ("--suppress-health-check", "too_slow"),
        // Hypothesis would keep examples in `.hypothesis/` and replay them next time: every run
        // starts from the seed alone instead.
        ("--generation-database", "none"),
        ("--report", "junit"),
        ("--report-junit-path", junit.as_str()),
    ] {
        args.push(flag.to_owned());
        args.push(value.to_owned());
    }
    args.push("--no-color".to_owned());
    args
}

/// The operations schemathesis names under its failures and errors (each under a
/// `___ METHOD /path ___` rule), once each, and the end of its report.
fn failure_summary(output: &str) -> String {
    let lines: Vec<&str> = output.lines().collect();
    let mut operations: Vec<&str> = Vec::new();
    for line in &lines {
        let name = line.trim_matches('_').trim();
        if line.starts_with("___") && !name.is_empty() && !operations.contains(&name) {
            operations.push(name);
        }
    }
    let tail = lines[lines.len().saturating_sub(TAIL_LINES)..].join("\n");
    format!(
        "operations with failures or errors:\n  {}\n\nthe report's end:\n{tail}",
        operations.join("\n  ")
    )
}

/// Runs schemathesis against `app` as the holder of `token`; fails with its findings.
async fn fuzz(app: &TestApp, caller: &str, token: &str) {
    let dir = report_dir(caller);
    let hooks = dir.join("hooks.py");
    std::fs::write(&hooks, HOOKS).unwrap();
    let args = command_line(app, token, &dir);
    let run = tokio::process::Command::new("python3")
        .args(&args)
        .env("SCHEMATHESIS_HOOKS", &hooks)
        // Wide enough that an operation's rule is not wrapped.
        .env("COLUMNS", "160")
        .current_dir(&dir)
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(PATIENCE, run)
        .await
        .unwrap_or_else(|_| panic!("schemathesis as {caller} ran over {PATIENCE:?}"))
        .unwrap_or_else(|e| panic!("python3 did not start (scripts/test.sh installs it): {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let saved = dir.join("output.txt");
    std::fs::write(&saved, &text).unwrap();
    assert!(
        output.status.success(),
        "schemathesis as {caller} found answers the OpenAPI document does not describe \
         ({}; whole report: {}; stored failures: `st replay <id>` in {}):\n\
         python3 {}\n\n{}",
        output.status,
        saved.display(),
        dir.display(),
        args.iter()
            .map(|a| format!("'{a}'"))
            .collect::<Vec<_>>()
            .join(" "),
        failure_summary(&text)
    );
}

async fn a_unit_token_gets_only_documented_answers(backend: Backend) {
    let seeded = seeded_app(backend).await;
    fuzz(&seeded.app, "unit", &seeded.unit).await;
    seeded.app.stop().await;
}

async fn an_editor_session_gets_only_documented_answers(backend: Backend) {
    let seeded = seeded_app(backend).await;
    fuzz(&seeded.app, "editor", &seeded.editor).await;
    seeded.app.stop().await;
}

async fn a_partner_key_gets_only_documented_answers(backend: Backend) {
    let seeded = seeded_app(backend).await;
    fuzz(&seeded.app, "partner", &seeded.partner).await;
    seeded.app.stop().await;
}

// `tests_on!` rather than `both_databases!`: these are named `sqlite::…` like every other
// end-to-end test, and run on SQLite alone (see the top of the file).
tests_on!(
    sqlite = vocweek_tests::Backend::SQLITE;
    a_unit_token_gets_only_documented_answers,
    an_editor_session_gets_only_documented_answers,
    a_partner_key_gets_only_documented_answers
);
