//! The tus 1.0.0 server at `/api/v1/uploads/`: every header and error of the protocol and its
//! extensions, interrupted and resumed uploads, a restart, one writer at a time, and expiry.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use base64::Engine;
use reqwest::{Method, StatusCode};
use sha1::Digest;
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::media::real_jpeg;
use vocweek_tests::{AppOptions, Backend, TestApp, every_backend, spawn_app, spawn_app_with};

const UPLOADS: &str = "/api/v1/uploads/";
const OFFSET_STREAM: &str = "application/offset+octet-stream";

/// Request headers of one creation case.
type Headers = Vec<(&'static str, String)>;

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

fn metadata(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k} {}", b64(v)))
        .collect::<Vec<_>>()
        .join(",")
}

fn photo_metadata(title: &str) -> String {
    metadata(&[
        ("filename", "实训.jpg"),
        ("title", title),
        ("category", "online_showcase"),
    ])
}

fn tus(app: &TestApp, method: Method, path: &str, token: &str) -> reqwest::RequestBuilder {
    app.client
        .request(method, app.url(path))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// Creates an upload; returns its path (`/api/v1/uploads/<id>`).
async fn create(app: &TestApp, token: &str, length: usize, meta: &str) -> String {
    let response = tus(app, Method::POST, UPLOADS, token)
        .header("Upload-Length", length.to_string())
        .header("Upload-Metadata", meta)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let location = header(&response, "Location");
    assert!(location.starts_with(&app.base_url), "absolute: {location}");
    location[app.base_url.len()..].to_owned()
}

async fn patch(
    app: &TestApp,
    token: &str,
    path: &str,
    offset: usize,
    chunk: &[u8],
) -> reqwest::Response {
    tus(app, Method::PATCH, path, token)
        .header("Content-Type", OFFSET_STREAM)
        .header("Upload-Offset", offset.to_string())
        .body(chunk.to_vec())
        .send()
        .await
        .unwrap()
}

async fn offset_of(app: &TestApp, token: &str, path: &str) -> u64 {
    let response = tus(app, Method::HEAD, path, token).send().await.unwrap();
    assert_eq!(response.status(), 200, "HEAD {path}");
    header(&response, "Upload-Offset").parse().unwrap()
}

async fn unit_token(app: &TestApp) -> String {
    app.unit("潍坊职业学院", UnitKind::HigherVocationalCollege, "weifang")
        .await
        .1
}

async fn options_advertise_the_protocol(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .client
        .request(Method::OPTIONS, app.url(UPLOADS))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(header(&response, "Tus-Resumable"), "1.0.0");
    assert_eq!(header(&response, "Tus-Version"), "1.0.0");
    let extensions = header(&response, "Tus-Extension");
    for extension in [
        "creation",
        "creation-with-upload",
        "creation-defer-length",
        "termination",
        "expiration",
        "checksum",
    ] {
        assert!(
            extensions.split(',').any(|e| e == extension),
            "{extensions}"
        );
    }
    assert_eq!(header(&response, "Tus-Checksum-Algorithm"), "sha1,sha256");
    assert_eq!(header(&response, "Tus-Max-Size"), "20000000000");

    // A browser's preflight from another origin.
    let preflight = app
        .client
        .request(Method::OPTIONS, app.url("/api/v1/uploads/0192"))
        .header("Origin", "https://media.example.cn")
        .header("Access-Control-Request-Method", "PATCH")
        .header(
            "Access-Control-Request-Headers",
            "upload-offset, tus-resumable",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 204);
    assert_eq!(header(&preflight, "Access-Control-Allow-Origin"), "*");
    assert!(header(&preflight, "Access-Control-Allow-Methods").contains("PATCH"));
    assert!(header(&preflight, "Access-Control-Allow-Headers").contains("Upload-Offset"));
    app.stop().await;
}

async fn an_upload_in_chunks_becomes_one_asset(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = unit_token(&app).await;
    let bytes = real_jpeg(11, 1600, 1200);
    let path = create(&app, &token, bytes.len(), &photo_metadata("钳工实训")).await;

    let head = tus(&app, Method::HEAD, &path, &token).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(header(&head, "Upload-Offset"), "0");
    assert_eq!(header(&head, "Upload-Length"), bytes.len().to_string());
    assert_eq!(header(&head, "Cache-Control"), "no-store");
    assert_eq!(header(&head, "Upload-Metadata"), photo_metadata("钳工实训"));
    assert!(header(&head, "Upload-Expires").ends_with(" GMT"));

    let cut = bytes.len() / 3;
    let first = patch(&app, &token, &path, 0, &bytes[..cut]).await;
    assert_eq!(first.status(), 204);
    assert_eq!(header(&first, "Upload-Offset"), cut.to_string());
    assert_eq!(header(&first, "Vocweek-Asset-Id"), "");
    assert_eq!(offset_of(&app, &token, &path).await, cut as u64);

    let last = patch(&app, &token, &path, cut, &bytes[cut..]).await;
    assert_eq!(last.status(), 204);
    assert_eq!(header(&last, "Upload-Offset"), bytes.len().to_string());
    let asset_id = header(&last, "Vocweek-Asset-Id");
    assert_eq!(header(&last, "Vocweek-Duplicate"), "false");
    let (status, asset) = app.get(&token, &format!("/api/v1/assets/{asset_id}")).await;
    assert_eq!(status, 200);
    assert_eq!(asset["title"], "钳工实训");
    assert_eq!(asset["original_filename"], "实训.jpg");
    assert_eq!(asset["blake3"], blake3::hash(&bytes).to_hex().to_string());
    assert_eq!(asset["tags"]["category"], "online_showcase");
    app.wait_for_state(&token, &asset_id, "pending_review")
        .await;

    // A client that lost the last answer learns the asset from HEAD.
    let head = tus(&app, Method::HEAD, &path, &token).send().await.unwrap();
    assert_eq!(header(&head, "Vocweek-Asset-Id"), asset_id);
    // Writing to a finished upload is a conflict naming the asset.
    let again = patch(&app, &token, &path, bytes.len(), b"").await;
    assert_eq!(again.status(), 409);

    // The same bytes again, in one request (creation-with-upload): the existing asset.
    let response = tus(&app, Method::POST, UPLOADS, &token)
        .header("Upload-Length", bytes.len().to_string())
        .header("Upload-Metadata", photo_metadata("再传一次"))
        .header("Content-Type", OFFSET_STREAM)
        .body(bytes.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(header(&response, "Upload-Offset"), bytes.len().to_string());
    assert_eq!(header(&response, "Vocweek-Asset-Id"), asset_id);
    assert_eq!(header(&response, "Vocweek-Duplicate"), "true");
    assert_eq!(app.count("assets").await, 1);
    // No partial file is left behind.
    assert_eq!(count_partials(&app), 0);
    app.stop().await;
}

fn count_partials(app: &TestApp) -> usize {
    std::fs::read_dir(app.staging_dir().join("resumable"))
        .map(|dir| dir.count())
        .unwrap_or(0)
}

async fn protocol_errors_are_clear_and_lose_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = unit_token(&app).await;
    let bytes = real_jpeg(12, 800, 600);
    let path = create(&app, &token, bytes.len(), &photo_metadata("车工")).await;
    assert!(patch(&app, &token, &path, 0, &bytes[..1000]).await.status() == 204);

    // Wrong or missing protocol version: 412 naming the supported one.
    for version in [Some("0.2.2"), None] {
        let mut request = app
            .client
            .patch(app.url(&path))
            .bearer_auth(&token)
            .header("Content-Type", OFFSET_STREAM)
            .header("Upload-Offset", "1000")
            .body(bytes[1000..2000].to_vec());
        if let Some(version) = version {
            request = request.header("Tus-Resumable", version);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 412);
        assert_eq!(header(&response, "Tus-Version"), "1.0.0");
    }
    // Wrong content type: 415.
    let response = tus(&app, Method::PATCH, &path, &token)
        .header("Content-Type", "application/octet-stream")
        .header("Upload-Offset", "1000")
        .body(bytes[1000..2000].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    // Wrong offset: 409 with the right one in the details.
    let response = patch(&app, &token, &path, 500, &bytes[500..2000]).await;
    assert_eq!(response.status(), 409);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "offset-mismatch");
    assert_eq!(body["error"]["details"]["offset"], 1000);
    // A body longer than the upload: refused, and what came before it kept.
    let mut too_long = bytes[1000..].to_vec();
    too_long.extend_from_slice(b"extra");
    assert_eq!(
        patch(&app, &token, &path, 1000, &too_long).await.status(),
        413
    );
    assert_eq!(offset_of(&app, &token, &path).await, 1000);

    // Creation errors.
    let create_with = |headers: Headers| {
        let mut request = tus(&app, Method::POST, UPLOADS, &token);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.send()
    };
    let cases: Vec<(Headers, u16, &str)> = vec![
        (
            vec![("Upload-Metadata", photo_metadata("x"))],
            400,
            "missing-upload-length",
        ),
        (
            vec![
                ("Upload-Length", "10".into()),
                ("Upload-Defer-Length", "1".into()),
            ],
            400,
            "invalid-header",
        ),
        (vec![("Upload-Length", "-5".into())], 400, "invalid-header"),
        (vec![("Upload-Length", "0".into())], 400, "empty-file"),
        (
            vec![("Upload-Length", "30000000000".into())],
            413,
            "payload-too-large",
        ),
        (
            vec![
                ("Upload-Length", "100".into()),
                ("Upload-Metadata", "title 不是base64".into()),
            ],
            400,
            "invalid-upload-metadata",
        ),
        (
            vec![
                ("Upload-Length", "100".into()),
                (
                    "Upload-Metadata",
                    metadata(&[("title", "开幕"), ("category", "no-such-category")]),
                ),
            ],
            422,
            "unknown-tag",
        ),
        (
            vec![
                ("Upload-Length", "100".into()),
                ("Upload-Metadata", metadata(&[("filetype", "image/jpeg")])),
            ],
            400,
            "missing-title",
        ),
        (
            vec![
                ("Upload-Length", "60000000".into()),
                (
                    "Upload-Metadata",
                    metadata(&[("title", "大图"), ("filetype", "image/jpeg")]),
                ),
            ],
            413,
            "payload-too-large",
        ),
    ];
    for (headers, status, code) in cases {
        let response = create_with(headers.clone()).await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{headers:?}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], code, "{headers:?}");
    }
    assert_eq!(
        app.count("resumable_uploads").await,
        1,
        "refused creations leave no row"
    );

    // Who may touch an upload: its unit only.
    let (_, other_unit) = app
        .unit("临沂职业学院", UnitKind::HigherVocationalCollege, "linyi")
        .await;
    let response = tus(&app, Method::HEAD, &path, &other_unit)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(
        patch(&app, &other_unit, &path, 1000, b"x").await.status(),
        404
    );
    let editor = app
        .user_session("editor", Role::Editor, Some(Desk::Edu))
        .await;
    let response = tus(&app, Method::POST, UPLOADS, &editor)
        .header("Upload-Length", "10")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let response = app
        .client
        .head(app.url(&path))
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let response = tus(&app, Method::HEAD, "/api/v1/uploads/no-such-upload", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);

    // Still resumable after all that.
    let last = patch(&app, &token, &path, 1000, &bytes[1000..]).await;
    assert_eq!(last.status(), 204);
    assert!(!header(&last, "Vocweek-Asset-Id").is_empty());
    app.stop().await;
}

