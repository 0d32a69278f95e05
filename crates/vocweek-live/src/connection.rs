//! One connection from accept to its last report.
//!
//! The RTMP session runs in a task of its own, watched from here: the watcher enforces the
//! timeouts (by aborting the task), survives a panic inside the session (scuffle-rtmp parses
//! client bytes and can panic on hostile ones), and only then — with the session and its
//! handler dropped, so the shared state's lock is free — reports what happened.

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use scuffle_rtmp::ServerSession;
use scuffle_rtmp::error::RtmpError;
use tokio::net::TcpStream;
use tokio::sync::{Mutex, OwnedSemaphorePermit};
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep_until};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::context::IngestContext;
use crate::handler::{IngestHandler, SessionState};
use crate::pre_publish_cap::PrePublishCap;
use crate::progress::{Cut, Progress};
use crate::publication::Publication;
use crate::{Ending, Refusal};

/// The longest a report to the directory, or a sink's finish, may take before it is abandoned.
const REPORT_TIMEOUT: Duration = Duration::from_secs(10);

/// How a session stopped.
enum SessionEnd {
    /// The session returned: `Ok(true)` when every publish on it was ended with
    /// `deleteStream`, `Ok(false)` when the client went away with one still running.
    Returned(Result<bool, RtmpError>),
    /// The session task panicked.
    Panicked(String),
    /// The watcher cut it off.
    Cut(Cut),
}

pub(crate) async fn serve_connection(
    ctx: Arc<IngestContext>,
    stream: TcpStream,
    peer: SocketAddr,
    pending_permit: OwnedSemaphorePermit,
    stop: CancellationToken,
) {
    let state = Arc::new(Mutex::new(SessionState::new(pending_permit)));
    let progress = Arc::new(Progress::accepted_now());
    let handler = IngestHandler::new(
        Arc::clone(&ctx),
        peer,
        Arc::clone(&state),
        Arc::clone(&progress),
    );
    let stream = PrePublishCap::new(stream, Arc::clone(&progress));
    let session = tokio::spawn(ServerSession::new(stream, handler).run().in_current_span());
    let end = watch(SessionTask(session), &ctx, &progress, &stop).await;
    let mut state = state.lock().await;
    settle(&ctx, &end, &mut state).await;
}

/// The session's task, aborted if its watcher is dropped (when the future of
/// `RtmpIngest::serve` is dropped rather than shut down): a session that outlived its watcher
/// would hold its channel's slot with no one left to report its end.
struct SessionTask(JoinHandle<Result<bool, RtmpError>>);

impl Drop for SessionTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Waits for the session to return, or cuts it off at its deadline or at shutdown.
async fn watch(
    mut session: SessionTask,
    ctx: &IngestContext,
    progress: &Progress,
    stop: &CancellationToken,
) -> SessionEnd {
    let cut = loop {
        let (deadline, _) = progress.deadline(&ctx.settings);
        tokio::select! {
            joined = &mut session.0 => {
                return match joined {
                    Ok(returned) => SessionEnd::Returned(returned),
                    Err(error) => SessionEnd::Panicked(error.to_string()),
                };
            }
            () = sleep_until(deadline) => {
                // The session may have moved on (published, sent media) while we slept.
                let (deadline, cut) = progress.deadline(&ctx.settings);
                if Instant::now() >= deadline {
                    break cut;
                }
            }
            () = stop.cancelled() => break Cut::Shutdown,
        }
    };
    session.0.abort();
    // Only once the aborted task has dropped the session are its handler's locks released.
    // Whatever it returned in the meantime no longer matters: it was cut off.
    let _ = (&mut session.0).await;
    SessionEnd::Cut(cut)
}

