//! A connection's bytes before its publish is taken, capped.
//!
//! scuffle-rtmp keeps a message in memory until it is whole — up to 10 MB a message and four
//! unfinished messages a connection — before any stream key has been checked, so a client
//! that never publishes could make each pending connection hold tens of MiB. A real publisher
//! sends a few KiB before its publish (handshake, connect, createStream, publish): past
//! `PRE_PUBLISH_BYTES` the connection is a hostile one, and its session ends with an error
//! (reported `bad-stream`).

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::progress::Progress;

/// What a connection may send before its publish is taken.
pub(crate) const PRE_PUBLISH_BYTES: u64 = 256 * 1024;

pub(crate) struct PrePublishCap<S> {
    inner: S,
    progress: Arc<Progress>,
    read_before_publish: u64,
}

impl<S> PrePublishCap<S> {
    pub(crate) fn new(inner: S, progress: Arc<Progress>) -> Self {
        Self {
            inner,
            progress,
            read_before_publish: 0,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for PrePublishCap<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && this.progress.is_connecting() {
            let got = buf.filled().len().saturating_sub(before);
            this.read_before_publish = this
                .read_before_publish
                .saturating_add(u64::try_from(got).unwrap_or(u64::MAX));
            if this.read_before_publish > PRE_PUBLISH_BYTES {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("more than {PRE_PUBLISH_BYTES} bytes before a publish"),
                )));
            }
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for PrePublishCap<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    #[tokio::test]
    async fn reads_past_the_cap_fail_until_the_publish_is_taken() {
        let (mut client, server) = tokio::io::duplex(64 * 1024);
        let progress = Arc::new(Progress::accepted_now());
        let mut capped = PrePublishCap::new(server, Arc::clone(&progress));
        let writer = tokio::spawn(async move {
            let chunk = vec![0u8; 16 * 1024];
            while client.write_all(&chunk).await.is_ok() {}
        });
        let mut buf = vec![0u8; 16 * 1024];
        let mut total = 0u64;
        let error = loop {
            match capped.read(&mut buf).await {
                Ok(n) => total += u64::try_from(n).unwrap(),
                Err(error) => break error,
            }
        };
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        assert!(total <= PRE_PUBLISH_BYTES, "{total} bytes passed");

        // Once publishing, media flows without a cap.
        let progress = Arc::new(Progress::accepted_now());
        progress.publishing();
        let (mut client, server) = tokio::io::duplex(64 * 1024);
        let mut capped = PrePublishCap::new(server, progress);
        tokio::spawn(async move {
            let chunk = vec![0u8; 16 * 1024];
            for _ in 0..64 {
                client.write_all(&chunk).await.unwrap();
            }
        });
        let mut read = 0u64;
        while read < 64 * 16 * 1024 {
            read += u64::try_from(capped.read(&mut buf).await.unwrap()).unwrap();
        }
        writer.abort();
    }
}
