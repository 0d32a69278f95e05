//! A second port that serves only `/media`, for media partners' downloads and players
//! (`partners.media_listen`). Its answers are the actix route's (`distribution::media`), but
//! bodies of blobs on the local disk go from the page cache to the socket with sendfile(2):
//! actix copies every body chunk into its write buffer, and that copy (plus ours) is where a
//! download-heavy node spent its time (BENCHMARKS.md, "Media delivery").
//!
//! Plain HTTP/1.1 with keep-alive; TLS, if any, is the proxy's or the CDN's in front.

mod connection;
mod request_head;
mod response;
mod socket_writes;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use crate::AppState;

/// Connections served at once; more wait in the kernel's accept queue.
const MAX_CONNECTIONS: usize = 10_000;

/// The running listener; dropping it does not stop it, `stop` does.
pub struct MediaListener {
    pub address: SocketAddr,
    accept: JoinHandle<()>,
}

impl MediaListener {
    /// Serves `/media` on `listener` from now on (on the calling tokio runtime).
    pub fn start(listener: std::net::TcpListener, state: AppState) -> std::io::Result<Self> {
        raise_open_file_limit();
        listener.set_nonblocking(true)?;
        let listener = TcpListener::from_std(listener)?;
        let address = listener.local_addr()?;
        let accept = tokio::spawn(accept_loop(listener, Arc::new(state)));
        Ok(MediaListener { address, accept })
    }

    /// Stops taking connections; requests in flight finish on their own.
    pub fn stop(&self) {
        self.accept.abort();
    }
}

impl Drop for MediaListener {
    /// A listener whose server failed to start, or that is simply dropped, stops too.
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// A download holds two descriptors (socket and file): raise the soft limit on open files to
/// the hard one, as servers do, so `MAX_CONNECTIONS` downloads do not fail at the common
/// default of 1,024.
fn raise_open_file_limit() {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    if let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE)
        && soft < hard
        && let Err(error) = setrlimit(Resource::RLIMIT_NOFILE, hard, hard)
    {
        tracing::warn!(%error, soft, "media listener: cannot raise the open-file limit");
    }
}

async fn accept_loop(listener: TcpListener, state: Arc<AppState>) {
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(permit) = permits.clone().acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) => {
                // Out of file descriptors and the like: wait a moment rather than spin.
                tracing::warn!(%error, "media listener: accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
        };
        let state = state.clone();
        tokio::spawn(async move {
            if let Err(error) = connection::serve(stream, &state).await {
                tracing::debug!(%error, "media connection ended");
            }
            drop(permit);
        });
    }
}
