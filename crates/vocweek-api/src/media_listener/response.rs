//! Writing a `MediaAnswer` on the connection: the head, then the body — a local blob by
//! sendfile(2), a remote one (S3) streamed through a buffer, small bodies from memory.

use std::fmt::Write as _;
use std::io;

use actix_web::http::StatusCode;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

use super::socket_writes::{STALL, send_file, write_all};
use crate::AppState;
use crate::distribution::blob_source::{BlobSource, open_blob};
use crate::distribution::media_answer::{MediaAnswer, MediaBody};
use crate::ranged::STREAM_CHUNK;

/// Writes `answer`; `head_only` for HEAD requests, `keep_alive` as the connection goes on.
/// Returns the status that went out (a blob that cannot be opened turns the answer into an
/// error).
pub async fn write_answer(
    stream: &TcpStream,
    state: &AppState,
    answer: MediaAnswer,
    head_only: bool,
    keep_alive: bool,
) -> io::Result<StatusCode> {
    // The blob is opened before the head is written, for HEAD too, so a missing or changed
    // blob is an error answer rather than a promise the body cannot keep.
    let (answer, source) = match &answer.body {
        MediaBody::Blob {
            key,
            start,
            len,
            size,
        } => match open_blob(state, key, (*start, *len, *size)).await {
            Ok(source) => (answer, Some(source)),
            Err(error) => (MediaAnswer::error(&error), None),
        },
        _ => (answer, None),
    };
    let status = answer.status;
    let head = head(&answer, keep_alive);
    match (&answer.body, source) {
        _ if head_only => write_all(stream, head.as_bytes(), false).await?,
        // MSG_MORE only when bytes follow: a corked head with nothing after it would wait
        // for the kernel's cork timer.
        (MediaBody::Blob { start, len, .. }, Some(BlobSource::Local(file))) => {
            write_all(stream, head.as_bytes(), *len > 0).await?;
            send_file(stream, &file, *start, *len).await?;
        }
        (MediaBody::Blob { len, .. }, Some(BlobSource::Remote(reader))) => {
            write_all(stream, head.as_bytes(), *len > 0).await?;
            stream_reader(stream, reader, *len).await?;
        }
        (MediaBody::Bytes(bytes), _) => {
            let mut whole = head.into_bytes();
            whole.extend_from_slice(bytes);
            write_all(stream, &whole, false).await?;
        }
        _ => write_all(stream, head.as_bytes(), false).await?,
    }
    Ok(status)
}

/// The status line and headers, with `Content-Length` always (HEAD: what GET would send).
fn head(answer: &MediaAnswer, keep_alive: bool) -> String {
    let status = answer.status;
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nDate: {}\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Unknown"),
        chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S GMT")
    );
    let no_body = status.is_informational()
        || status == actix_web::http::StatusCode::NO_CONTENT
        || status == actix_web::http::StatusCode::NOT_MODIFIED;
    if !no_body {
        let _ = write!(head, "Content-Length: {}\r\n", answer.body.len());
    }
    for (name, value) in &answer.headers {
        // Values come from our own code; a line break in one would split the answer.
        if !value.contains(['\r', '\n']) {
            let _ = write!(head, "{name}: {value}\r\n");
        }
    }
    head.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    head
}

/// A remote blob passed through a buffer (S3 without `redirect_to_store`).
async fn stream_reader(
    stream: &TcpStream,
    mut reader: vocweek_storage::BlobReader,
    len: u64,
) -> io::Result<()> {
    let mut buffer = vec![0; STREAM_CHUNK];
    let mut left = len;
    while left > 0 {
        let want = usize::try_from(left).map_or(buffer.len(), |left| left.min(buffer.len()));
        let read = tokio::time::timeout(STALL, reader.read(&mut buffer[..want]))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "the store stopped sending"))??;
        if read == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the stored blob is shorter than its recorded size",
            ));
        }
        write_all(stream, &buffer[..read], read < want).await?;
        left -= read as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[test]
    fn heads_carry_the_length_and_the_connection() {
        let answer = MediaAnswer::new(StatusCode::PARTIAL_CONTENT)
            .header("Content-Range", "bytes 0-9/100")
            .body(MediaBody::Bytes(Bytes::from_static(b"0123456789")));
        let text = head(&answer, true);
        assert!(text.starts_with("HTTP/1.1 206 Partial Content\r\nDate: "));
        assert!(text.contains("\r\nContent-Length: 10\r\nContent-Range: bytes 0-9/100\r\n"));
        assert!(text.ends_with("Connection: keep-alive\r\n\r\n"));
        let not_modified = head(&MediaAnswer::new(StatusCode::NOT_MODIFIED), false);
        assert!(!not_modified.contains("Content-Length"));
        assert!(not_modified.ends_with("Connection: close\r\n\r\n"));
        let smuggled = MediaAnswer::new(StatusCode::OK).header("X-A", "a\r\nX-B: b");
        assert!(!head(&smuggled, true).contains("X-B"));
    }
}
