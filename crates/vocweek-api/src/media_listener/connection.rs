//! One client connection: requests one after another (keep-alive, pipelining), each routed to
//! `/media`'s answer, a CORS preflight, `/healthz`, or an error.

use std::io;
use std::net::IpAddr;
use std::time::Duration;

use actix_web::http::StatusCode;
use bytes::BytesMut;
use tokio::net::TcpStream;

use super::request_head::{Head, RequestHead, read_head};
use super::response::write_answer;
use crate::distribution::media_answer::{MediaAnswer, MediaBody, MediaRequest};
use crate::distribution::media_answer_for;
use crate::ranged::Conditions;
use crate::{ApiError, AppState};

/// How long a kept-alive connection may sit idle, or take to send a request head.
pub const IDLE: Duration = Duration::from_secs(30);

/// How long a closing connection is drained of what the client still sends.
const LINGER: Duration = Duration::from_secs(2);

pub async fn serve(mut stream: TcpStream, state: &AppState) -> io::Result<()> {
    // Heads go out with MSG_MORE and bodies in full segments, so Nagle only adds delay.
    stream.set_nodelay(true)?;
    let answered = requests(&mut stream, state).await;
    if answered.is_ok() {
        linger(&mut stream).await;
    }
    answered
}

/// Closes our side, then reads and drops what the client still sends for a moment: closing
/// with unread bytes (a body we refused, pipelined requests after `Connection: close`) would
/// reset the connection and could destroy the answer before the client reads it.
async fn linger(stream: &mut TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    if stream.shutdown().await.is_err() {
        return;
    }
    let mut sink = [0u8; 8192];
    let _ = tokio::time::timeout(LINGER, async {
        let mut drained = 0;
        while drained < (1 << 20) {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(n) => drained += n,
            }
        }
    })
    .await;
}

/// Answers requests until the client or an answer ends the connection.
async fn requests(stream: &mut TcpStream, state: &AppState) -> io::Result<()> {
    let mut buffer = BytesMut::with_capacity(4096);
    let client = stream.peer_addr().ok().map(|a| a.ip());
    loop {
        let head = match tokio::time::timeout(IDLE, read_head(stream, &mut buffer)).await {
            Ok(head) => head?,
            Err(_) => return Ok(()),
        };
        let request = match head {
            Head::Request(request) => request,
            Head::Closed => return Ok(()),
            Head::TooLarge => {
                let error = ApiError::new(
                    StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "head-too-large",
                    "the request head is over 16 KiB or 64 headers",
                );
                return write_answer(stream, state, MediaAnswer::error(&error), false, false)
                    .await
                    .map(drop);
            }
            Head::Malformed => {
                let error = ApiError::bad_request("malformed-request", "not an HTTP/1.x request");
                return write_answer(stream, state, MediaAnswer::error(&error), false, false)
                    .await
                    .map(drop);
            }
        };
        let keep_alive = request.keep_alive() && !request.has_body();
        let started = std::time::Instant::now();
        let answer = route(state, &request, client).await;
        let took = started.elapsed();
        let head_only = request.method == "HEAD";
        let sent = write_answer(stream, state, answer, head_only, keep_alive).await?;
        record(state, &request.method, sent, took);
        if !keep_alive {
            return Ok(());
        }
    }
}

/// The same counters as the API port's requests, under a route of their own; the latency is
/// the time to the answer's head, as there.
fn record(state: &AppState, method: &str, status: StatusCode, took: Duration) {
    const ROUTE: &str = "media port";
    // Any token is a method to the parser; only ours get a label of their own.
    let method = match method {
        "GET" | "HEAD" | "OPTIONS" => method,
        _ => "other",
    };
    let status = status.as_u16().to_string();
    state
        .metrics
        .http_requests
        .with_label_values(&[ROUTE, method, status.as_str()])
        .inc();
    state
        .metrics
        .http_latency
        .with_label_values(&[ROUTE, method])
        .observe(took.as_secs_f64());
}

async fn route(state: &AppState, request: &RequestHead, client: Option<IpAddr>) -> MediaAnswer {
    if request.has_body() {
        return MediaAnswer::error(&ApiError::bad_request(
            "body-not-allowed",
            "requests to the media port carry no body",
        ));
    }
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((request.target.as_str(), ""));
    let Ok(path) = percent_encoding::percent_decode_str(path).decode_utf8() else {
        return MediaAnswer::error(&ApiError::bad_request(
            "malformed-request",
            "the path is not UTF-8",
        ));
    };
    if path == "/healthz" {
        return MediaAnswer::new(StatusCode::OK)
            .header("Content-Type", "text/plain; charset=utf-8")
            .body(MediaBody::Bytes(bytes::Bytes::from_static(b"ok\n")));
    }
    let Some((asset, name)) = path
        .strip_prefix("/media/")
        .and_then(|rest| rest.split_once('/'))
        .filter(|(asset, name)| !asset.is_empty() && !name.is_empty())
    else {
        return MediaAnswer::error(&ApiError::not_found("file"));
    };
    match request.method.as_str() {
        "GET" | "HEAD" => {}
        "OPTIONS" => return MediaAnswer::preflight(),
        _ => {
            return MediaAnswer::error(&ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "the media port answers GET, HEAD and OPTIONS",
            ))
            .header("Allow", "GET, HEAD, OPTIONS");
        }
    }
    let media = MediaRequest {
        asset,
        name,
        query,
        token: request
            .header("authorization")
            .and_then(crate::auth::bearer_token),
        client,
        conditions: Conditions {
            range: request.header("range"),
            if_none_match: request.header("if-none-match"),
            if_range: request.header("if-range"),
        },
    };
    media_answer_for(state, &media).await
}
