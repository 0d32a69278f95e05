//! `/media/{asset}/{name}` for partners: API key or signed URL, ranges, validators, the file
//! name, CORS, HLS under a signed URL, and (with S3) a redirect to a presigned URL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use vocweek_domain::{Role, UnitKind};
use vocweek_tests::media::{generated_video, real_jpeg};
use vocweek_tests::{
    AppOptions, Backend, Storage, TestApp, Upload, every_backend, spawn_app, spawn_app_with,
};

/// An approved photo named in Chinese, a pending one, and a partner key.
async fn setup(app: &TestApp) -> (String, String, String, Vec<u8>) {
    let (_, unit) = app
        .unit(
            "日照职业技术学院",
            UnitKind::HigherVocationalCollege,
            "rizhao",
        )
        .await;
    let editor = app.user_session("chief", Role::Admin, None).await;
    let key = app.services.db.create_partner("大众网").await.unwrap().1;
    let bytes = real_jpeg(21, 800, 600);
    let approved = app
        .upload_id(&unit, Upload::new("技能 大赛.jpg", bytes.clone()))
        .await;
    let pending = app
        .upload_id(&unit, Upload::new("待审.jpg", real_jpeg(22, 320, 240)))
        .await;
    app.wait_for_state(&unit, &approved, "pending_review").await;
    app.wait_for_state(&unit, &pending, "pending_review").await;
    app.review(&editor, &approved, "approve").await;
    (approved, pending, key, bytes)
}

/// `path` through one front end (`TestApp::media_front_ends`).
async fn get(
    app: &TestApp,
    front: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = app.client.get(format!("{front}{path}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

async fn a_partner_downloads_with_a_key_or_a_signed_url(backend: Backend) {
    let app = spawn_app(backend).await;
    let (id, pending, key, bytes) = setup(&app).await;
    for front in app.media_front_ends() {
        downloads_through(&app, &front, (&id, &pending), &key, &bytes).await;
    }
    // The feed links to the media port, where downloads cost the server least.
    let (_, feed) = app.get(&key, "/api/v1/feed").await;
    let media_port = app.media_base_url.clone().unwrap();
    for name in ["original", "thumb", "preview"] {
        let file = &feed["items"][0]["asset"]["files"][name];
        for link in ["url", "signed_url"] {
            let url = file[link].as_str().unwrap();
            assert!(url.starts_with(&format!("{media_port}/media/")), "{url}");
        }
    }
    app.stop().await;
}

/// Every check of a partner's downloads, through one front end.
async fn downloads_through(
    app: &TestApp,
    front: &str,
    (id, pending): (&str, &str),
    key: &str,
    bytes: &[u8],
) {
    let bearer = format!("Bearer {key}");
    let auth = [("authorization", bearer.as_str())];

    let whole = get(app, front, &format!("/media/{id}/original"), &auth).await;
    assert_eq!(whole.status(), 200);
    let headers = whole.headers().clone();
    let blake3 = blake3::hash(bytes).to_hex().to_string();
    assert_eq!(headers["etag"], format!("\"{blake3}\"").as_str());
    assert_eq!(headers["content-type"], "image/jpeg");
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert_eq!(headers["accept-ranges"], "bytes");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"_____.jpg\"; filename*=UTF-8''%E6%8A%80%E8%83%BD%20%E5%A4%A7%E8%B5%9B.jpg"
    );
    assert_eq!(whole.bytes().await.unwrap().to_vec(), bytes);

    let part = get(
        app,
        front,
        &format!("/media/{id}/original"),
        &[auth[0], ("range", "bytes=100-199")],
    )
    .await;
    assert_eq!(part.status(), 206);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 100-199/{}", bytes.len()).as_str()
    );
    assert_eq!(part.bytes().await.unwrap().to_vec(), bytes[100..200]);
    let past = get(
        app,
        front,
        &format!("/media/{id}/original"),
        &[auth[0], ("range", &format!("bytes={}-", bytes.len()))],
    )
    .await;
    assert_eq!(past.status(), 416);
    let etag = format!("\"{blake3}\"");
    let unchanged = get(
        app,
        front,
        &format!("/media/{id}/original"),
        &[auth[0], ("if-none-match", &etag)],
    )
    .await;
    assert_eq!(unchanged.status(), 304);

    let thumb = get(app, front, &format!("/media/{id}/thumb"), &auth).await;
    assert_eq!(thumb.status(), 200);
    assert_eq!(thumb.headers()["content-type"], "image/webp");

    // The feed's signed URL works without a key, and only as it was signed.
    let (_, feed) = app.get(key, "/api/v1/feed").await;
    let signed = feed["items"][0]["asset"]["files"]["preview"]["signed_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = signed
        .split_once("/media/")
        .map(|(_, p)| format!("/media/{p}"))
        .unwrap();
    let anonymous = get(app, front, &path, &[]).await;
    assert_eq!(anonymous.status(), 200);
    assert!(
        anonymous.headers()["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("public")
    );
    let tampered = path.replace("expires=", "expires=1");
    let refused = get(app, front, &tampered, &[]).await;
    assert_eq!(refused.status(), 403);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "signature-invalid");
    let other_asset = path.replace(id, pending);
    assert_eq!(get(app, front, &other_asset, &[]).await.status(), 403);
    let past = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        - 10;
    let expired_query = app.services.distribution.signer.query(id, past);
    let expired = get(
        app,
        front,
        &format!("/media/{id}/preview?{expired_query}"),
        &[],
    )
    .await;
    assert_eq!(expired.status(), 403);
    let body: Value = expired.json().await.unwrap();
    assert_eq!(body["error"]["code"], "url-expired");

    // Nothing unapproved, no key, no unit token, no unknown file.
    assert_eq!(
        get(app, front, &format!("/media/{pending}/original"), &auth)
            .await
            .status(),
        404
    );
    assert_eq!(
        get(app, front, &format!("/media/{id}/original"), &[])
            .await
            .status(),
        401
    );
    // A header that is not a bearer token, or not text at all, is a 401 too.
    let unreadable = reqwest::header::HeaderValue::from_bytes(b"Bearer \xff\xfe").unwrap();
    for value in [
        reqwest::header::HeaderValue::from_static("Basic YTpi"),
        unreadable,
    ] {
        let refused = app
            .client
            .get(format!("{front}/media/{id}/original"))
            .header("authorization", value)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 401);
    }
    assert_eq!(
        get(app, front, &format!("/media/{id}/secret.txt"), &auth)
            .await
            .status(),
        404
    );
    assert_eq!(
        get(app, front, &format!("/media/{id}/hls/../../x.m3u8"), &auth)
            .await
            .status(),
        404
    );

    // A web player's preflight.
    let preflight = app
        .client
        .request(
            reqwest::Method::OPTIONS,
            format!("{front}/media/{id}/original"),
        )
        .header("origin", "https://player.example")
        .header("access-control-request-headers", "range")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 204);
    assert!(
        preflight.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("Range")
    );
}

