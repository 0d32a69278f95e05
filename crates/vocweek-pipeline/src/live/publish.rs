//! One publish on this node: a FIFO in a fresh scratch directory, a media child transcoding
//! what comes through it (`Work::Live`), the sink the ingest writes the FLV into, and the task
//! that stores every segment the child reports until it ends.

use std::io;
use std::path::Path;
use std::time::{Duration, Instant};

use nix::sys::stat::Mode;
use tokio::io::AsyncWriteExt;
use tokio::net::unix::pipe;
use tokio::sync::watch;
use tracing::{info, warn};
use vocweek_db::live::LiveEvent;
use vocweek_live::PublishSink;
use vocweek_sandbox::{Done, Event, MediaChild, Task, Work};

use super::segments::SegmentStore;
use super::stage::LiveStage;
use crate::jobs::Scratch;

/// The FIFO's name in the child's scratch directory.
const FIFO: &str = "ingest.flv";
/// How long the child has to start and open the FIFO for reading.
const CHILD_START: Duration = Duration::from_secs(10);
/// How often the FIFO is tried while the child starts (open for writing fails with ENXIO
/// until a reader has it open).
const OPEN_RETRY: Duration = Duration::from_millis(20);

/// Starts the transcode of a publish into `event` and answers the sink its FLV goes into.
/// `resumed`: the publish continues an event whose publisher came back within the grace
/// period, so its first segments follow a discontinuity.
pub(super) async fn start(
    stage: LiveStage,
    event: &LiveEvent,
    resumed: bool,
    done: watch::Sender<bool>,
) -> io::Result<Box<dyn PublishSink>> {
    let parts = &stage.shared.parts;
    let scratch = Scratch::new(&parts.scratch_parent)
        .map_err(|e| io::Error::other(format!("the live scratch directory: {e:?}")))?;
    let fifo = scratch.file(FIFO);
    nix::unistd::mkfifo(&fifo, Mode::S_IRUSR | Mode::S_IWUSR).map_err(io::Error::from)?;
    let task = Task {
        input: fifo.clone(),
        out_dir: scratch.path.clone(),
        work: Work::Live {
            settings: parts.video.clone(),
            fifo: FIFO.to_owned(),
        },
    };
    let mut child = MediaChild::spawn(&parts.program, parts.limits, &task).await?;
    let sender = match open_fifo(&fifo).await {
        Ok(sender) => sender,
        Err(err) => {
            child.kill(vocweek_sandbox::KillReason::Cancelled);
            return Err(err);
        }
    };
    let segments = SegmentStore::new(stage.clone(), event.clone(), resumed, scratch);
    tokio::spawn(follow_child(child, segments, done));
    Ok(Box::new(FifoSink { sender }))
}

/// Opens the FIFO for writing once the child has it open for reading.
async fn open_fifo(path: &Path) -> io::Result<pipe::Sender> {
    let started = Instant::now();
    loop {
        match pipe::OpenOptions::new().open_sender(path) {
            Ok(sender) => return Ok(sender),
            Err(err) if err.raw_os_error() == Some(nix::libc::ENXIO) => {
                if started.elapsed() > CHILD_START {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "the live transcode did not start reading its stream",
                    ));
                }
                tokio::time::sleep(OPEN_RETRY).await;
            }
            Err(err) => return Err(err),
        }
    }
}

/// Reads the child's reports until it ends: the ladder, then every segment, stored as it
/// comes. The child ends when the FIFO closes (the publish ended) or when it fails; a
/// failed child makes the sink's writes fail, which ends the publish.
async fn follow_child(
    mut child: MediaChild,
    mut segments: SegmentStore,
    done: watch::Sender<bool>,
) {
    let ended = loop {
        match child.next().await {
            Event::LiveLadder(ladder) => segments.ladder(ladder).await,
            Event::LiveSegment(segment) => {
                if let Err(reason) = segments.store(segment).await {
                    // A child that reports what it did not make is not trusted further.
                    warn!(event = %segments.event_id(), %reason, "a live segment was refused");
                    child.kill(vocweek_sandbox::KillReason::Cancelled);
                }
            }
            Event::Admit(_) | Event::Probed { .. } | Event::Progress(_) => {}
            Event::Finished(result) => break result,
        }
    };
    let recording = match ended {
        Ok(finished) => {
            info!(
                event = %segments.event_id(),
                peak_rss_mib = finished.peak_rss_bytes / (1024 * 1024),
                "the live transcode ended with its stream"
            );
            match finished.done {
                Done::Live { facts } => facts.recording,
                _ => None,
            }
        }
        Err(failure) => {
            warn!(
                event = %segments.event_id(),
                code = failure.code(),
                %failure,
                "the live transcode failed"
            );
            None
        }
    };
    segments.finish(recording).await;
    let _ = done.send(true);
}

/// The ingest's FLV, into the FIFO. The ingest keeps a bounded buffer in front of it
/// (`IngestSettings::sink_buffer_bytes`); past that, a transcode that falls behind slows the
/// publisher's TCP connection, it never grows memory.
struct FifoSink {
    sender: pipe::Sender,
}

#[async_trait::async_trait]
impl PublishSink for FifoSink {
    async fn write_flv(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.sender.write_all(bytes).await
    }

    async fn finish(self: Box<Self>) -> io::Result<()> {
        // Closing the FIFO is the end of the stream for the child, which then closes every
        // rendition and reports its last segments.
        drop(self);
        Ok(())
    }
}
