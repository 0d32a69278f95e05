//! The end-to-end test harness: starts the real application on port 0 against a fresh
//! database (SQLite file or a new PostgreSQL database), and speaks HTTP to it.
//!
//! Every test is written once as `async fn name(backend: Backend)` and listed in
//! `both_databases!`, which makes a `sqlite::name` and a `postgres::name` test of it (blobs on
//! the filesystem), or in `every_backend!`, which adds `garage::name`: the same test with its
//! blobs in a real Garage S3 server (see `garage.rs`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod conformance_corpus;
pub mod documents;
pub mod flaky_network;
pub mod garage;
pub mod hostile;
pub mod live;
pub mod media;
pub mod smtp_sink;
pub mod web_session;
pub mod webhook_receiver;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::Value;
use vocweek::app::{RunningApp, Services, open_services};
use vocweek::config::Config;
use vocweek_api::ExtraRoutes;
use vocweek_db::{Db, testing};
use vocweek_domain::{Desk, Role, UnitKind};

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Database {
    Sqlite,
    Postgres,
}

/// Where a test's blobs live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    Files,
    Garage,
}

/// The real parts a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backend {
    pub database: Database,
    pub storage: Storage,
}

impl Backend {
    pub const SQLITE: Backend = Backend {
        database: Database::Sqlite,
        storage: Storage::Files,
    };
    pub const POSTGRES: Backend = Backend {
        database: Database::Postgres,
        storage: Storage::Files,
    };
    pub const SQLITE_GARAGE: Backend = Backend {
        database: Database::Sqlite,
        storage: Storage::Garage,
    };
}

/// The PostgreSQL server tests create their databases on (`VOCWEEK_TEST_POSTGRES_URL`).
pub fn postgres_admin_url() -> String {
    std::env::var("VOCWEEK_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// Knobs a test may turn.
#[derive(Clone)]
pub struct AppOptions {
    pub workers_in_process: bool,
    pub photo_limit: Option<&'static str>,
    pub max_attempts: i32,
    pub backoff_base_ms: u64,
    pub lease_seconds: u64,
    pub extra_routes: Option<ExtraRoutes>,
    /// The transcode time limit: (factor of the duration, minimum seconds).
    pub video_time_limit: Option<(f64, u64)>,
    /// Any other setting, changed on the test's configuration before the app starts.
    pub configure: Option<fn(&mut Config)>,
    /// Mail the notices to a plain SMTP server on this loopback port (a test's own; see
    /// `tests/clients/smtp_sink.py`), from `vocweek@example.test`.
    pub smtp_port: Option<u16>,
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            workers_in_process: true,
            photo_limit: None,
            max_attempts: 5,
            backoff_base_ms: 50,
            lease_seconds: 30,
            extra_routes: None,
            video_time_limit: None,
            configure: None,
            smtp_port: None,
        }
    }
}

/// A running application with its own data directory and database.
pub struct TestApp {
    pub base_url: String,
    /// The media port (`partners.media_listen`, on in every test app unless a test turns it
    /// off): `/media` with sendfile, beside the same route on `base_url`.
    pub media_base_url: Option<String>,
    /// Where encoders publish (`rtmp://127.0.0.1:<port>/live`), when the test turned the live
    /// ingest on (`live.rtmp_listen`).
    pub rtmp_url: Option<String>,
    pub client: reqwest::Client,
    pub config: Config,
    pub services: Services,
    pub backend: Backend,
    running: Option<RunningApp>,
    /// Removed by `stop`: a test may leave its scratch files here.
    pub data_dir: PathBuf,
}

/// A fresh, migrated database URL (and the data directory) for one test.
pub async fn fresh_database(backend: Backend) -> anyhow::Result<(String, PathBuf)> {
    let data_dir = std::env::temp_dir().join(format!("vocweek-test-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&data_dir)?;
    let url = match backend.database {
        Database::Sqlite => format!(
            "sqlite://{}?mode=rwc",
            data_dir.join("vocweek.db").display()
        ),
        Database::Postgres => {
            let name = format!("vocweek_t_{}", uuid::Uuid::now_v7().simple());
            let admin = Db::connect(&postgres_admin_url(), 1).await.context(
                "PostgreSQL is not reachable (start it, or set VOCWEEK_TEST_POSTGRES_URL)",
            )?;
            testing::create_database(&admin, &name).await?;
            admin.close().await?;
            let admin_url = postgres_admin_url();
            let base = admin_url
                .rsplit_once('/')
                .map(|(base, _)| base.to_owned())
                .unwrap_or(admin_url);
            format!("{base}/{name}")
        }
    };
    Ok((url, data_dir))
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, AppOptions::default()).await
}

pub async fn spawn_app_with(backend: Backend, options: AppOptions) -> TestApp {
    match try_spawn(backend, options).await {
        Ok(app) => app,
        Err(err) => panic!("could not start the app on {backend:?}: {err:#}"),
    }
}

/// The harness's media child (`src/bin/media_child.rs`): Cargo builds a package's programs
/// before its integration tests, into the directory above theirs (`target/debug/deps/..`).
pub fn media_child_program() -> anyhow::Result<vocweek_sandbox::MediaProgram> {
    let test_binary = std::env::current_exe()?;
    let path = test_binary
        .parent()
        .and_then(Path::parent)
        .map(|dir| dir.join("vocweek-media-child"))
        .filter(|path| path.is_file())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "vocweek-media-child is not built beside {}; run the tests with cargo test",
                test_binary.display()
            )
        })?;
    Ok(vocweek_sandbox::MediaProgram {
        path,
        args: Vec::new(),
    })
}