/// A video's HLS stream through a signed URL: the playlists' links carry the signature, so a
/// player fetches every segment without a key; the MP4 download is named after the original.
async fn a_signed_hls_stream_plays_without_a_key(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit("临沂职业学院", UnitKind::HigherVocationalCollege, "linyi")
        .await;
    let editor = app.user_session("chief", Role::Admin, None).await;
    let key = app.services.db.create_partner("齐鲁网").await.unwrap().1;
    let video = generated_video(
        "-f lavfi -i testsrc2=size=320x240:rate=25 -f lavfi -i sine=frequency=440 -t 3 -c:v libx264 -preset ultrafast -c:a aac -shortest",
        "mp4",
    );
    let id = app
        .upload_id(&unit, Upload::new("比赛 直播.mp4", video))
        .await;
    app.wait_for_state_within(
        &unit,
        &id,
        "pending_review",
        std::time::Duration::from_secs(120),
    )
    .await;
    app.review(&editor, &id, "approve").await;
    let (_, feed) = app.get(&key, "/api/v1/feed").await;
    let files = &feed["items"][0]["asset"]["files"];
    let master = files["hls"]["signed_url"].as_str().unwrap();
    let path = |url: &str| {
        url.split_once("/media/")
            .map(|(_, p)| format!("/media/{p}"))
            .unwrap()
    };
    for front in app.media_front_ends() {
        plays_through(
            &app,
            &front,
            &path(master),
            &path(files["download"]["signed_url"].as_str().unwrap()),
        )
        .await;
    }
    app.stop().await;
}

/// The player's requests and the MP4 download, through one front end.
async fn plays_through(app: &TestApp, front: &str, master: &str, download: &str) {
    let base = master.rsplit_once('/').unwrap().0.to_owned();
    let playlist = get(app, front, master, &[]).await.text().await.unwrap();
    let variant = playlist
        .lines()
        .find(|l| l.ends_with(|c: char| c.is_alphanumeric()) && !l.starts_with('#'))
        .unwrap()
        .to_owned();
    assert!(variant.contains("signature="), "{playlist}");
    let variant_text = get(app, front, &format!("{base}/{variant}"), &[])
        .await
        .text()
        .await
        .unwrap();
    let segment = variant_text
        .lines()
        .find(|l| !l.starts_with('#') && !l.is_empty())
        .unwrap();
    let bytes = get(app, front, &format!("{base}/{segment}"), &[]).await;
    assert_eq!(bytes.status(), 200);
    assert_eq!(bytes.headers()["content-type"], "video/mp2t");
    assert!(!bytes.bytes().await.unwrap().is_empty());
    let download = get(app, front, download, &[]).await;
    assert_eq!(download.status(), 200);
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''%E6%AF%94%E8%B5%9B%20%E7%9B%B4%E6%92%AD.mp4")
    );
}