async fn checksums_are_verified_per_chunk(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = unit_token(&app).await;
    let bytes = real_jpeg(13, 800, 600);
    let path = create(&app, &token, bytes.len(), &photo_metadata("焊接")).await;
    let digest = |algorithm: &str, chunk: &[u8]| {
        let raw = match algorithm {
            "sha1" => sha1::Sha1::digest(chunk).to_vec(),
            _ => sha2::Sha256::digest(chunk).to_vec(),
        };
        format!(
            "{algorithm} {}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        )
    };
    let with_checksum = |offset: usize, chunk: &[u8], checksum: String| {
        tus(&app, Method::PATCH, &path, &token)
            .header("Content-Type", OFFSET_STREAM)
            .header("Upload-Offset", offset.to_string())
            .header("Upload-Checksum", checksum)
            .body(chunk.to_vec())
            .send()
    };
    let cut = 5000;
    let ok = with_checksum(0, &bytes[..cut], digest("sha1", &bytes[..cut]))
        .await
        .unwrap();
    assert_eq!(ok.status(), 204);
    // A chunk whose digest does not match: 460, and the chunk is discarded.
    let wrong = with_checksum(cut, &bytes[cut..], digest("sha256", &bytes[..cut]))
        .await
        .unwrap();
    assert_eq!(wrong.status(), 460);
    assert_eq!(offset_of(&app, &token, &path).await, cut as u64);
    let unknown = with_checksum(cut, &bytes[cut..], "md5 AAAA".to_owned())
        .await
        .unwrap();
    assert_eq!(unknown.status(), 400);
    let last = with_checksum(cut, &bytes[cut..], digest("sha256", &bytes[cut..]))
        .await
        .unwrap();
    assert_eq!(last.status(), 204);
    let asset_id = header(&last, "Vocweek-Asset-Id");
    let (_, asset) = app.get(&token, &format!("/api/v1/assets/{asset_id}")).await;
    assert_eq!(asset["blake3"], blake3::hash(&bytes).to_hex().to_string());
    app.stop().await;
}

async fn a_deferred_length_is_told_later(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = unit_token(&app).await;
    let bytes = real_jpeg(14, 640, 480);
    let response = tus(&app, Method::POST, UPLOADS, &token)
        .header("Upload-Defer-Length", "1")
        .header("Upload-Metadata", photo_metadata("直播截图"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let path = header(&response, "Location")[app.base_url.len()..].to_owned();
    let head = tus(&app, Method::HEAD, &path, &token).send().await.unwrap();
    assert_eq!(header(&head, "Upload-Defer-Length"), "1");
    assert_eq!(header(&head, "Upload-Length"), "");
    assert_eq!(
        patch(&app, &token, &path, 0, &bytes[..4000]).await.status(),
        204
    );
    let last = tus(&app, Method::PATCH, &path, &token)
        .header("Content-Type", OFFSET_STREAM)
        .header("Upload-Offset", "4000")
        .header("Upload-Length", bytes.len().to_string())
        .body(bytes[4000..].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(last.status(), 204);
    assert!(!header(&last, "Vocweek-Asset-Id").is_empty());
    app.stop().await;
}

/// An upload of unknown length stops at its type's limit once its first bytes told the type:
/// a photo is not allowed to grow to the video limit.
async fn a_deferred_photo_stops_at_the_photo_limit(backend: Backend) {
    let app = spawn_app_with(
        backend,
        AppOptions {
            photo_limit: Some("100KB"),
            ..AppOptions::default()
        },
    )
    .await;
    let token = unit_token(&app).await;
    let mut bytes = real_jpeg(19, 1600, 1200);
    bytes.resize(150_000, 0);
    let response = tus(&app, Method::POST, UPLOADS, &token)
        .header("Upload-Defer-Length", "1")
        .header("Upload-Metadata", photo_metadata("大照片"))
        .send()
        .await
        .unwrap();
    let path = header(&response, "Location")[app.base_url.len()..].to_owned();
    assert_eq!(
        patch(&app, &token, &path, 0, &bytes[..70_000])
            .await
            .status(),
        204
    );
    let over = patch(&app, &token, &path, 70_000, &bytes[70_000..]).await;
    assert_eq!(over.status(), 413);
    let body: serde_json::Value = over.json().await.unwrap();
    assert_eq!(body["error"]["details"]["length"], 100_000);

    // In one body: the limit drops to the photo's as soon as the first 64 KiB tell the type
    // (before, the rest of that body could grow to the largest limit, a video's).
    let response = tus(&app, Method::POST, UPLOADS, &token)
        .header("Upload-Defer-Length", "1")
        .header("Upload-Metadata", photo_metadata("一次发完"))
        .send()
        .await
        .unwrap();
    let path = header(&response, "Location")[app.base_url.len()..].to_owned();
    let over = patch(&app, &token, &path, 0, &bytes).await;
    assert_eq!(over.status(), 413);
    let body: serde_json::Value = over.json().await.unwrap();
    assert_eq!(body["error"]["details"]["length"], 100_000);
    assert!(offset_of(&app, &token, &path).await <= 100_000);
    app.stop().await;
}

async fn termination_and_expiry_remove_the_bytes(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = unit_token(&app).await;
    let bytes = real_jpeg(15, 800, 600);
    let terminated = create(&app, &token, bytes.len(), &photo_metadata("a")).await;
    assert_eq!(
        patch(&app, &token, &terminated, 0, &bytes[..3000])
            .await
            .status(),
        204
    );
    let response = tus(&app, Method::DELETE, &terminated, &token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let response = tus(&app, Method::HEAD, &terminated, &token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(count_partials(&app), 0);

    let expiring = create(&app, &token, bytes.len(), &photo_metadata("b")).await;
    assert_eq!(
        patch(&app, &token, &expiring, 0, &bytes[..3000])
            .await
            .status(),
        204
    );
    assert_eq!(count_partials(&app), 1);
    app.execute("UPDATE resumable_uploads SET expires_at = 1")
        .await;
    let response = tus(&app, Method::HEAD, &expiring, &token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 410);
    let removed = vocweek_pipeline::sweep_expired_uploads(&app.services.db, &app.services.partials)
        .await
        .unwrap();
    assert_eq!(removed, 1);
    assert_eq!(count_partials(&app), 0);
    assert_eq!(app.count("resumable_uploads").await, 0);
    app.stop().await;
}

async fn a_file_of_the_wrong_type_is_refused_at_its_first_bytes(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = unit_token(&app).await;
    // A Windows program posing as a 100 MB video: refused after the first 64 KiB.
    let meta = metadata(&[
        ("filename", "决赛.mp4"),
        ("title", "决赛"),
        ("filetype", "video/mp4"),
    ]);
    let path = create(&app, &token, 100_000_000, &meta).await;
    let mut fake = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
    fake.resize(70_000, 0);
    let response = patch(&app, &token, &path, 0, &fake).await;
    assert_eq!(response.status(), 415);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unsupported-media-type");
    let head = tus(&app, Method::HEAD, &path, &token).send().await.unwrap();
    assert_eq!(head.status(), 410);
    assert_eq!(count_partials(&app), 0);

    // No title and no type at creation: allowed (an article may go without), refused as soon as
    // the first bytes show a photo, not after the whole file.
    let untitled = create(&app, &token, 300_000, &metadata(&[("filename", "a.bin")])).await;
    let photo = real_jpeg(20, 1600, 1200);
    let response = patch(&app, &token, &untitled, 0, &photo[..70_000]).await;
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "missing-title");
    app.stop().await;
}

/// Security review, hole 12: a 30 MB body of a refused type was stored whole before its 415.
/// The answer now comes as soon as the first 64 KiB are in, while the client is still sending
/// (before the fix the server waited for the body's end or a minute of silence).
async fn a_refused_type_is_answered_before_the_rest_of_its_body(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = unit_token(&app).await;
    let meta = metadata(&[
        ("filename", "决赛.mp4"),
        ("title", "决赛"),
        ("filetype", "video/mp4"),
    ]);
    let mut program = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
    program.resize(200_000, 0x5A);

    // In one body that stays open after its first 70,000 bytes.
    let path = create(&app, &token, 100_000_000, &meta).await;
    let (send, body) = controlled_body();
    let patching = tokio::spawn(
        tus(&app, Method::PATCH, &path, &token)
            .header("Content-Type", OFFSET_STREAM)
            .header("Upload-Offset", "0")
            .body(body)
            .send(),
    );
    send.send(Ok(program[..70_000].to_vec())).await.unwrap();
    let response = tokio::time::timeout(Duration::from_secs(15), patching)
        .await
        .expect("refused while the body is still open")
        .unwrap()
        .unwrap();
    assert_eq!(response.status(), 415);
    // Closed after the answer: the rest of the body is not read and thrown away either.
    assert_eq!(header(&response, "connection"), "close");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unsupported-media-type");
    drop(send);
    let head = tus(&app, Method::HEAD, &path, &token).send().await.unwrap();
    assert_eq!(head.status(), 410);
    assert_eq!(
        count_partials(&app),
        0,
        "nothing of the refused file is kept"
    );

    // With a checksum the bytes are not verified when the type is judged: the body is
    // refused, but the upload is not (a bit flipped on the way must not end it for good).
    let path = create(&app, &token, 100_000_000, &meta).await;
    let checksum = format!(
        "sha1 {}",
        base64::engine::general_purpose::STANDARD.encode(sha1::Sha1::digest(&program[..70_000]))
    );
    let response = tus(&app, Method::PATCH, &path, &token)
        .header("Content-Type", OFFSET_STREAM)
        .header("Upload-Offset", "0")
        .header("Upload-Checksum", checksum)
        .body(program[..70_000].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    assert_eq!(
        offset_of(&app, &token, &path).await,
        0,
        "nothing of it kept"
    );

    // Across two bodies: the first 30,000 bytes tell nothing yet and are kept; the second body
    // completes the head (read back from the file) and is refused there.
    let path = create(&app, &token, 100_000_000, &meta).await;
    assert_eq!(
        patch(&app, &token, &path, 0, &program[..30_000])
            .await
            .status(),
        204
    );
    let response = patch(&app, &token, &path, 30_000, &program[30_000..]).await;
    assert_eq!(response.status(), 415);
    let head = tus(&app, Method::HEAD, &path, &token).send().await.unwrap();
    assert_eq!(head.status(), 410);
    assert_eq!(
        count_partials(&app),
        1,
        "only the checksummed upload's file is left, open and empty"
    );
    app.stop().await;
}

/// A request body fed through a channel, so a test decides when bytes go and when the
/// connection breaks (send an `Err`).
fn controlled_body() -> (
    tokio::sync::mpsc::Sender<Result<Vec<u8>, std::io::Error>>,
    reqwest::Body,
) {
    let (send, mut receive) = tokio::sync::mpsc::channel(4);
    let stream = futures_util::stream::poll_fn(move |cx| receive.poll_recv(cx));
    (send, reqwest::Body::wrap_stream(stream))
}

/// Waits until a request holds the upload's write lease.
async fn wait_for_writer(app: &TestApp, path: &str) {
    let id = path.rsplit('/').next().unwrap();
    for _ in 0..100 {
        let upload = app.services.db.resumable(id).await.unwrap().unwrap();
        if upload.locked_by.is_some() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no request took the upload's lease");
}

async fn a_dropped_connection_keeps_what_arrived_even_across_a_restart(backend: Backend) {
    let mut app = spawn_app(backend).await;
    let token = unit_token(&app).await;
    let bytes = real_jpeg(16, 2000, 1500);
    let path = create(&app, &token, bytes.len(), &photo_metadata("断点续传")).await;
    let cut = 100_000;
    let (send, body) = controlled_body();
    let dropped = tokio::spawn(
        tus(&app, Method::PATCH, &path, &token)
            .header("Content-Type", OFFSET_STREAM)
            .header("Upload-Offset", "0")
            .body(body)
            .send(),
    );
    send.send(Ok(bytes[..cut].to_vec())).await.unwrap();
    wait_for_writer(&app, &path).await;
    // Let the bytes cross the loopback before the network "drops".
    tokio::time::sleep(Duration::from_millis(300)).await;
    send.send(Err(std::io::Error::new(
        std::io::ErrorKind::ConnectionReset,
        "the school network dropped",
    )))
    .await
    .unwrap();
    assert!(
        dropped.await.unwrap().is_err(),
        "the client saw its own connection break"
    );
    // The server notices the drop, syncs and records what arrived.
    let mut offset = 0;
    for _ in 0..100 {
        offset = offset_of(&app, &token, &path).await;
        if offset == cut as u64 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(offset, cut as u64, "the bytes before the drop are kept");

    app.restart().await;
    assert_eq!(offset_of(&app, &token, &path).await, cut as u64);
    let mut last = patch(&app, &token, &path, cut, &bytes[cut..]).await;
    // The lease of the dropped request may still be held for a moment.
    for _ in 0..50 {
        if last.status() != StatusCode::LOCKED {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        last = patch(&app, &token, &path, cut, &bytes[cut..]).await;
    }
    assert_eq!(last.status(), 204);
    let asset_id = header(&last, "Vocweek-Asset-Id");
    let (_, asset) = app.get(&token, &format!("/api/v1/assets/{asset_id}")).await;
    assert_eq!(asset["blake3"], blake3::hash(&bytes).to_hex().to_string());
    app.stop().await;
}

async fn a_second_writer_is_locked_out(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = unit_token(&app).await;
    let bytes = real_jpeg(17, 800, 600);
    let path = create(&app, &token, bytes.len(), &photo_metadata("并发")).await;
    // The first PATCH sends its body slowly, through a channel the test controls.
    let (send, body) = controlled_body();
    let first = tokio::spawn(
        tus(&app, Method::PATCH, &path, &token)
            .header("Content-Type", OFFSET_STREAM)
            .header("Upload-Offset", "0")
            .body(body)
            .send(),
    );
    send.send(Ok(bytes[..2000].to_vec())).await.unwrap();
    wait_for_writer(&app, &path).await;
    let second = patch(&app, &token, &path, 0, &bytes[..10]).await;
    assert_eq!(second.status(), 423);
    let termination = tus(&app, Method::DELETE, &path, &token)
        .send()
        .await
        .unwrap();
    assert_eq!(termination.status(), 423, "no termination under a writer");
    send.send(Ok(bytes[2000..].to_vec())).await.unwrap();
    drop(send);
    let first = first.await.unwrap().unwrap();
    assert_eq!(first.status(), 204);
    assert!(!header(&first, "Vocweek-Asset-Id").is_empty());
    app.stop().await;
}

/// A machine crash can lose the tail the kernel had not written out: the file is then shorter
/// than the recorded offset. HEAD tells the shorter offset, a PATCH at the old one is told where
/// to resume, and the upload still ends with the right bytes.
async fn a_file_shorter_than_its_offset_rewinds(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = unit_token(&app).await;
    let bytes = real_jpeg(18, 1200, 900);
    let path = create(&app, &token, bytes.len(), &photo_metadata("断电")).await;
    assert_eq!(
        patch(&app, &token, &path, 0, &bytes[..20_000])
            .await
            .status(),
        204
    );
    let id = path.rsplit('/').next().unwrap();
    let file = app.staging_dir().join(format!("resumable/{id}.part"));
    std::fs::OpenOptions::new()
        .write(true)
        .open(&file)
        .unwrap()
        .set_len(12_000)
        .unwrap();
    assert_eq!(offset_of(&app, &token, &path).await, 12_000);
    let stale = patch(&app, &token, &path, 20_000, &bytes[20_000..]).await;
    assert_eq!(stale.status(), 409);
    let body: serde_json::Value = stale.json().await.unwrap();
    assert_eq!(body["error"]["details"]["offset"], 12_000);
    let last = patch(&app, &token, &path, 12_000, &bytes[12_000..]).await;
    assert_eq!(last.status(), 204);
    let asset_id = header(&last, "Vocweek-Asset-Id");
    let (_, asset) = app.get(&token, &format!("/api/v1/assets/{asset_id}")).await;
    assert_eq!(asset["blake3"], blake3::hash(&bytes).to_hex().to_string());
    app.stop().await;
}

/// A refusal told in Chinese keeps the protocol's and CORS headers: a browser on another
/// origin must still be able to read why.
async fn a_refusal_in_chinese_keeps_the_protocol_headers(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = unit_token(&app).await;
    let response = app
        .client
        .post(app.url(UPLOADS))
        .bearer_auth(&token)
        .header("Tus-Resumable", "1.0.0")
        .header("Accept-Language", "zh-CN")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(header(&response, "Tus-Resumable"), "1.0.0");
    assert_eq!(header(&response, "Access-Control-Allow-Origin"), "*");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "missing-upload-length");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("请求未能完成"), "{message}");
    app.stop().await;
}

every_backend!(
    a_refusal_in_chinese_keeps_the_protocol_headers,
    a_deferred_photo_stops_at_the_photo_limit,
    a_file_shorter_than_its_offset_rewinds,
    options_advertise_the_protocol,
    an_upload_in_chunks_becomes_one_asset,
    protocol_errors_are_clear_and_lose_nothing,
    checksums_are_verified_per_chunk,
    a_deferred_length_is_told_later,
    termination_and_expiry_remove_the_bytes,
    a_file_of_the_wrong_type_is_refused_at_its_first_bytes,
    a_refused_type_is_answered_before_the_rest_of_its_body,
    a_dropped_connection_keeps_what_arrived_even_across_a_restart,
    a_second_writer_is_locked_out,
);