async fn try_spawn(backend: Backend, options: AppOptions) -> anyhow::Result<TestApp> {
    let (url, data_dir) = fresh_database(backend).await?;
    let mut config = Config::load(Some(Path::new("/dev/null")), |_| None)?;
    config.data_dir = data_dir.clone();
    config.database_url = Some(url.into());
    config.database_max_connections = 5;
    config.http_workers = 2;
    config.workers.in_process = options.workers_in_process;
    config.workers.concurrency = 2;
    config.workers.poll_interval_ms = 50;
    config.workers.max_attempts = options.max_attempts;
    config.workers.backoff_base_ms = options.backoff_base_ms;
    config.workers.lease_seconds = options.lease_seconds;
    // The production code with x264's fastest preset: two cores run every test.
    config.video.preset = "ultrafast".to_owned();
    if let Some((factor, minimum)) = options.video_time_limit {
        config.video.time_limit_factor = factor;
        config.video.time_limit_min_seconds = minimum;
    }
    if let Some(limit) = options.photo_limit {
        config.limits.photo = limit.parse::<vocweek_domain::ByteSize>()?.as_u64();
    }
    if backend.storage == Storage::Garage {
        config.storage = garage::storage_config(&data_dir)?;
    }
    // Webhook receivers in tests listen on loopback, which production refuses by default.
    config.webhooks.allow_private_addresses = true;
    config.partners.media_listen = Some("127.0.0.1:0".to_owned());
    config.media.program = Some(media_child_program()?);
    if let Some(port) = options.smtp_port {
        config.mail.enabled = true;
        config.mail.smtp_host = "127.0.0.1".to_owned();
        config.mail.smtp_port = port;
        config.mail.security = "none".to_owned();
        config.mail.from = "职业教育活动周 <vocweek@example.test>".to_owned();
    }
    if let Some(configure) = options.configure {
        configure(&mut config);
    }
    let services = open_services(&config).await?;
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let running = RunningApp::start(&config, services.clone(), listener, options.extra_routes)?;
    Ok(TestApp {
        base_url: format!("http://{}", running.address),
        media_base_url: running.media_address.map(|a| format!("http://{a}")),
        rtmp_url: running.rtmp_address.map(|a| format!("rtmp://{a}/live")),
        client: reqwest::Client::builder()
            // Below the server's keep-alive: a pooled connection is never reused as it closes.
            .pool_idle_timeout(std::time::Duration::from_secs(30))
            .timeout(Duration::from_secs(60))
            .build()?,
        config,
        services,
        backend,
        running: Some(running),
        data_dir,
    })
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// A form to upload: the file's bytes and name, plus text fields in order.
pub struct Upload {
    pub filename: String,
    pub bytes: Vec<u8>,
    pub fields: Vec<(String, String)>,
    /// Put the text fields after the file part.
    pub fields_after_file: bool,
}

impl Upload {
    pub fn new(filename: &str, bytes: Vec<u8>) -> Self {
        Upload {
            filename: filename.to_owned(),
            bytes,
            fields: vec![("title".to_owned(), format!("测试 {filename}"))],
            fields_after_file: false,
        }
    }

    pub fn field(mut self, name: &str, value: &str) -> Self {
        self.fields.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn without(mut self, name: &str) -> Self {
        self.fields.retain(|(n, _)| n != name);
        self
    }

    pub fn fields_after_file(mut self) -> Self {
        self.fields_after_file = true;
        self
    }

    fn into_form(self) -> reqwest::multipart::Form {
        let form = reqwest::multipart::Form::new();
        let file = reqwest::multipart::Part::bytes(self.bytes).file_name(self.filename);
        let text_fields = |mut form: reqwest::multipart::Form| {
            for (name, value) in self.fields {
                form = form.text(name, value);
            }
            form
        };
        if self.fields_after_file {
            text_fields(form.part("file", file))
        } else {
            text_fields(form).part("file", file)
        }
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Where `/media` is served: the API's port and the media port.
    pub fn media_front_ends(&self) -> Vec<String> {
        std::iter::once(self.base_url.clone())
            .chain(self.media_base_url.clone())
            .collect()
    }

    /// Creates a unit and returns (unit id, upload token).
    pub async fn unit(&self, name: &str, kind: UnitKind, city: &str) -> (i32, String) {
        let (unit, token) = self
            .services
            .db
            .create_unit(name, kind, city)
            .await
            .unwrap_or_else(|e| panic!("create unit: {e}"));
        (unit.id, token)
    }

    /// The education desk's editor the web tests sign in as: `editor` / `a long editor password`.
    pub async fn create_editor(&self) {
        self.services
            .db
            .create_user(
                "editor",
                "a long editor password",
                Role::Editor,
                Some(Desk::Edu),
                false,
            )
            .await
            .unwrap_or_else(|e| panic!("create the editor: {e}"));
    }

    /// Creates a user and signs in; returns the session token.
    pub async fn user_session(&self, username: &str, role: Role, desk: Option<Desk>) -> String {
        let password = "a long test password";
        self.services
            .db
            .create_user(username, password, role, desk, false)
            .await
            .unwrap_or_else(|e| panic!("create user: {e}"));
        let response = self
            .client
            .post(self.url("/api/v1/session"))
            .json(&serde_json::json!({ "username": username, "password": password }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("sign in: {e}"));
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap_or_default();
        body["token"].as_str().unwrap_or_default().to_owned()
    }

    /// An editorial decision (`approve`, `reopen`, …) on the asset's current version, which
    /// must succeed.
    pub async fn review(&self, editor: &str, id: &str, action: &str) {
        let (_, asset) = self.get(editor, &format!("/api/v1/assets/{id}")).await;
        let (status, answer) = self
            .call(
                editor,
                reqwest::Method::POST,
                &format!("/api/v1/assets/{id}/review"),
                Some(serde_json::json!({ "action": action, "version": asset["version"] })),
            )
            .await;
        assert_eq!(status, 200, "{action} {id}: {answer}");
    }

    /// Any request with a token and an optional JSON body: the status and the JSON answer.
    pub async fn call(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self
            .client
            .request(method, self.url(path))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path} failed: {e}"));
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// A page as a signed-in browser gets it: the session cookie, redirects not followed.
    pub async fn page(&self, session: &str, path: &str) -> (u16, String) {
        let response = reqwest::Client::builder()
            // Below the server's keep-alive: a pooled connection is never reused as it closes.
            .pool_idle_timeout(std::time::Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
            .get(self.url(path))
            .header("cookie", format!("vw_session={session}"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path} failed: {e}"));
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }

    /// Stops the app's clock at a Beijing wall-clock time, e.g. `2021-05-22 23:59:59`.
    pub fn pin_clock(&self, beijing: &str) {
        let instant = vocweek_domain::parse_timestamp("test clock", beijing)
            .unwrap_or_else(|e| panic!("{e}"));
        self.services.db.clock().pin(Some(instant));
    }

    pub async fn upload(&self, token: &str, upload: Upload) -> (u16, Value) {
        self.upload_with_language(token, upload, None).await
    }

    /// An upload sent as a browser set to Chinese sends it (`Accept-Language: zh-CN`).
    pub async fn upload_in_chinese(&self, token: &str, upload: Upload) -> (u16, Value) {
        self.upload_with_language(token, upload, Some("zh-CN,zh;q=0.9,en;q=0.8"))
            .await
    }

    async fn upload_with_language(
        &self,
        token: &str,
        upload: Upload,
        accept_language: Option<&str>,
    ) -> (u16, Value) {
        let mut request = self
            .client
            .post(self.url("/api/v1/assets"))
            .bearer_auth(token)
            .multipart(upload.into_form());
        if let Some(language) = accept_language {
            request = request.header("Accept-Language", language);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("upload request failed: {e}"));
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Uploads and returns the new asset's id (the upload must succeed).
    pub async fn upload_id(&self, token: &str, upload: Upload) -> String {
        let (status, body) = self.upload(token, upload).await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }

    /// Any GET with a token: status, content type and the body's bytes.
    pub async fn fetch(&self, token: &str, path: &str) -> (u16, String, Vec<u8>) {
        let response = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path} failed: {e}"));
        let status = response.status().as_u16();
        let mime = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (status, mime, response.bytes().await.unwrap().to_vec())
    }

    pub async fn get(&self, token: &str, path: &str) -> (u16, Value) {
        let response = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path} failed: {e}"));
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Polls an asset until it reaches `state` (10 s at most).
    pub async fn wait_for_state(&self, token: &str, id: &str, state: &str) -> Value {
        self.wait_for_state_within(token, id, state, Duration::from_secs(10))
            .await
    }

    /// Polls an asset until it reaches `state`, for at most `patience`.
    pub async fn wait_for_state_within(
        &self,
        token: &str,
        id: &str,
        state: &str,
        patience: Duration,
    ) -> Value {
        let deadline = Instant::now() + patience;
        loop {
            let (status, body) = self.get(token, &format!("/api/v1/assets/{id}")).await;
            assert_eq!(status, 200, "{body}");
            if body["state"] == state {
                return body;
            }
            assert!(
                Instant::now() < deadline,
                "asset {id} stayed in {} instead of reaching {state}: {body}",
                body["state"]
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Blobs in the store under `prefix` (`originals/`, `renditions/<id>/`…), whatever the
    /// store.
    pub async fn stored(&self, prefix: &str) -> usize {
        self.services
            .store
            .list(prefix)
            .await
            .unwrap_or_else(|e| panic!("listing {prefix}: {e}"))
            .len()
    }

    /// Blobs under the store's `originals/`.
    pub async fn stored_originals(&self) -> usize {
        self.stored("originals/").await
    }

    /// The local directory uploads are staged in (beside the files, or the S3 store's own).
    pub fn staging_dir(&self) -> PathBuf {
        self.services.store.staging_dir().to_path_buf()
    }

    /// Files left in the staging directory (resumable uploads in progress included), once the
    /// in-process workers are idle: with S3 a running job's download of the original is a
    /// staging file too, and is removed when the job ends.
    pub async fn staged_files(&self) -> usize {
        if self.config.workers.in_process {
            let deadline = Instant::now() + Duration::from_secs(30);
            while self
                .count("jobs WHERE state IN ('queued', 'running')")
                .await
                > 0
                && Instant::now() < deadline
            {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        count_files(&self.staging_dir())
    }

    /// Replaces a stored blob's bytes (a disk or bucket gone bad, in tests).
    pub async fn overwrite_blob(&self, key: &str, bytes: &[u8]) {
        let staged = vocweek_storage::StagingFile::new_in(&self.staging_dir());
        std::fs::write(staged.path(), bytes).unwrap();
        self.services.store.put_file(key, staged).await.unwrap();
    }

    /// Removes every blob under `prefix` (a lost disk, in tests).
    pub async fn remove_blobs(&self, prefix: &str) {
        self.services.store.delete_prefix(prefix).await.unwrap();
    }

    /// Rows of `table` (optionally with a `WHERE` clause); -1 when the query fails.
    pub async fn count(&self, table: &str) -> i64 {
        testing::count(&self.services.db, table).await.unwrap_or(-1)
    }

    pub async fn execute(&self, sql: &str) {
        testing::execute(&self.services.db, sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// Stops the server and starts a new one on the same database and data directory (a new
    /// process would see exactly this: the same rows and files, nothing held in memory). The
    /// address changes.
    pub async fn restart(&mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await;
        }
        let services = open_services(&self.config)
            .await
            .unwrap_or_else(|e| panic!("reopening the services: {e:#}"));
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
        let running = RunningApp::start(&self.config, services.clone(), listener, None)
            .unwrap_or_else(|e| panic!("restarting the app: {e:#}"));
        self.base_url = format!("http://{}", running.address);
        self.media_base_url = running.media_address.map(|a| format!("http://{a}"));
        self.rtmp_url = running.rtmp_address.map(|a| format!("rtmp://{a}/live"));
        self.services = services;
        self.running = Some(running);
    }

    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await;
        }
    }
}

/// Files under `dir`, not counting the staging owners' lock files (`.owners/`: one per live
/// process, not an upload).
fn count_files(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|entry| entry.file_name() != ".owners")
        .map(|entry| {
            let path = entry.path();
            if path.is_dir() { count_files(&path) } else { 1 }
        })
        .sum()
}

/// Runs each listed `async fn(Backend)` in a module per backend.
#[macro_export]
macro_rules! tests_on {
    ($module:ident = $backend:expr; $($name:ident),* $(,)?) => {
        mod $module {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($backend).await
                }
            )*
        }
    };
}

/// Runs each listed `async fn(Backend)` on SQLite and on PostgreSQL (blobs in files).
#[macro_export]
macro_rules! both_databases {
    ($($name:ident),* $(,)?) => {
        $crate::tests_on!(sqlite = $crate::Backend::SQLITE; $($name),*);
        $crate::tests_on!(postgres = $crate::Backend::POSTGRES; $($name),*);
    };
}

/// For tests that touch blobs: both databases with files, and SQLite with a Garage bucket.
#[macro_export]
macro_rules! every_backend {
    ($($name:ident),* $(,)?) => {
        $crate::both_databases!($($name),*);
        $crate::tests_on!(garage = $crate::Backend::SQLITE_GARAGE; $($name),*);
    };
}
