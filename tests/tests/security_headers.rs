//! The browser-side protections on every page (issue 17): a Content-Security-Policy without
//! `unsafe-inline` or `unsafe-eval` that no other site may frame, `X-Frame-Options`,
//! `nosniff`, `Referrer-Policy`, no HSTS over plain HTTP; and markup the policy lets work
//! whole: no `<style>`, no `style=`, no inline script, no `on…=` handler. Other answers get
//! their closed policy, and a handler's own policy stays.
//!
//! HSTS over HTTPS (`X-Forwarded-Proto: https` from a trusted proxy) belongs to the
//! trusted-proxy tests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use reqwest::header::HeaderMap;
use vocweek_domain::{Role, UnitKind};
use vocweek_tests::media::{generated_video, real_jpeg};
use vocweek_tests::{Backend, TestApp, Upload, both_databases, spawn_app};

/// GET with the session cookie, redirects not followed: status, headers, body.
async fn get(app: &TestApp, session: &str, path: &str) -> (u16, HeaderMap, String) {
    let response = reqwest::Client::builder()
        .pool_idle_timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url(path))
        .header("cookie", format!("vw_session={session}"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path} failed: {e}"));
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

fn header<'a>(headers: &'a HeaderMap, name: &str, path: &str) -> &'a str {
    headers
        .get(name)
        .unwrap_or_else(|| panic!("{path}: no {name} header"))
        .to_str()
        .unwrap()
}

/// The policy's directives: name → sources.
fn directives(policy: &str) -> Vec<(String, String)> {
    policy
        .split(';')
        .filter_map(|directive| {
            let directive = directive.trim();
            let (name, sources) = directive.split_once(' ').unwrap_or((directive, ""));
            (!name.is_empty()).then(|| (name.to_ascii_lowercase(), sources.trim().to_owned()))
        })
        .collect()
}

/// Names written `name=` after whitespace anywhere in the page (what ` style=` and
/// ` on[a-z]+=` would match), lower-cased.
fn attribute_names(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    lower
        .match_indices('=')
        .filter_map(|(at, _)| {
            let start = bytes[..at]
                .iter()
                .rposition(|b| !(b.is_ascii_alphanumeric() || *b == b'-'))
                .map_or(0, |i| i + 1);
            (start > 0 && start < at && bytes[start - 1].is_ascii_whitespace())
                .then(|| lower[start..at].to_owned())
        })
        .collect()
}

/// Attributes the policy refuses: `style` and event handlers (`on` + letters).
fn inline_attributes(html: &str) -> Vec<String> {
    attribute_names(html)
        .into_iter()
        .filter(|name| {
            name == "style"
                || name.strip_prefix("on").is_some_and(|rest| {
                    !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_lowercase())
                })
        })
        .collect()
}

/// `<script>` tags that are not an empty element loading a file.
fn inline_scripts(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    lower
        .match_indices("<script")
        .filter_map(|(at, _)| {
            let rest = &lower[at..];
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let tag = &rest[..end];
            let loads_a_file = tag.contains(" src=") && rest[end..].starts_with("</script>");
            (!loads_a_file).then(|| tag.to_owned())
        })
        .collect()
}

/// Everything a page must carry and must not hold.
fn check_page(path: &str, headers: &HeaderMap, html: &str) {
    let content_type = header(headers, "content-type", path);
    assert!(
        content_type.starts_with("text/html"),
        "{path}: {content_type}"
    );

    let policy = header(headers, "content-security-policy", path);
    assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
    assert!(!policy.contains("unsafe-eval"), "{path}: {policy}");
    let parsed = directives(policy);
    let sources = |name: &str| {
        parsed
            .iter()
            .find(|(directive, _)| directive == name)
            .map(|(_, sources)| sources.as_str())
    };
    assert_eq!(
        sources("frame-ancestors"),
        Some("'none'"),
        "{path}: {policy}"
    );
    assert_eq!(sources("script-src"), Some("'self'"), "{path}: {policy}");
    assert_eq!(sources("style-src"), Some("'self'"), "{path}: {policy}");
    assert_eq!(sources("object-src"), Some("'none'"), "{path}: {policy}");
    assert_eq!(sources("base-uri"), Some("'none'"), "{path}: {policy}");
    assert_eq!(header(headers, "x-frame-options", path), "DENY");
    assert_eq!(header(headers, "x-content-type-options", path), "nosniff");
    assert_eq!(header(headers, "referrer-policy", path), "same-origin");
    assert!(
        headers.get("strict-transport-security").is_none(),
        "{path}: HSTS over plain HTTP"
    );

    let lower = html.to_ascii_lowercase();
    assert!(
        lower.contains("<link rel=\"stylesheet\" href=\"/static/site.css\">"),
        "{path}"
    );
    assert!(!lower.contains("<style"), "{path}: a <style> block");
    assert!(!lower.contains("javascript:"), "{path}: a javascript: URL");
    let attributes = inline_attributes(html);
    assert!(attributes.is_empty(), "{path}: inline {attributes:?}");
    let scripts = inline_scripts(html);
    assert!(scripts.is_empty(), "{path}: inline scripts {scripts:?}");
}

