//! The media port (`partners.media_listen`) as HTTP: kept-alive and pipelined requests, HEAD,
//! a download bigger than the socket buffers read slowly, a client that hangs up mid-download,
//! and requests it refuses. Its `/media` answers themselves are checked by `media_delivery`,
//! which runs every case through both ports.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use vocweek_domain::{Role, UnitKind};
use vocweek_tests::media::noisy_jpeg;
use vocweek_tests::{Backend, Storage, TestApp, Upload, every_backend, spawn_app};

/// A big approved photo and a partner key.
async fn approved_photo(app: &TestApp) -> (String, String, Vec<u8>) {
    let (_, unit) = app
        .unit("淄博职业学院", UnitKind::HigherVocationalCollege, "zibo")
        .await;
    let editor = app.user_session("chief", Role::Admin, None).await;
    let key = app.services.db.create_partner("鲁网").await.unwrap().1;
    let bytes = noisy_jpeg(7, 1600, 1200);
    assert!(bytes.len() > 2 << 20, "big enough to fill socket buffers");
    let id = app
        .upload_id(&unit, Upload::new("实训 现场.jpg", bytes.clone()))
        .await;
    app.wait_for_state(&unit, &id, "pending_review").await;
    app.review(&editor, &id, "approve").await;
    (id, key, bytes)
}

async fn connect(app: &TestApp) -> TcpStream {
    let address = app
        .media_base_url
        .as_deref()
        .unwrap()
        .trim_start_matches("http://");
    TcpStream::connect(address).await.unwrap()
}

