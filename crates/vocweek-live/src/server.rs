//! The accept loop: every connection in its own task, every failure contained to it.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::{JoinError, JoinSet};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::connection::serve_connection;
use crate::context::IngestContext;
use crate::{ChannelDirectory, IngestSettings, LiveRegistry, SinkFactory};

/// A failing `accept` (out of file descriptors, usually) is retried after this pause rather
/// than in a loop that would spin a core while the condition lasts.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// The RTMP ingest of one node.
pub struct RtmpIngest {
    settings: IngestSettings,
    directory: Arc<dyn ChannelDirectory>,
    sinks: Arc<dyn SinkFactory>,
    registry: Arc<LiveRegistry>,
}

impl RtmpIngest {
    pub fn new(
        settings: IngestSettings,
        directory: Arc<dyn ChannelDirectory>,
        sinks: Arc<dyn SinkFactory>,
    ) -> Self {
        let registry = Arc::new(LiveRegistry::new(settings.max_channels));
        Self {
            settings,
            directory,
            sinks,
            registry,
        }
    }

    /// The node's live channels, to be read while `serve` runs.
    pub fn registry(&self) -> Arc<LiveRegistry> {
        Arc::clone(&self.registry)
    }

    /// Accepts publishers on `listener` until `shutdown` completes, then cuts off the sessions
    /// still running (their publishes end `Ending::Shutdown`) and returns once every one of
    /// them has been reported.
    pub async fn serve(self, listener: TcpListener, shutdown: impl Future<Output = ()>) {
        let ctx = Arc::new(IngestContext {
            settings: self.settings,
            directory: self.directory,
            sinks: self.sinks,
            registry: self.registry,
        });
        let pending = Arc::new(Semaphore::new(ctx.settings.max_pending_connections));
        let stop = CancellationToken::new();
        let mut connections = JoinSet::new();
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => break,
                accepted = listener.accept() => {
                    let (stream, peer) = match accepted {
                        Ok(accepted) => accepted,
                        Err(error) => {
                            tracing::warn!(%error, "accepting an RTMP connection failed");
                            tokio::time::sleep(ACCEPT_RETRY).await;
                            continue;
                        }
                    };
                    let Ok(permit) = Arc::clone(&pending).try_acquire_owned() else {
                        tracing::warn!(
                            %peer,
                            "too many RTMP connections are not publishing yet: closed this one"
                        );
                        continue;
                    };
                    // The handshake and the connect/publish exchange are small request and
                    // answer messages: Nagle's delay would only slow the start of a publish.
                    if let Err(error) = stream.set_nodelay(true) {
                        tracing::debug!(%peer, %error, "could not set TCP_NODELAY");
                    }
                    let span = tracing::info_span!("rtmp", %peer);
                    let connection =
                        serve_connection(Arc::clone(&ctx), stream, peer, permit, stop.clone());
                    connections.spawn(connection.instrument(span));
                }
                Some(joined) = connections.join_next() => log_if_failed(joined),
            }
        }
        stop.cancel();
        while let Some(joined) = connections.join_next().await {
            log_if_failed(joined);
        }
    }
}

/// A connection task reports its own end; only a panic of its own gets here.
fn log_if_failed(joined: Result<(), JoinError>) {
    if let Err(error) = joined {
        tracing::error!(%error, "an RTMP connection task failed");
    }
}