/// The checks themselves catch what they look for.
#[test]
fn the_markup_checks_catch_inline_code() {
    let bad = "<p style=\"color:red\">a</p><button onClick=\"go()\">b</button>\
               <script>alert(1)</script><script src=\"/a.js\">alert(2)</script>\
               <script src=\"/b.js\" defer></script>";
    assert_eq!(inline_attributes(bad), ["style", "onclick"]);
    assert_eq!(inline_scripts(bad), ["<script>", "<script src=\"/a.js\">"]);
    let good = "<form class=\"inline\" data-on=\"x\" action=\"/a?b=c\"></form>\
                <p>online=yes</p><script src=\"/b.js\" defer></script>";
    assert!(inline_attributes(good).is_empty());
    assert!(inline_scripts(good).is_empty());
    assert_eq!(
        directives("default-src 'self'; frame-ancestors 'none'"),
        [
            ("default-src".to_owned(), "'self'".to_owned()),
            ("frame-ancestors".to_owned(), "'none'".to_owned())
        ]
    );
}

async fn every_page_sends_the_policy_and_keeps_to_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit(
            "青岛职业技术学院",
            UnitKind::HigherVocationalCollege,
            "qingdao",
        )
        .await;
    let photo = app
        .upload_id(&unit, Upload::new("p.jpg", real_jpeg(3, 320, 240)))
        .await;
    app.wait_for_state(&unit, &photo, "pending_review").await;
    // Two seconds of small silent video: enough for the player and its poster.
    let video = generated_video(
        "-f lavfi -i testsrc2=size=320x240:rate=25 -t 2 -c:v libx264 -preset ultrafast -pix_fmt yuv420p",
        "mp4",
    );
    let video = app.upload_id(&unit, Upload::new("v.mp4", video)).await;
    app.wait_for_state_within(&unit, &video, "pending_review", Duration::from_secs(120))
        .await;
    let admin = app.user_session("chief", Role::Admin, None).await;

    let photo_page = format!("/queue/{photo}");
    let video_page = format!("/queue/{video}");
    let pages: [(&str, u16, Option<&str>); 17] = [
        ("/login", 200, None),
        ("/queue", 200, Some("class=\"card\"")),
        (&photo_page, 200, Some("renditions/preview")),
        (&video_page, 200, Some("<video id=\"player\"")),
        ("/queue/no-such-item", 404, None),
        ("/upload", 200, Some("/static/tus.min.js")),
        ("/report", 200, Some("/static/report.js")),
        ("/my", 200, Some("/static/submissions.js")),
        ("/dashboard", 200, None),
        ("/batches", 200, None),
        ("/reporting", 200, None),
        ("/reporting/statistics", 200, None),
        ("/tracker", 200, None),
        ("/tracker?day=1999-01-01", 422, None),
        ("/webhooks", 200, None),
        ("/campaigns", 200, None),
        ("/account/password", 200, None),
    ];
    for (path, status, shows) in pages {
        let (got, headers, html) = get(&app, &admin, path).await;
        assert_eq!(got, status, "{path}: {html}");
        if let Some(shows) = shows {
            assert!(html.contains(shows), "{path} should show {shows}: {html}");
        }
        check_page(path, &headers, &html);
    }

    // The style sheet the pages link, with the classes that replaced their style= attributes.
    let (status, headers, css) = get(&app, &admin, "/static/site.css").await;
    assert_eq!(status, 200);
    assert_eq!(
        header(&headers, "content-type", "site.css"),
        "text/css; charset=utf-8"
    );
    assert!(header(&headers, "cache-control", "site.css").contains("max-age"));
    for rule in [
        "form.inline{",
        "form.decision{",
        "img.preview{",
        "video.player{",
    ] {
        assert!(css.contains(rule), "site.css lacks {rule}");
    }

    // Not pages: a closed policy and the same nosniff and referrer rules.
    for path in ["/healthz", "/api/v1/no-such-thing", "/static/queue.js"] {
        let (_, headers, _) = get(&app, &admin, path).await;
        assert_eq!(
            header(&headers, "content-security-policy", path),
            "default-src 'none'; frame-ancestors 'none'"
        );
        assert_eq!(header(&headers, "x-content-type-options", path), "nosniff");
        assert_eq!(header(&headers, "referrer-policy", path), "same-origin");
        assert!(headers.get("strict-transport-security").is_none(), "{path}");
    }

    // A handler's own policy stays: an original is sandboxed whatever it holds.
    let original = app
        .client
        .get(app.url(&format!("/api/v1/assets/{photo}/original")))
        .bearer_auth(&unit)
        .send()
        .await
        .unwrap();
    assert_eq!(original.status(), 200);
    assert_eq!(
        original.headers()["content-security-policy"],
        "default-src 'none'; sandbox"
    );
    assert_eq!(original.headers()["x-content-type-options"], "nosniff");
    app.stop().await;
}

both_databases!(every_page_sends_the_policy_and_keeps_to_it);