/// One response off a raw connection: status, lower-case headers, body (none for HEAD).
async fn read_response(
    stream: &mut TcpStream,
    pending: &mut Vec<u8>,
    head_request: bool,
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let end = loop {
        if let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let mut chunk = [0u8; 4096];
        let read = stream.read(&mut chunk).await.unwrap();
        assert!(read > 0, "closed before a whole head: {pending:?}");
        pending.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8(pending.drain(..end).collect()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap()[9..12].parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(": "))
        .map(|(n, v)| (n.to_ascii_lowercase(), v.to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map_or(0, |(_, v)| v.parse().unwrap());
    let length = if head_request { 0 } else { length };
    while pending.len() < length {
        let mut chunk = vec![0u8; 64 * 1024];
        let read = stream.read(&mut chunk).await.unwrap();
        assert!(read > 0, "closed mid-body");
        pending.extend_from_slice(&chunk[..read]);
    }
    let body = pending.drain(..length).collect();
    (status, headers, body)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

async fn closed(stream: &mut TcpStream) -> bool {
    let mut rest = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut rest))
        .await
        .is_ok_and(|read| read.is_ok_and(|n| n == 0))
}

async fn the_media_port_speaks_http_1_1(backend: Backend) {
    let app = spawn_app(backend).await;
    let (id, key, bytes) = approved_photo(&app).await;

    // Three requests in one write: a range, HEAD, another range; answered in order on one
    // connection.
    let mut stream = connect(&app).await;
    let request = |method: &str, range: &str| {
        format!(
            "{method} /media/{id}/original HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\nRange: bytes={range}\r\n\r\n"
        )
    };
    let pipelined = request("GET", "0-9") + &request("HEAD", "0-") + &request("GET", "1000-1999");
    stream.write_all(pipelined.as_bytes()).await.unwrap();
    let mut pending = Vec::new();
    let (status, headers, body) = read_response(&mut stream, &mut pending, false).await;
    assert_eq!(status, 206);
    assert_eq!(body, bytes[..10]);
    assert_eq!(header(&headers, "connection"), Some("keep-alive"));
    assert_eq!(header(&headers, "access-control-allow-origin"), Some("*"));
    let (status, headers, body) = read_response(&mut stream, &mut pending, true).await;
    assert_eq!(status, 206);
    assert!(body.is_empty());
    assert_eq!(
        header(&headers, "content-length"),
        Some(bytes.len().to_string().as_str())
    );
    let (status, _, body) = read_response(&mut stream, &mut pending, false).await;
    assert_eq!(status, 206);
    assert_eq!(body, bytes[1000..2000]);

    // The whole file, read slowly in small pieces: every byte arrives, in order.
    stream
        .write_all(
            format!("GET /media/{id}/original HTTP/1.1\r\nAuthorization: Bearer {key}\r\n\r\n")
                .as_bytes(),
        )
        .await
        .unwrap();
    let mut whole = Vec::new();
    let mut head_seen = None;
    while head_seen.is_none_or(|end| whole.len() < end + bytes.len()) {
        let mut chunk = [0u8; 16 * 1024];
        let read = stream.read(&mut chunk).await.unwrap();
        assert!(read > 0, "closed mid-download");
        whole.extend_from_slice(&chunk[..read]);
        if head_seen.is_none() {
            head_seen = whole
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .map(|p| p + 4);
        }
        if whole.len() < 256 * 1024 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    let start = head_seen.unwrap();
    assert!(whole.starts_with(b"HTTP/1.1 200 OK\r\n"));
    assert_eq!(whole[start..], bytes[..]);

    // A client that hangs up mid-download costs the server nothing lasting.
    let mut quitter = connect(&app).await;
    quitter
        .write_all(
            format!("GET /media/{id}/original HTTP/1.1\r\nAuthorization: Bearer {key}\r\n\r\n")
                .as_bytes(),
        )
        .await
        .unwrap();
    let mut some = [0u8; 64 * 1024];
    quitter.read_exact(&mut some).await.unwrap();
    drop(quitter);
    let again = app
        .client
        .get(format!(
            "{}/media/{id}/original",
            app.media_base_url.as_deref().unwrap()
        ))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(again.bytes().await.unwrap().to_vec(), bytes);

    // HTTP/1.0 without keep-alive: answered, then closed.
    let mut old = connect(&app).await;
    old.write_all(b"GET /healthz HTTP/1.0\r\n\r\n")
        .await
        .unwrap();
    let (status, headers, body) = read_response(&mut old, &mut Vec::new(), false).await;
    assert_eq!((status, body.as_slice()), (200, b"ok\n".as_slice()));
    assert_eq!(header(&headers, "connection"), Some("close"));
    assert!(closed(&mut old).await);

    // Counted with the API port's requests, under a route of their own.
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics
            .lines()
            .any(|line| line.starts_with("vocweek_http_requests_total")
                && line.contains("route=\"media port\"")
                && line.contains("status=\"206\"")
                && line.contains("method=\"HEAD\"")),
        "{metrics}"
    );
    app.stop().await;
}

/// What the media port refuses, each with the API's error envelope; none of it stops the
/// port from serving the next client.
async fn the_media_port_refuses_what_it_cannot_serve(backend: Backend) {
    let app = spawn_app(backend).await;
    let cases: [(&[u8], u16, &str); 7] = [
        (b"GARBAGE\r\n\r\n", 400, "malformed-request"),
        (
            b"GET /media/a/original HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
            400,
            "body-not-allowed",
        ),
        (
            b"POST /media/a/original HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
            405,
            "method-not-allowed",
        ),
        (
            b"GET /media/a/original HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\nhello",
            400,
            "body-not-allowed",
        ),
        (b"GET /api/v1/feed HTTP/1.1\r\n\r\n", 404, "not-found"),
        (
            b"GET /media/%FF%FE/original HTTP/1.1\r\n\r\n",
            400,
            "malformed-request",
        ),
        (
            b"GET /media/a/original HTTP/1.1\r\n\r\n",
            401,
            "missing-token",
        ),
    ];
    for (request, expected, code) in cases {
        let mut stream = connect(&app).await;
        stream.write_all(request).await.unwrap();
        let (status, headers, body) = read_response(&mut stream, &mut Vec::new(), false).await;
        assert_eq!(status, expected, "{}", String::from_utf8_lossy(request));
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"]["code"], code);
        if expected == 405 {
            assert_eq!(header(&headers, "allow"), Some("GET, HEAD, OPTIONS"));
        }
        if expected == 401 {
            assert_eq!(header(&headers, "www-authenticate"), Some("Bearer"));
        }
    }

    // A head past 16 KiB: 431, and the connection is closed.
    let mut stream = connect(&app).await;
    let huge = format!(
        "GET /media/a/original HTTP/1.1\r\nX-Filler: {}\r\n\r\n",
        "x".repeat(20_000)
    );
    stream.write_all(huge.as_bytes()).await.unwrap();
    let (status, _, _) = read_response(&mut stream, &mut Vec::new(), false).await;
    assert_eq!(status, 431);
    assert!(closed(&mut stream).await);

    // A client that connects and hangs up without a word.
    drop(connect(&app).await);
    let health = app
        .client
        .get(format!(
            "{}/healthz",
            app.media_base_url.as_deref().unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    app.stop().await;
}

/// A stored file that no longer matches its record (a rendition rewritten under a reader; here
/// the original cut short on disk) is answered 503 `file-changed`, never a 200 with the wrong
/// length; a missing one is a 404, for HEAD as for GET. Both ports.
async fn a_changed_or_missing_file_is_never_sent_short(backend: Backend) {
    let app = spawn_app(backend).await;
    let (id, key, bytes) = approved_photo(&app).await;
    let path = format!("/media/{id}/original");
    let stored = vocweek_storage::original_key(&blake3::hash(&bytes).to_hex()).unwrap();
    let status_of = |front: String, method: reqwest::Method| {
        let request = app
            .client
            .request(method, format!("{front}{path}"))
            .bearer_auth(&key);
        async move { request.send().await.unwrap() }
    };
    if backend.storage == Storage::Files {
        let on_disk = app.data_dir.join("blobs").join(&stored);
        std::fs::write(&on_disk, &bytes[..1000]).unwrap();
        for front in app.media_front_ends() {
            for method in [reqwest::Method::GET, reqwest::Method::HEAD] {
                let answer = status_of(front.clone(), method.clone()).await;
                assert_eq!(answer.status(), 503, "{method} {front}");
                assert_eq!(answer.headers()["retry-after"], "1");
            }
            let answer = status_of(front.clone(), reqwest::Method::GET).await;
            let body: Value = answer.json().await.unwrap();
            assert_eq!(body["error"]["code"], "file-changed");
        }
    }
    app.services.store.delete(&stored).await.unwrap();
    for front in app.media_front_ends() {
        for method in [reqwest::Method::GET, reqwest::Method::HEAD] {
            let answer = status_of(front.clone(), method.clone()).await;
            assert_eq!(answer.status(), 404, "{method} {front}");
        }
    }
    app.stop().await;
}

every_backend!(
    the_media_port_speaks_http_1_1,
    the_media_port_refuses_what_it_cannot_serve,
    a_changed_or_missing_file_is_never_sent_short,
);
