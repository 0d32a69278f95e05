//! A resumable upload survives `kill -9` of the real server: the bytes synced before the kill
//! are kept, HEAD on the restarted server says where to resume, and the finished upload is the
//! asset with the right BLAKE3.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::{Duration, Instant};

use base64::Engine;
use support::{Env, last_line, stderr};

const SIZE: usize = 40_000_000;

fn file_bytes() -> Vec<u8> {
    // JPEG-signed: the ingest path only sniffs; the photo job later fails on it, which is fine.
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend((0..SIZE as u32 - 4).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    bytes
}

async fn offset(client: &reqwest::Client, url: &str, token: &str) -> reqwest::Response {
    client
        .head(url)
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap()
}

async fn killed_mid_patch(postgres: bool) {
    let env = Env::new(postgres).await;
    let out = env.run(&[
        "unit",
        "add",
        "--name",
        "威海职业学院",
        "--kind",
        "higher_vocational_college",
        "--city",
        "weihai",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let token = last_line(&out);
    let bytes = file_bytes();
    let client = reqwest::Client::new();

    let mut serve = env.spawn_serve();
    let (address, _) = serve.address();
    let metadata = format!(
        "filename {},title {}",
        base64::engine::general_purpose::STANDARD.encode("决赛.jpg"),
        base64::engine::general_purpose::STANDARD.encode("决赛")
    );
    let created = client
        .post(format!("{address}/api/v1/uploads/"))
        .bearer_auth(&token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", SIZE.to_string())
        .header("Upload-Metadata", metadata)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let path = created.headers()["Location"].to_str().unwrap()[address.len()..].to_owned();

    // A PATCH that sends half the file slowly; the server is killed while it is still open.
    let (send, mut receive) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let body = reqwest::Body::wrap_stream(futures_util::stream::poll_fn(move |cx| {
        receive.poll_recv(cx)
    }));
    let patch = tokio::spawn(
        client
            .patch(format!("{address}{path}"))
            .bearer_auth(&token)
            .header("Tus-Resumable", "1.0.0")
            .header("Content-Type", "application/offset+octet-stream")
            .header("Upload-Offset", "0")
            .body(body)
            .send(),
    );
    let half = SIZE / 2;
    for chunk in bytes[..half].chunks(1 << 20) {
        send.send(Ok(chunk.to_vec())).await.unwrap();
    }
    // Long enough for the server to sync and record at least once (every 2 s).
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let head = offset(&client, &format!("{address}{path}"), &token).await;
        let at: usize = head.headers()["Upload-Offset"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        if at > 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "nothing was recorded within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    serve.0.kill().unwrap(); // SIGKILL: no cleanup of any kind
    serve.0.wait().unwrap();
    drop(send);
    assert!(
        patch.await.unwrap().is_err(),
        "the connection died with the server"
    );

    let mut serve = env.spawn_serve();
    let (address, _) = serve.address();
    let url = format!("{address}{path}");
    let head = offset(&client, &url, &token).await;
    assert_eq!(head.status(), 200);
    let at: usize = head.headers()["Upload-Offset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(at > 0 && at <= half, "resume from {at}");
    // The dead server's lease lapses within resumable.lease_seconds (10 s).
    let deadline = Instant::now() + Duration::from_secs(20);
    let finished = loop {
        let response = client
            .patch(&url)
            .bearer_auth(&token)
            .header("Tus-Resumable", "1.0.0")
            .header("Content-Type", "application/offset+octet-stream")
            .header("Upload-Offset", at.to_string())
            .body(bytes[at..].to_vec())
            .send()
            .await
            .unwrap();
        if response.status() != 423 || Instant::now() > deadline {
            break response;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(finished.status(), 204);
    let asset_id = finished.headers()["Vocweek-Asset-Id"]
        .to_str()
        .unwrap()
        .to_owned();
    let asset: serde_json::Value = client
        .get(format!("{address}/api/v1/assets/{asset_id}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(asset["blake3"], blake3::hash(&bytes).to_hex().to_string());
    assert_eq!(asset["size"], SIZE);
}

#[tokio::test]
async fn sqlite_upload_survives_kill_9() {
    killed_mid_patch(false).await;
}

#[tokio::test]
async fn postgres_upload_survives_kill_9() {
    killed_mid_patch(true).await;
}
