//! The links the service hands out — the tus `Location`, the Atom and JSON feeds — and the
//! session cookie's `Secure` never follow `X-Forwarded-*` from a client that is not a trusted
//! proxy: they follow `public_url` when it is set, and without it a trusted proxy's word when
//! the client is one. Every request here carries the forged `X-Forwarded-Host: evil.example` and
//! `X-Forwarded-Proto: https`, and comes from 127.0.0.1.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine;
use reqwest::RequestBuilder;
use serde_json::Value;
use vocweek_domain::{Role, UnitKind};
use vocweek_tests::media::real_jpeg;
use vocweek_tests::web_session::{cookie_from, csrf_from, set_cookie_header};
use vocweek_tests::{AppOptions, Backend, TestApp, Upload, every_backend, spawn_app_with};

const PUBLIC_URL: &str = "https://vocweek.example.gov.cn";
const EVIL: &str = "evil.example";

fn forged(request: RequestBuilder) -> RequestBuilder {
    request
        .header("X-Forwarded-Host", EVIL)
        .header("X-Forwarded-Proto", "https")
}

/// What one app hands out to a client sending the forged headers.
struct Links {
    /// The new upload's `Location`.
    location: String,
    /// The approved item's id.
    id: String,
    /// The Atom feed's text.
    atom: String,
    /// The JSON feed's original-file URL of the item, and the whole page.
    original: String,
    feed: Value,
    /// The session cookie of a web sign-in is `Secure`.
    secure_cookie: bool,
}

async fn links(app: &TestApp) -> Links {
    let (_, unit) = app
        .unit("淄博职业学院", UnitKind::HigherVocationalCollege, "zibo")
        .await;
    let editor = app.user_session("chief", Role::Admin, None).await;
    let key = app.services.db.create_partner("新华网").await.unwrap().1;
    let id = app
        .upload_id(&unit, Upload::new("a.jpg", real_jpeg(1, 320, 240)))
        .await;
    app.wait_for_state(&unit, &id, "pending_review").await;
    app.review(&editor, &id, "approve").await;

    let b64 = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
    let metadata = format!(
        "filename {},title {},category {}",
        b64("实训.jpg"),
        b64("实训"),
        b64("online_showcase")
    );
    let created = forged(app.client.post(app.url("/api/v1/uploads/")))
        .bearer_auth(&unit)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", "10")
        .header("Upload-Metadata", metadata)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201, "{}", created.text().await.unwrap());
    let location = created.headers()["location"].to_str().unwrap().to_owned();

    let atom = forged(app.client.get(app.url("/api/v1/feed.atom")))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(atom.status(), 200);
    let atom = atom.text().await.unwrap();

    let feed = forged(app.client.get(app.url("/api/v1/feed")))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(feed.status(), 200);
    let feed: Value = feed.json().await.unwrap();
    assert_eq!(feed["items"][0]["asset_id"], id.as_str(), "{feed}");
    let original = feed["items"][0]["asset"]["files"]["original"]["url"]
        .as_str()
        .unwrap()
        .to_owned();

    Links {
        location,
        id,
        atom,
        original,
        feed,
        secure_cookie: secure_cookie(app).await,
    }
}

