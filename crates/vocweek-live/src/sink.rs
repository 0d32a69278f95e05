//! Where a publish's FLV stream goes: the live HLS stage's pipe, a recording, a test's file.

use std::io;
use std::path::{Path, PathBuf};

use tokio::fs::File;
use tokio::io::{AsyncWriteExt, BufWriter};

/// One publish's FLV stream, written in order: `FLV_HEADER` first, then whole tags.
///
/// A write that fails ends the publish (`Refusal::Unavailable`). `finish` is called once when
/// the publish ends, however it ends; a sink dropped without it may lose what it buffered.
#[async_trait::async_trait]
pub trait PublishSink: Send {
    async fn write_flv(&mut self, bytes: &[u8]) -> io::Result<()>;

    async fn finish(self: Box<Self>) -> io::Result<()>;
}

/// Opens a sink for each publish that is taken.
#[async_trait::async_trait]
pub trait SinkFactory: Send + Sync + 'static {
    /// A new sink for a publish on `channel_id`. Opening may do I/O (create a file, start a
    /// process), hence async; an error refuses the publish as `Refusal::Unavailable`.
    async fn open(&self, channel_id: &str) -> io::Result<Box<dyn PublishSink>>;
}

/// An FLV file on disk.
#[derive(Debug)]
pub struct FileSink {
    path: PathBuf,
    file: BufWriter<File>,
}

impl FileSink {
    /// Tags are small (a video frame, an audio frame): buffer them into larger writes.
    const BUFFER: usize = 256 * 1024;

    /// Creates (or truncates) the file at `path`.
    pub async fn create(path: impl Into<PathBuf>) -> io::Result<Self> {
        let path = path.into();
        let file = File::create(&path).await?;
        Ok(Self {
            path,
            file: BufWriter::with_capacity(Self::BUFFER, file),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[async_trait::async_trait]
impl PublishSink for FileSink {
    async fn write_flv(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes).await
    }

    async fn finish(self: Box<Self>) -> io::Result<()> {
        let mut sink = self;
        sink.file.flush().await?;
        // A recording is complete when the ingest says the publish ended: make it durable.
        sink.file.get_mut().sync_data().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_file_sink_writes_what_it_is_given_once_finished() {
        let path =
            std::env::temp_dir().join(format!("vocweek-live-sink-{}.flv", std::process::id()));
        let mut sink: Box<dyn PublishSink> = Box::new(FileSink::create(&path).await.unwrap());
        sink.write_flv(b"FLV").await.unwrap();
        sink.write_flv(&[1, 5]).await.unwrap();
        sink.finish().await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"FLV\x01\x05");
        std::fs::remove_file(path).unwrap();
    }
}
