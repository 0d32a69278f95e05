//! Reading to the end of what a departed publisher sent.
//!
//! FFmpeg ends a publish by sending `FCUnpublish` and `deleteStream` and closing its socket at
//! once. When our acknowledgements or pings are still unread on its side, its kernel answers
//! the close with a reset rather than a FIN. The `deleteStream` is in our receive buffer all
//! the same — Linux hands queued bytes to `read` before the reset — but if the session
//! *writes* first (the next acknowledgement), that write fails with a broken pipe and the
//! session ends without reading it: a clean stop is taken for a vanished publisher, and the
//! event waits out its grace period instead of ending (seen on a loaded CI machine).
//!
//! So once a write finds the peer gone, writes are dropped as if sent (nobody is there to
//! read them), and reads go on until the buffer is drained and the reset or end of file
//! arrives, which ends the session as the client closing.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

pub(crate) struct DepartedPeer<S> {
    inner: S,
    departed: bool,
}

impl<S> DepartedPeer<S> {
    pub(crate) fn new(inner: S) -> Self {
        Self {
            inner,
            departed: false,
        }
    }
}

/// A write error that means the other end is no longer there to read.
fn peer_departed(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset | io::ErrorKind::NotConnected
    )
}

impl<S: AsyncRead + Unpin> AsyncRead for DepartedPeer<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for DepartedPeer<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.departed {
            return Poll::Ready(Ok(buf.len()));
        }
        match Pin::new(&mut self.inner).poll_write(cx, buf) {
            Poll::Ready(Err(error)) if peer_departed(&error) => {
                self.departed = true;
                Poll::Ready(Ok(buf.len()))
            }
            other => other,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.departed {
            return Poll::Ready(Ok(()));
        }
        match Pin::new(&mut self.inner).poll_flush(cx) {
            Poll::Ready(Err(error)) if peer_departed(&error) => {
                self.departed = true;
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.departed {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::time::Duration;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    use super::*;

    /// A client that sends its last words and closes with our bytes unread (a reset): the
    /// server's next writes fail underneath, yet it still reads every byte the client sent.
    #[tokio::test]
    async fn what_a_departed_peer_sent_is_still_read() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let mut server = DepartedPeer::new(server);

        // The server says something the client never reads; the client's last words follow.
        server.write_all(b"acknowledgement").await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        client.write_all(b"deleteStream").await.unwrap();
        drop(client);
        tokio::time::sleep(Duration::from_millis(50)).await;

        // Writes after the reset are dropped, not failed, however many there are.
        for _ in 0..4 {
            server.write_all(&[0u8; 4096]).await.unwrap();
            server.flush().await.unwrap();
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(server.departed, "the reset was never seen by a write");
        let mut got = Vec::new();
        let mut buf = [0u8; 64];
        loop {
            match server.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
        assert_eq!(got, b"deleteStream");
    }

    #[tokio::test]
    async fn other_write_errors_still_fail() {
        let error = io::Error::new(io::ErrorKind::InvalidData, "no");
        assert!(!peer_departed(&error));
        assert!(peer_departed(&io::Error::from(io::ErrorKind::BrokenPipe)));
    }
}
