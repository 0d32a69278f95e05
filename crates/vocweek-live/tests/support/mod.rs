//! The RTMP ingest's test harness: an ingest on a local port with a directory that knows a few
//! keys and records every report, and FLV files as sinks. `ffmpeg` publishes, `raw` is the
//! hostile client.

pub mod ffmpeg;
pub mod raw;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;
use vocweek_live::{
    Admitted, ChannelDirectory, Ending, FileSink, IngestSettings, LiveRegistry, PublishSink,
    Refusal, RtmpIngest, SinkFactory,
};

use self::ffmpeg::PUBLISH_WITHIN;

/// The server's side of an end (EOF seen, sink finished, reports made) after FFmpeg exited.
const REPORTED_WITHIN: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Started(String),
    Ended(String, Ending),
    Refused(Option<String>, &'static str),
}

/// Knows a few keys and records every call.
pub struct TestDirectory {
    channels: HashMap<String, Admitted>,
    events: Mutex<Vec<Event>>,
}

#[async_trait::async_trait]
impl ChannelDirectory for TestDirectory {
    async fn admit(&self, stream_key: &str) -> Result<Admitted, Refusal> {
        self.channels
            .get(stream_key)
            .cloned()
            .ok_or(Refusal::UnknownKey)
    }

    async fn publishing_started(&self, channel: &Admitted) {
        self.events
            .lock()
            .unwrap()
            .push(Event::Started(channel.channel_id.clone()));
    }

    async fn publishing_ended(&self, channel_id: &str, how: Ending) {
        self.events
            .lock()
            .unwrap()
            .push(Event::Ended(channel_id.to_owned(), how));
    }

    async fn refused(&self, channel_id: Option<&str>, refusal: &Refusal) {
        let event = Event::Refused(channel_id.map(str::to_owned), refusal.code());
        self.events.lock().unwrap().push(event);
    }
}

/// One FLV file per publish, in a scratch directory; their writes wait while `open` is false.
pub struct TestSinks {
    dir: PathBuf,
    opened: Mutex<Vec<PathBuf>>,
    count: AtomicUsize,
    open: watch::Receiver<bool>,
}

/// A file sink whose writes wait for the harness's gate: a transcode that is slow to start.
struct GatedSink {
    file: Box<dyn PublishSink>,
    open: watch::Receiver<bool>,
}

#[async_trait::async_trait]
impl PublishSink for GatedSink {
    async fn write_flv(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let _ = self.open.wait_for(|open| *open).await;
        self.file.write_flv(bytes).await
    }

    async fn finish(self: Box<Self>) -> std::io::Result<()> {
        self.file.finish().await
    }
}

#[async_trait::async_trait]
impl SinkFactory for TestSinks {
    async fn open(&self, channel_id: &str) -> std::io::Result<Box<dyn PublishSink>> {
        let n = self.count.fetch_add(1, Ordering::Relaxed);
        let path = self.dir.join(format!("{channel_id}-{n}.flv"));
        let sink = FileSink::create(&path).await?;
        self.opened.lock().unwrap().push(path);
        Ok(Box::new(GatedSink {
            file: Box::new(sink),
            open: self.open.clone(),
        }))
    }
}

pub struct Harness {
    pub addr: SocketAddr,
    directory: Arc<TestDirectory>,
    sinks: Arc<TestSinks>,
    pub registry: Arc<LiveRegistry>,
    sinks_open: watch::Sender<bool>,
    stop: oneshot::Sender<()>,
    server: JoinHandle<()>,
}

/// An ingest on 127.0.0.1 whose directory knows `keys` as (stream key, channel id).
pub async fn start(settings: IngestSettings, keys: &[(&str, &str)]) -> Harness {
    static SCRATCH: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "vocweek-live-{}-{}",
        std::process::id(),
        SCRATCH.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let channels = keys
        .iter()
        .map(|(key, channel_id)| {
            let admitted = Admitted {
                channel_id: (*channel_id).to_owned(),
                title: format!("{channel_id} title"),
            };
            ((*key).to_owned(), admitted)
        })
        .collect();
    let directory = Arc::new(TestDirectory {
        channels,
        events: Mutex::new(Vec::new()),
    });
    let (sinks_open, open) = watch::channel(true);
    let sinks = Arc::new(TestSinks {
        dir,
        opened: Mutex::new(Vec::new()),
        count: AtomicUsize::new(0),
        open,
    });
    let ingest = RtmpIngest::new(settings, directory.clone(), sinks.clone());
    let registry = ingest.registry();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(ingest.serve(listener, async move {
        let _ = stopped.await;
    }));
    Harness {
        addr,
        directory,
        sinks,
        registry,
        sinks_open,
        stop,
        server,
    }
}

impl Harness {
    pub fn url(&self, stream_key: &str) -> String {
        format!("rtmp://{}/live/{stream_key}", self.addr)
    }

    /// From now on every sink's writes wait, until `release_sinks`.
    pub fn hold_sinks(&self) {
        self.sinks_open.send_replace(false);
    }

    pub fn release_sinks(&self) {
        self.sinks_open.send_replace(true);
    }

    pub fn events(&self) -> Vec<Event> {
        self.directory.events.lock().unwrap().clone()
    }

    pub async fn wait_for(&self, event: Event) {
        wait_until(&format!("{event:?}"), REPORTED_WITHIN, || {
            self.events().contains(&event)
        })
        .await;
    }

    /// Until the channel is live and its start was reported.
    pub async fn wait_until_live(&self, channel_id: &str) {
        let what = format!("{channel_id} to be live");
        let started = Event::Started(channel_id.to_owned());
        wait_until(&what, PUBLISH_WITHIN, || {
            self.registry.is_live(channel_id) && self.events().contains(&started)
        })
        .await;
    }

    /// Until the channel's slot is released (just after its end is reported).
    pub async fn wait_until_free(&self, channel_id: &str) {
        let what = format!("{channel_id} to be free");
        wait_until(&what, REPORTED_WITHIN, || {
            !self.registry.is_live(channel_id)
        })
        .await;
    }

    pub fn recordings(&self) -> Vec<PathBuf> {
        self.sinks.opened.lock().unwrap().clone()
    }

    /// Shuts the ingest down (which must not hang) and removes the scratch directory.
    pub async fn stop(self) {
        self.stop.send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(10), self.server)
            .await
            .unwrap()
            .unwrap();
        std::fs::remove_dir_all(&self.sinks.dir).unwrap();
    }
}

pub async fn wait_until(what: &str, within: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