/// Signs in through the web form as a browser does (load it for its login CSRF cookie and
/// token, then post it), all with the forged headers; looks at the session cookie. By hand, not
/// `sign_in_browser`: every request must carry the forged headers.
async fn secure_cookie(app: &TestApp) -> bool {
    app.create_editor().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = forged(client.get(app.url("/login"))).send().await.unwrap();
    let presession = cookie_from(&form, "vw_login").expect("the login page sets its cookie");
    let token = csrf_from(&form.text().await.unwrap()).expect("the form's CSRF token");
    let response = forged(client.post(app.url("/login")))
        .header("cookie", format!("vw_login={presession}"))
        .form(&[
            ("username", "editor"),
            ("password", "a long editor password"),
            ("next", "/queue"),
            ("csrf", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let cookie = set_cookie_header(&response, "vw_session").expect("a session cookie");
    cookie
        .split(';')
        .any(|attribute| attribute.trim().eq_ignore_ascii_case("secure"))
}

fn options(configure: fn(&mut vocweek::config::Config)) -> AppOptions {
    AppOptions {
        configure: Some(configure),
        ..AppOptions::default()
    }
}

/// The embedded default: no `public_url`, nobody trusted. Links follow the `Host` the client
/// connected with, over plain HTTP, whatever it forwards.
async fn forwarded_headers_from_anyone_are_ignored(backend: Backend) {
    let app = spawn_app_with(backend, AppOptions::default()).await;
    let links = links(&app).await;
    assert!(
        links
            .location
            .starts_with(&format!("{}/api/v1/uploads/", app.base_url)),
        "{}",
        links.location
    );
    assert!(
        links.atom.contains(&format!(
            "<link rel=\"self\" href=\"{}/api/v1/feed.atom\"/>",
            app.base_url
        )),
        "{}",
        links.atom
    );
    let media = app.media_base_url.clone().unwrap();
    assert_eq!(
        links.original,
        format!("{media}/media/{}/original", links.id)
    );
    assert!(!links.atom.contains(EVIL), "{}", links.atom);
    assert!(!links.feed.to_string().contains(EVIL), "{}", links.feed);
    assert!(
        !links.secure_cookie,
        "a forged X-Forwarded-Proto is no HTTPS"
    );
    app.stop().await;
}

/// With `public_url`, every link starts with it, whatever the client says.
async fn public_url_makes_the_links(backend: Backend) {
    let app = spawn_app_with(
        backend,
        options(|config| config.public_url = Some(format!("{PUBLIC_URL}/"))),
    )
    .await;
    let links = links(&app).await;
    assert!(
        links
            .location
            .starts_with(&format!("{PUBLIC_URL}/api/v1/uploads/")),
        "{}",
        links.location
    );
    assert!(
        links.atom.contains(&format!(
            "<link rel=\"self\" href=\"{PUBLIC_URL}/api/v1/feed.atom\"/>"
        )),
        "{}",
        links.atom
    );
    // An HTTPS feed links to the API's origin, never to the plain-HTTP media port.
    let original = format!("{PUBLIC_URL}/media/{}/original", links.id);
    assert!(links.atom.contains(&original), "{}", links.atom);
    assert_eq!(links.original, original);
    assert!(!links.atom.contains(EVIL), "{}", links.atom);
    assert!(!links.feed.to_string().contains(EVIL), "{}", links.feed);
    assert!(links.secure_cookie, "the public site is HTTPS");
    app.stop().await;
}

/// A trusted proxy's forwarded headers are believed when no `public_url` is set; with one, it
/// makes every link even for a trusted proxy (a proxy that passes a client's X-Forwarded-Host
/// through would otherwise let the client choose where its uploader sends the file).
async fn a_trusted_proxy_is_believed_unless_public_url_is_set(backend: Backend) {
    let app = spawn_app_with(
        backend,
        options(|config| {
            config.trusted_proxies = vec!["127.0.0.1/32".to_owned()];
        }),
    )
    .await;
    let trusted = links(&app).await;
    let forwarded = format!("https://{EVIL}");
    assert!(
        trusted
            .location
            .starts_with(&format!("{forwarded}/api/v1/uploads/")),
        "{}",
        trusted.location
    );
    assert!(
        trusted.atom.contains(&format!(
            "<link rel=\"self\" href=\"{forwarded}/api/v1/feed.atom\"/>"
        )),
        "{}",
        trusted.atom
    );
    assert_eq!(
        trusted.original,
        format!("{forwarded}/media/{}/original", trusted.id)
    );
    assert!(trusted.secure_cookie);
    app.stop().await;

    let app = spawn_app_with(
        backend,
        options(|config| {
            config.public_url = Some(PUBLIC_URL.to_owned());
            config.trusted_proxies = vec!["127.0.0.1/32".to_owned()];
        }),
    )
    .await;
    let public = links(&app).await;
    assert!(
        public
            .location
            .starts_with(&format!("{PUBLIC_URL}/api/v1/uploads/")),
        "{}",
        public.location
    );
    assert!(!public.atom.contains(EVIL), "{}", public.atom);
    assert!(public.secure_cookie);
    app.stop().await;
}

every_backend!(
    forwarded_headers_from_anyone_are_ignored,
    public_url_makes_the_links,
    a_trusted_proxy_is_believed_unless_public_url_is_set,
);
