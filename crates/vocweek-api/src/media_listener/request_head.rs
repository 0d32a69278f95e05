//! Reading one HTTP/1.x request head off a kept-alive connection. Only what `/media` needs is
//! kept; bytes after the head (a pipelined next request) stay in the buffer.

use bytes::{Buf, BytesMut};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// The most a request head may take; larger ones are answered 431.
pub const MAX_HEAD: usize = 16 * 1024;
const MAX_HEADERS: usize = 64;

/// A parsed request head, owned so the buffer can move on.
#[derive(Debug, Default)]
pub struct RequestHead {
    pub method: String,
    /// The request target as sent (`/media/…?…`).
    pub target: String,
    /// HTTP/1.0 rather than 1.1.
    pub http10: bool,
    /// Lower-case names, values as sent (non-UTF-8 values are dropped).
    headers: Vec<(String, String)>,
    /// The head announces a body: any `Transfer-Encoding`, or a `Content-Length` other than a
    /// single 0 (judged on the raw bytes, before non-UTF-8 values are dropped).
    announces_body: bool,
}

impl RequestHead {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the client wants the connection kept after this answer.
    pub fn keep_alive(&self) -> bool {
        let connection = self.header("connection").unwrap_or_default();
        let says = |word: &str| {
            connection
                .split(',')
                .any(|token| token.trim().eq_ignore_ascii_case(word))
        };
        if self.http10 {
            says("keep-alive")
        } else {
            !says("close")
        }
    }

    /// A request body we would have to read past: `/media` takes none, and rather than guess
    /// at its framing (a proxy in front might read two `Content-Length`s otherwise than we
    /// do) the connection is answered 400 and closed.
    pub fn has_body(&self) -> bool {
        self.announces_body
    }
}

/// What came off the connection.
#[derive(Debug)]
pub enum Head {
    Request(RequestHead),
    /// The client closed the connection between requests.
    Closed,
    TooLarge,
    Malformed,
}

/// Reads until a whole head is in `buffer` and takes it out.
pub async fn read_head(stream: &mut TcpStream, buffer: &mut BytesMut) -> std::io::Result<Head> {
    loop {
        if !buffer.is_empty() {
            match parse(&buffer[..]) {
                Parsed::Complete(head, used) => {
                    buffer.advance(used);
                    return Ok(Head::Request(head));
                }
                Parsed::Invalid => return Ok(Head::Malformed),
                Parsed::TooManyHeaders => return Ok(Head::TooLarge),
                Parsed::Partial if buffer.len() >= MAX_HEAD => return Ok(Head::TooLarge),
                Parsed::Partial => {}
            }
        }
        buffer.reserve(4096);
        if stream.read_buf(buffer).await? == 0 {
            // Closed mid-head: nothing can be answered.
            return Ok(Head::Closed);
        }
    }
}

enum Parsed {
    Complete(RequestHead, usize),
    Partial,
    TooManyHeaders,
    Invalid,
}

fn parse(bytes: &[u8]) -> Parsed {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(bytes) {
        Ok(httparse::Status::Complete(used)) => {
            let named = |name: &'static str| {
                request
                    .headers
                    .iter()
                    .filter(move |h| h.name.eq_ignore_ascii_case(name))
            };
            let lengths: Vec<&[u8]> = named("content-length").map(|h| h.value).collect();
            let announces_body = named("transfer-encoding").next().is_some()
                || lengths.len() > 1
                || lengths
                    .first()
                    .is_some_and(|value| value.trim_ascii() != b"0");
            let head = RequestHead {
                announces_body,
                method: request.method.unwrap_or_default().to_owned(),
                target: request.path.unwrap_or_default().to_owned(),
                http10: request.version == Some(0),
                headers: request
                    .headers
                    .iter()
                    .filter_map(|h| {
                        let value = std::str::from_utf8(h.value).ok()?;
                        Some((h.name.to_ascii_lowercase(), value.trim().to_owned()))
                    })
                    .collect(),
            };
            Parsed::Complete(head, used)
        }
        Ok(httparse::Status::Partial) => Parsed::Partial,
        // Too many headers is a head too large for us, like one too long.
        Err(httparse::Error::TooManyHeaders) => Parsed::TooManyHeaders,
        Err(_) => Parsed::Invalid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str) -> RequestHead {
        match parse(text.as_bytes()) {
            Parsed::Complete(head, used) => {
                assert_eq!(used, text.len());
                head
            }
            _ => panic!("not parsed: {text}"),
        }
    }

    #[test]
    fn heads_are_read_with_their_keep_alive_and_body() {
        let get = head("GET /media/a/original?x=1 HTTP/1.1\r\nHost: h\r\nRange: bytes=0-9\r\n\r\n");
        assert_eq!(get.method, "GET");
        assert_eq!(get.target, "/media/a/original?x=1");
        assert_eq!(get.header("range"), Some("bytes=0-9"));
        assert!(get.keep_alive() && !get.has_body());
        assert!(!head("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n").keep_alive());
        assert!(!head("GET / HTTP/1.0\r\n\r\n").keep_alive());
        assert!(head("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keep_alive());
        assert!(head("GET / HTTP/1.1\r\nContent-Length: 3\r\n\r\n").has_body());
        assert!(head("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").has_body());
        assert!(!head("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n").has_body());
        let twice = "GET / HTTP/1.1\r\nContent-Length: 0\r\ncontent-length: 0\r\n\r\n";
        assert!(head(twice).has_body());
        assert!(matches!(parse(b"GET / HTTP/1.1\r\nHost"), Parsed::Partial));
        assert!(matches!(parse(b"GET / HTTP/9\r\n\r\n"), Parsed::Invalid));
        let crowded = format!("GET / HTTP/1.1\r\n{}\r\n", "X-A: 1\r\n".repeat(65));
        assert!(matches!(parse(crowded.as_bytes()), Parsed::TooManyHeaders));
    }
}
