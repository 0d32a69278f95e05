//! Real tus clients against the real server, through a network that breaks mid-upload:
//! tus-js-client (npm, under Node) and tuspy (PyPI) each send a 200 MB video in 8 MiB chunks,
//! the line is cut after 100 MB, the client resumes, and the video exists once with its BLAKE3.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use serde_json::Value;
use vocweek_domain::UnitKind;
use vocweek_tests::flaky_network::FlakyNetwork;
use vocweek_tests::media::padded_video;
use vocweek_tests::{Backend, TestApp, both_databases, spawn_app};

const SIZE: u64 = 200_000_000;
const CUT_AFTER: u64 = 100_000_000;

/// Runs a client program; returns the JSON line it printed.
async fn run_client(program: &str, args: &[&str]) -> Value {
    let run = tokio::process::Command::new(program).args(args).output();
    let output = tokio::time::timeout(Duration::from_secs(300), run)
        .await
        .expect("the client took over 5 minutes")
        .unwrap_or_else(|e| panic!("{program} is not installed: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{program} printed {stdout}: {e}"))
}

/// The upload's asset, read with HEAD on the upload (what any client can do afterwards).
async fn asset_of_upload(app: &TestApp, token: &str, upload_url: &str) -> String {
    let path = &upload_url[upload_url.find("/api/v1/uploads/").unwrap()..];
    let response = app
        .client
        .head(app.url(path))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.headers()["Vocweek-Asset-Id"]
        .to_str()
        .unwrap()
        .to_owned()
}

async fn check_one_asset(app: &TestApp, token: &str, asset_id: &str, blake3: &str) {
    let (status, asset) = app.get(token, &format!("/api/v1/assets/{asset_id}")).await;
    assert_eq!(status, 200);
    assert_eq!(asset["blake3"], blake3);
    assert_eq!(asset["size"], SIZE);
    assert_eq!(app.count("assets").await, 1, "the upload is one asset");
}

async fn setup(backend: Backend) -> (TestApp, String, FlakyNetwork, std::path::PathBuf, String) {
    let app = spawn_app(backend).await;
    let (_, token) = app
        .unit("烟台职业学院", UnitKind::HigherVocationalCollege, "yantai")
        .await;
    let network = FlakyNetwork::start(app.base_url[7..].parse().unwrap(), CUT_AFTER)
        .await
        .unwrap();
    let file = app.data_dir.join("技能大赛决赛回放.mp4");
    let blake3 = padded_video(&file, SIZE, 2021);
    (app, token, network, file, blake3)
}

/// Sends the file with `program script` through the cutting proxy; returns the asset id (from
/// the client when it reports one, else from HEAD on the upload) after checking the asset.
async fn upload_through_the_cut(backend: Backend, program: &str, script: &str) -> Value {
    let (app, token, network, file, blake3) = setup(backend).await;
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(script);
    let endpoint = format!("http://{}/api/v1/uploads/", network.address);
    let result = run_client(
        program,
        &[
            script.to_str().unwrap(),
            &endpoint,
            &token,
            file.to_str().unwrap(),
            "技能大赛决赛回放",
        ],
    )
    .await;
    assert!(network.has_cut(), "the network cut happened");
    let from_head = asset_of_upload(&app, &token, result["url"].as_str().unwrap()).await;
    if let Some(reported) = result["asset"].as_str() {
        assert_eq!(reported, from_head, "the client saw the asset header");
    }
    check_one_asset(&app, &token, &from_head, &blake3).await;
    app.stop().await;
    result
}

async fn tus_js_client_resumes_after_the_line_is_cut(backend: Backend) {
    let result = upload_through_the_cut(backend, "node", "browser/tus_upload.mjs").await;
    assert!(result["retries"].as_u64().unwrap() >= 1, "{result}");
}

async fn tuspy_resumes_after_the_line_is_cut(backend: Backend) {
    upload_through_the_cut(backend, "python3", "clients/tuspy_upload.py").await;
}

both_databases!(
    tus_js_client_resumes_after_the_line_is_cut,
    tuspy_resumes_after_the_line_is_cut
);
