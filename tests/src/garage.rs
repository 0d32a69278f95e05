//! The Garage server that storage tests run against. `make test` starts one and passes its
//! address and key as `VOCWEEK_TEST_S3_*`; a plain `cargo test` runs `scripts/garage.sh start`
//! itself (once per test process; the script reuses a server that already runs).
//!
//! Each test gets its own key prefix in the shared bucket, so tests never see each other's
//! blobs and need no bucket of their own.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use anyhow::{Context, bail};
use vocweek::config::{S3Config, StorageConfig};
use vocweek_storage::S3Settings;

const VARIABLES: [&str; 5] = [
    "VOCWEEK_TEST_S3_ENDPOINT",
    "VOCWEEK_TEST_S3_REGION",
    "VOCWEEK_TEST_S3_BUCKET",
    "VOCWEEK_TEST_S3_ACCESS_KEY_ID",
    "VOCWEEK_TEST_S3_SECRET_ACCESS_KEY",
];

fn settings() -> anyhow::Result<&'static HashMap<String, String>> {
    static SETTINGS: OnceLock<Result<HashMap<String, String>, String>> = OnceLock::new();
    SETTINGS
        .get_or_init(|| read_or_start().map_err(|e| format!("{e:#}")))
        .as_ref()
        .map_err(|e| anyhow::anyhow!("Garage is not available: {e}"))
}

fn read_or_start() -> anyhow::Result<HashMap<String, String>> {
    let from_env: HashMap<_, _> = VARIABLES
        .iter()
        .filter_map(|name| Some((name.to_string(), std::env::var(name).ok()?)))
        .collect();
    if from_env.len() == VARIABLES.len() {
        return Ok(from_env);
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/garage.sh");
    let output = std::process::Command::new(&script)
        .arg("start")
        .stderr(std::process::Stdio::inherit())
        .output()
        .with_context(|| format!("running {}", script.display()))?;
    if !output.status.success() {
        bail!("{} start failed", script.display());
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let started: HashMap<_, _> = text
        .lines()
        .filter_map(|line| line.strip_prefix("export ")?.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    if VARIABLES.iter().any(|name| !started.contains_key(*name)) {
        bail!("{} start printed no settings: {text}", script.display());
    }
    Ok(started)
}

/// Storage settings for one test: the shared Garage bucket under a fresh prefix, small parts
/// so multipart uploads are exercised by ordinary test files.
pub fn storage_config(data_dir: &Path) -> anyhow::Result<StorageConfig> {
    let settings = settings()?;
    let get = |name: &str| settings.get(name).cloned().unwrap_or_default();
    Ok(StorageConfig {
        backend: "s3".to_owned(),
        path: None,
        staging_path: Some(data_dir.join("staging")),
        s3: S3Config {
            endpoint: Some(get("VOCWEEK_TEST_S3_ENDPOINT")),
            region: get("VOCWEEK_TEST_S3_REGION"),
            bucket: get("VOCWEEK_TEST_S3_BUCKET"),
            prefix: format!("t-{}", uuid::Uuid::now_v7().simple()),
            access_key_id: get("VOCWEEK_TEST_S3_ACCESS_KEY_ID"),
            secret_access_key: get("VOCWEEK_TEST_S3_SECRET_ACCESS_KEY").into(),
            part_size: vocweek_domain::ByteSize::mib(5),
            ..S3Config::default()
        },
    })
}

/// The settings as `VOCWEEK_STORAGE_*` variables, for tests that start `vocweek` processes.
pub fn storage_environment(prefix: &str) -> anyhow::Result<Vec<(String, String)>> {
    let settings = settings()?;
    let get = |name: &str| settings.get(name).cloned().unwrap_or_default();
    Ok(vec![
        ("VOCWEEK_STORAGE_BACKEND".into(), "s3".into()),
        (
            "VOCWEEK_STORAGE_S3_ENDPOINT".into(),
            get("VOCWEEK_TEST_S3_ENDPOINT"),
        ),
        (
            "VOCWEEK_STORAGE_S3_REGION".into(),
            get("VOCWEEK_TEST_S3_REGION"),
        ),
        (
            "VOCWEEK_STORAGE_S3_BUCKET".into(),
            get("VOCWEEK_TEST_S3_BUCKET"),
        ),
        ("VOCWEEK_STORAGE_S3_PREFIX".into(), prefix.to_owned()),
        (
            "VOCWEEK_STORAGE_S3_ACCESS_KEY_ID".into(),
            get("VOCWEEK_TEST_S3_ACCESS_KEY_ID"),
        ),
        (
            "VOCWEEK_STORAGE_S3_SECRET_ACCESS_KEY".into(),
            get("VOCWEEK_TEST_S3_SECRET_ACCESS_KEY"),
        ),
    ])
}

/// Settings for an `S3Store` on the test bucket under a fresh prefix, reached at `endpoint`
/// (Garage itself, or a proxy in front of it).
pub fn s3_settings(staging: &Path, endpoint: Option<String>) -> anyhow::Result<S3Settings> {
    let settings = settings()?;
    let get = |name: &str| settings.get(name).cloned().unwrap_or_default();
    Ok(S3Settings {
        endpoint: Some(endpoint.unwrap_or_else(|| get("VOCWEEK_TEST_S3_ENDPOINT"))),
        region: get("VOCWEEK_TEST_S3_REGION"),
        bucket: get("VOCWEEK_TEST_S3_BUCKET"),
        prefix: format!("t-{}", uuid::Uuid::now_v7().simple()),
        access_key_id: get("VOCWEEK_TEST_S3_ACCESS_KEY_ID"),
        secret_access_key: get("VOCWEEK_TEST_S3_SECRET_ACCESS_KEY").into(),
        path_style: true,
        part_size: 5 * 1024 * 1024,
        parallel_parts: 2,
        max_attempts: 5,
        timeout: std::time::Duration::from_secs(10),
        staging: staging.to_path_buf(),
    })
}

/// Garage's S3 endpoint by name (`http://s3.garage.localhost:port`), for virtual-host
/// addressing: the bucket's host is `vocweek-test.s3.garage.localhost` (Garage's root_domain;
/// `scripts/garage.sh` puts both names in /etc/hosts).
pub fn virtual_host_endpoint() -> anyhow::Result<String> {
    Ok(format!(
        "http://s3.garage.localhost:{}",
        s3_address()?.port()
    ))
}

/// Garage's S3 address (`127.0.0.1:port`), for a proxy to forward to.
pub fn s3_address() -> anyhow::Result<std::net::SocketAddr> {
    let endpoint = settings()?
        .get("VOCWEEK_TEST_S3_ENDPOINT")
        .cloned()
        .unwrap_or_default();
    let host = endpoint.trim_start_matches("http://").trim_end_matches('/');
    Ok(host.parse()?)
}