/// With `partners.redirect_to_store`, an S3 store answers with a presigned URL of the bucket
/// that serves the same bytes; the filesystem store has none and serves the bytes itself.
async fn the_store_can_serve_the_bytes_itself(backend: Backend) {
    let app = spawn_app_with(
        backend,
        AppOptions {
            configure: Some(|config| config.partners.redirect_to_store = true),
            ..AppOptions::default()
        },
    )
    .await;
    let (id, _, key, bytes) = setup(&app).await;
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for front in app.media_front_ends() {
        let response = no_redirects
            .get(format!("{front}/media/{id}/original"))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        match backend.storage {
            Storage::Garage => {
                assert_eq!(response.status(), 302);
                let location = response.headers()["location"].to_str().unwrap().to_owned();
                assert!(location.contains("X-Amz-Signature="), "{location}");
                let direct = no_redirects.get(&location).send().await.unwrap();
                assert_eq!(direct.status(), 200);
                assert!(
                    direct.headers()["content-disposition"]
                        .to_str()
                        .unwrap()
                        .contains("UTF-8''")
                );
                assert_eq!(direct.bytes().await.unwrap().to_vec(), bytes);
            }
            Storage::Files => {
                assert_eq!(response.status(), 200);
                assert_eq!(response.bytes().await.unwrap().to_vec(), bytes);
            }
        }
    }
    app.stop().await;
}

/// An approved photo fetched once with a partner key, then reopened (withdrawn) by an admin.
/// Returns its original's path and the key's `Authorization` value.
async fn served_then_withdrawn(app: &TestApp) -> (String, String) {
    let (id, _, key, _) = setup(app).await;
    let admin = app.user_session("admin2", Role::Admin, None).await;
    let auth = format!("Bearer {key}");
    let path = format!("/media/{id}/original");
    for front in app.media_front_ends() {
        let served = get(app, &front, &path, &[("Authorization", &auth)]).await;
        assert_eq!(served.status(), 200);
    }
    app.review(&admin, &id, "reopen").await;
    (path, auth)
}

/// `/media` remembers a key's owner and a file's place for `partners.media_cache_seconds`: a
/// withdrawn item is served for at most that long, then refused; with 0 it is refused at once.
async fn a_withdrawn_item_is_refused_once_the_cache_lapses(backend: Backend) {
    let app = spawn_app_with(
        backend,
        AppOptions {
            configure: Some(|config| config.partners.media_cache_seconds = 2),
            ..AppOptions::default()
        },
    )
    .await;
    let (path, auth) = served_then_withdrawn(&app).await;
    // Remembered for a moment by this node (both front ends share the memory)…
    for front in app.media_front_ends() {
        let served = get(&app, &front, &path, &[("Authorization", &auth)]).await;
        assert_eq!(served.status(), 200);
    }
    // … and refused once the entry lapses.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let mut statuses = Vec::new();
        for front in app.media_front_ends() {
            statuses.push(
                get(&app, &front, &path, &[("Authorization", &auth)])
                    .await
                    .status(),
            );
        }
        if statuses.iter().all(|status| *status == 404) {
            break;
        }
        let status = format!("{statuses:?}");
        assert!(
            std::time::Instant::now() < deadline,
            "still served: {status}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    app.stop().await;

    // Without the cache a withdrawal takes effect on the next request.
    let app = spawn_app_with(
        backend,
        AppOptions {
            configure: Some(|config| config.partners.media_cache_seconds = 0),
            ..AppOptions::default()
        },
    )
    .await;
    let (path, auth) = served_then_withdrawn(&app).await;
    for front in app.media_front_ends() {
        let refused = get(&app, &front, &path, &[("Authorization", &auth)]).await;
        assert_eq!(refused.status(), 404);
    }
    app.stop().await;
}

every_backend!(
    a_withdrawn_item_is_refused_once_the_cache_lapses,
    a_partner_downloads_with_a_key_or_a_signed_url,
    a_signed_hls_stream_plays_without_a_key,
    the_store_can_serve_the_bytes_itself,
);