/// Reports the session's refusal and the end of its publish, if it had one.
async fn settle(ctx: &IngestContext, end: &SessionEnd, state: &mut SessionState) {
    let ended_cleanly = state.unpublished.take();
    let running = state.publishing.take();
    log_end(end, running.as_ref().or(ended_cleanly.as_ref()));

    let refusal = match state.refusal.take() {
        Some(recorded) => Some(recorded),
        // After a clean `deleteStream`, whatever went wrong closing the connection is not the
        // stream's fault.
        None if ended_cleanly.is_some() => None,
        None => stream_failure(end)
            .map(|refusal| (running.as_ref().map(|p| p.channel_id().to_owned()), refusal)),
    };
    if let Some((channel_id, refusal)) = &refusal {
        tracing::warn!(
            channel = channel_id.as_deref().unwrap_or("-"),
            code = refusal.code(),
            "publisher refused: {refusal}"
        );
        let reported = ctx.directory.refused(channel_id.as_deref(), refusal);
        if tokio::time::timeout(REPORT_TIMEOUT, reported)
            .await
            .is_err()
        {
            tracing::warn!("the refusal could not be reported within {REPORT_TIMEOUT:?}");
        }
    }

    if let Some(publication) = ended_cleanly {
        report_end(ctx, publication, Ending::Clean).await;
    }
    if let Some(publication) = running {
        let how = match end {
            _ if refusal.is_some() => Ending::Refused,
            SessionEnd::Cut(Cut::Shutdown) => Ending::Shutdown,
            _ => Ending::Vanished,
        };
        report_end(ctx, publication, how).await;
    }
}

/// The refusal a session's failure amounts to: a protocol error or a panic on the client's
/// bytes is a bad stream; a client that closed, reset or went silent is not refused.
fn stream_failure(end: &SessionEnd) -> Option<Refusal> {
    match end {
        SessionEnd::Returned(Err(error)) if !client_went_away(error) => Some(Refusal::BadStream {
            detail: error.to_string(),
        }),
        SessionEnd::Panicked(detail) => Some(Refusal::BadStream {
            detail: format!("the RTMP session failed: {detail}"),
        }),
        _ => None,
    }
}

/// The library counts a reset, an end of file and its own 2.5 s read timeout as the client
/// closing; a broken pipe (our answer written to a socket the client already closed) is the
/// same thing seen from the writing side.
fn client_went_away(error: &RtmpError) -> bool {
    error.is_client_closed()
        || matches!(error, RtmpError::Io(io) if matches!(
            io.kind(),
            ErrorKind::BrokenPipe | ErrorKind::NotConnected | ErrorKind::TimedOut
        ))
}

async fn report_end(ctx: &IngestContext, publication: Publication, how: Ending) {
    let channel_id = publication.channel_id().to_owned();
    // A sink that stalls (the HLS stage behind a full pipe) or a directory that does not answer
    // (its database hung) must not keep the channel live for good: each step has its time.
    let slot = match tokio::time::timeout(REPORT_TIMEOUT, publication.finish()).await {
        Ok((slot, Ok(()))) => Some(slot),
        Ok((slot, Err(error))) => {
            tracing::warn!(
                channel = %channel_id,
                %error,
                "the live stream's sink did not finish cleanly"
            );
            Some(slot)
        }
        Err(_) => {
            // Dropping the unfinished future gave the channel's slot back already.
            tracing::warn!(
                channel = %channel_id,
                "the live stream's sink did not finish within {REPORT_TIMEOUT:?}: abandoned"
            );
            None
        }
    };
    tracing::info!(channel = %channel_id, ending = how.code(), "publishing ended");
    let reported = ctx.directory.publishing_ended(&channel_id, how);
    if tokio::time::timeout(REPORT_TIMEOUT, reported)
        .await
        .is_err()
    {
        tracing::warn!(
            channel = %channel_id,
            "the end of the publish could not be reported within {REPORT_TIMEOUT:?}"
        );
    }
    // The channel is free for the next publish only now, after its end was reported.
    drop(slot);
}

fn log_end(end: &SessionEnd, publication: Option<&Publication>) {
    let channel = publication.map_or("-", Publication::channel_id);
    match end {
        SessionEnd::Returned(Ok(_)) => tracing::debug!(channel, "RTMP session closed"),
        SessionEnd::Returned(Err(error)) => {
            tracing::debug!(channel, %error, "RTMP session ended with an error")
        }
        SessionEnd::Panicked(detail) => tracing::error!(channel, %detail, "RTMP session panicked"),
        SessionEnd::Cut(cut) => tracing::info!(channel, ?cut, "RTMP session cut off"),
    }
}
