//! A bounded buffer between the RTMP session and a publish's sink.
//!
//! Without it a sink that is slow for a moment (the transcode child starting, a loaded
//! machine) stops the session from reading its socket, and a publisher that then stops
//! cleanly loses its `deleteStream`: FFmpeg (and others) close the socket right after writing
//! it, and a socket closed with our acknowledgements still unread is *reset*, which throws
//! away whatever the publisher had not sent yet — the clean stop arrives as a vanished
//! publisher, and the channel sits "interrupted" for the whole grace period. With the buffer
//! the session keeps reading while the sink catches up. It is bounded in bytes, so a sink
//! that stays behind slows the publisher's connection again rather than growing memory.

use std::io;
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio::task::JoinHandle;

use crate::PublishSink;

/// What is queued: the bytes, and the room they take until written.
type Queued = (Vec<u8>, OwnedSemaphorePermit);

pub(crate) struct BufferedSink {
    queue: Option<mpsc::UnboundedSender<Queued>>,
    room: Arc<Semaphore>,
    capacity: u32,
    drain: Option<JoinHandle<io::Result<()>>>,
}

impl BufferedSink {
    /// Wraps `sink` with a buffer of at most `capacity` bytes (a single write larger than the
    /// whole buffer waits until the buffer is empty).
    pub(crate) fn new(sink: Box<dyn PublishSink>, capacity: usize) -> Self {
        let capacity = u32::try_from(capacity.max(1)).unwrap_or(u32::MAX);
        let (queue, queued) = mpsc::unbounded_channel();
        let drain = tokio::spawn(drain(sink, queued));
        Self {
            queue: Some(queue),
            room: Arc::new(Semaphore::new(capacity as usize)),
            capacity,
            drain: Some(drain),
        }
    }

    /// Why the drain stopped taking bytes: its sink's error.
    async fn drain_failure(&mut self) -> io::Error {
        self.queue = None;
        match self.drain.take() {
            Some(drain) => match drain.await {
                Ok(Err(error)) => error,
                Ok(Ok(())) => io::Error::other("the live stream's sink stopped"),
                Err(joined) => io::Error::other(format!("the live stream's sink failed: {joined}")),
            },
            None => io::Error::other("the live stream's sink stopped"),
        }
    }
}

#[async_trait::async_trait]
impl PublishSink for BufferedSink {
    async fn write_flv(&mut self, bytes: &[u8]) -> io::Result<()> {
        let room = u32::try_from(bytes.len())
            .unwrap_or(u32::MAX)
            .min(self.capacity);
        let Ok(permit) = Arc::clone(&self.room).acquire_many_owned(room).await else {
            return Err(self.drain_failure().await);
        };
        let sent = match &self.queue {
            Some(queue) => queue.send((bytes.to_vec(), permit)).is_ok(),
            None => false,
        };
        if sent {
            Ok(())
        } else {
            Err(self.drain_failure().await)
        }
    }

    /// Waits until everything buffered is written and the sink finished.
    async fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.queue = None;
        match self.drain.take() {
            Some(drain) => drain.await.map_err(io::Error::other)?,
            None => Ok(()),
        }
    }
}

async fn drain(
    mut sink: Box<dyn PublishSink>,
    mut queued: mpsc::UnboundedReceiver<Queued>,
) -> io::Result<()> {
    while let Some((bytes, room)) = queued.recv().await {
        sink.write_flv(&bytes).await?;
        drop(room);
    }
    sink.finish().await
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use super::*;

    /// Holds its first write until told, records everything.
    struct StallingSink {
        gate: Option<tokio::sync::oneshot::Receiver<()>>,
        written: Arc<Mutex<Vec<u8>>>,
        fail: bool,
    }

    #[async_trait::async_trait]
    impl PublishSink for StallingSink {
        async fn write_flv(&mut self, bytes: &[u8]) -> io::Result<()> {
            if let Some(gate) = self.gate.take() {
                let _ = gate.await;
            }
            if self.fail {
                return Err(io::Error::other("pipe gone"));
            }
            self.written.lock().unwrap().extend_from_slice(bytes);
            Ok(())
        }

        async fn finish(self: Box<Self>) -> io::Result<()> {
            Ok(())
        }
    }

    fn stalling(
        fail: bool,
    ) -> (
        StallingSink,
        tokio::sync::oneshot::Sender<()>,
        Arc<Mutex<Vec<u8>>>,
    ) {
        let (open, gate) = tokio::sync::oneshot::channel();
        let written = Arc::new(Mutex::new(Vec::new()));
        let sink = StallingSink {
            gate: Some(gate),
            written: Arc::clone(&written),
            fail,
        };
        (sink, open, written)
    }

    #[tokio::test]
    async fn writes_go_on_while_the_sink_stalls_and_all_arrive_in_order() {
        let (sink, open, written) = stalling(false);
        let mut buffered: Box<dyn PublishSink> = Box::new(BufferedSink::new(Box::new(sink), 64));
        for chunk in [&b"FLV"[..], b"tag-1", b"tag-2"] {
            tokio::time::timeout(Duration::from_secs(1), buffered.write_flv(chunk))
                .await
                .expect("a write within the buffer does not wait for the sink")
                .unwrap();
        }
        open.send(()).unwrap();
        buffered.finish().await.unwrap();
        assert_eq!(written.lock().unwrap().as_slice(), b"FLVtag-1tag-2");
    }

    #[tokio::test]
    async fn a_full_buffer_waits_for_the_sink() {
        let (sink, open, written) = stalling(false);
        let mut buffered: Box<dyn PublishSink> = Box::new(BufferedSink::new(Box::new(sink), 8));
        buffered.write_flv(b"12345678").await.unwrap();
        let over = tokio::time::timeout(Duration::from_millis(200), buffered.write_flv(b"9")).await;
        assert!(over.is_err(), "a write past the bound must wait");
        open.send(()).unwrap();
        buffered.write_flv(b"9").await.unwrap();
        // Larger than the whole buffer: waits for it to empty, then goes through.
        buffered.write_flv(&[b'x'; 20]).await.unwrap();
        buffered.finish().await.unwrap();
        assert_eq!(written.lock().unwrap().len(), 29);
    }

    #[tokio::test]
    async fn a_failed_sink_fails_the_next_writes_with_its_error() {
        let (sink, open, _) = stalling(true);
        let mut buffered: Box<dyn PublishSink> = Box::new(BufferedSink::new(Box::new(sink), 64));
        buffered.write_flv(b"FLV").await.unwrap();
        open.send(()).unwrap();
        let mut failure = None;
        for _ in 0..100 {
            match buffered.write_flv(b"tag").await {
                Ok(()) => tokio::time::sleep(Duration::from_millis(10)).await,
                Err(error) => {
                    failure = Some(error);
                    break;
                }
            }
        }
        assert_eq!(
            failure.expect("the failure reaches the writer").to_string(),
            "pipe gone"
        );
    }
}
