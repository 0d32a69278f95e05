//! Originals and renditions as download managers, players and CDNs fetch them: one byte range
//! (206 / 416), ETag and If-None-Match (304), If-Range.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use vocweek_domain::UnitKind;
use vocweek_tests::media::real_jpeg;
use vocweek_tests::{Backend, TestApp, Upload, every_backend, spawn_app};

async fn get(
    app: &TestApp,
    token: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = app.client.get(app.url(path)).bearer_auth(token);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

async fn ranges_and_validators(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app
        .unit(
            "聊城职业技术学院",
            UnitKind::HigherVocationalCollege,
            "liaocheng",
        )
        .await;
    let bytes = real_jpeg(31, 1200, 900);
    let len = bytes.len();
    let id = app
        .upload_id(&token, Upload::new("实训.jpg", bytes.clone()))
        .await;
    app.wait_for_state(&token, &id, "pending_review").await;
    let original = format!("/api/v1/assets/{id}/original");

    let whole = get(&app, &token, &original, &[]).await;
    assert_eq!(whole.status(), 200);
    assert_eq!(header(&whole, "Accept-Ranges"), "bytes");
    let etag = header(&whole, "ETag");
    assert_eq!(etag, format!("\"{}\"", blake3::hash(&bytes).to_hex()));
    assert_eq!(whole.bytes().await.unwrap().as_ref(), bytes.as_slice());

    let first = get(&app, &token, &original, &[("Range", "bytes=0-99")]).await;
    assert_eq!(first.status(), 206);
    assert_eq!(header(&first, "Content-Range"), format!("bytes 0-99/{len}"));
    assert_eq!(header(&first, "Content-Length"), "100");
    assert_eq!(first.bytes().await.unwrap().as_ref(), &bytes[..100]);

    let tail = get(&app, &token, &original, &[("Range", "bytes=-50")]).await;
    assert_eq!(tail.status(), 206);
    assert_eq!(tail.bytes().await.unwrap().as_ref(), &bytes[len - 50..]);

    let middle = get(&app, &token, &original, &[("Range", "bytes=1000-")]).await;
    assert_eq!(middle.status(), 206);
    assert_eq!(middle.bytes().await.unwrap().as_ref(), &bytes[1000..]);

    let past = get(
        &app,
        &token,
        &original,
        &[("Range", &format!("bytes={len}-"))],
    )
    .await;
    assert_eq!(past.status(), 416);
    assert_eq!(header(&past, "Content-Range"), format!("bytes */{len}"));

    let unchanged = get(&app, &token, &original, &[("If-None-Match", &etag)]).await;
    assert_eq!(unchanged.status(), 304);
    assert_eq!(header(&unchanged, "ETag"), etag);
    let changed = get(
        &app,
        &token,
        &original,
        &[("If-None-Match", "\"something-else\"")],
    )
    .await;
    assert_eq!(changed.status(), 200);

    // A range of another version is not applied: the whole current file comes back.
    let stale = get(
        &app,
        &token,
        &original,
        &[("Range", "bytes=0-9"), ("If-Range", "\"an-older-version\"")],
    )
    .await;
    assert_eq!(stale.status(), 200);
    assert_eq!(stale.bytes().await.unwrap().len(), len);

    // Renditions too (the MP4 download of a video is one).
    let thumb = format!("/api/v1/assets/{id}/renditions/thumb");
    let whole = get(&app, &token, &thumb, &[]).await;
    assert_eq!(whole.status(), 200);
    let thumb_etag = header(&whole, "ETag");
    let thumb_bytes = whole.bytes().await.unwrap();
    let part = get(&app, &token, &thumb, &[("Range", "bytes=10-19")]).await;
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().await.unwrap().as_ref(), &thumb_bytes[10..20]);
    let unchanged = get(&app, &token, &thumb, &[("If-None-Match", &thumb_etag)]).await;
    assert_eq!(unchanged.status(), 304);
    app.stop().await;
}

every_backend!(ranges_and_validators);
