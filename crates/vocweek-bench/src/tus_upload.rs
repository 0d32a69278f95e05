//! A tus client for the resumable-upload benchmark: the same client against vocweek and against
//! the reference Node.js server, so only the servers differ. Creates the upload, then sends the
//! file in PATCHes of CHUNK bytes, one after the other, each streamed from the file, like
//! tus-js-client does.
//!
//! Usage: `tus-upload ENDPOINT FILE CHUNK_BYTES [TOKEN]` — prints
//! `<bytes> <seconds> <MB/s> <last PATCH seconds>`.

use std::process::ExitCode;
use std::time::Instant;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (endpoint, file, chunk, token) = match args.as_slice() {
        [endpoint, file, chunk] => (endpoint, file, chunk, None),
        [endpoint, file, chunk, token] => (endpoint, file, chunk, Some(token)),
        _ => {
            eprintln!("usage: tus-upload ENDPOINT FILE CHUNK_BYTES [TOKEN]");
            return ExitCode::from(2);
        }
    };
    let Ok(chunk) = chunk.parse::<usize>() else {
        eprintln!("tus-upload: CHUNK_BYTES is a number");
        return ExitCode::from(2);
    };
    match upload(endpoint, file, chunk, token.map(String::as_str)).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("tus-upload: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn upload(
    endpoint: &str,
    file: &str,
    chunk: usize,
    token: Option<&str>,
) -> Result<(), Box<dyn std::error::Error>> {
    let client = reqwest::Client::new();
    let with_auth = |request: reqwest::RequestBuilder| match token {
        Some(token) => request.bearer_auth(token).header("Tus-Resumable", "1.0.0"),
        None => request.header("Tus-Resumable", "1.0.0"),
    };
    let length = std::fs::metadata(file)?.len();
    let started = Instant::now();
    // title "bench", filename "replay.mp4", in base64.
    let created = with_auth(client.post(endpoint))
        .header("Upload-Length", length.to_string())
        .header(
            "Upload-Metadata",
            "title YmVuY2g=,filename cmVwbGF5Lm1wNA==",
        )
        .send()
        .await?;
    if created.status() != 201 {
        return Err(format!("creation answered {}", created.status()).into());
    }
    let location = created
        .headers()
        .get("Location")
        .ok_or("no Location")?
        .to_str()?
        .to_owned();
    let url = if location.starts_with("http") {
        location
    } else {
        let origin: String = endpoint
            .splitn(4, '/')
            .take(3)
            .collect::<Vec<_>>()
            .join("/");
        format!("{origin}{location}")
    };
    let mut offset = 0u64;
    let mut last = 0.0;
    while offset < length {
        let take = (length - offset).min(chunk as u64);
        // The chunk streams from the file as it is sent (as curl and tus-js-client do), so
        // reading and sending overlap.
        let mut part = tokio::fs::File::open(file).await?;
        tokio::io::AsyncSeekExt::seek(&mut part, std::io::SeekFrom::Start(offset)).await?;
        let body = reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::with_capacity(
            tokio::io::AsyncReadExt::take(part, take),
            1 << 20,
        ));
        let sent = Instant::now();
        let response = with_auth(client.patch(&url))
            .header("Content-Type", "application/offset+octet-stream")
            .header("Upload-Offset", offset.to_string())
            .header("Content-Length", take.to_string())
            .body(body)
            .send()
            .await?;
        if response.status() != 204 {
            return Err(format!(
                "PATCH at {offset} answered {}: {}",
                response.status(),
                response.text().await.unwrap_or_default()
            )
            .into());
        }
        last = sent.elapsed().as_secs_f64();
        offset += take;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{length} {seconds:.3} {:.1} {last:.3}",
        length as f64 / seconds / 1e6
    );
    Ok(())
}
