//! A TCP proxy that behaves like a school network: it forwards connections to the app and, once
//! the bytes sent through it pass a threshold, cuts every open connection in the middle of a
//! request. Clients see a reset and must resume; the app sees a dropped body.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub struct FlakyNetwork {
    pub address: SocketAddr,
    cut: Arc<AtomicBool>,
}

impl FlakyNetwork {
    /// Forwards to `upstream`; cuts all connections once after `cut_after` bytes from clients.
    pub async fn start(upstream: SocketAddr, cut_after: u64) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let sent = Arc::new(AtomicU64::new(0));
        let cut = Arc::new(AtomicBool::new(false));
        let (cut_now, cut_signal) = watch::channel(false);
        let cut_flag = cut.clone();
        tokio::spawn(async move {
            let cut_now = Arc::new(cut_now);
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(upstream).await else {
                    continue;
                };
                tokio::spawn(forward(
                    client,
                    server,
                    sent.clone(),
                    cut_after,
                    cut_flag.clone(),
                    cut_now.clone(),
                    cut_signal.clone(),
                ));
            }
        });
        Ok(FlakyNetwork { address, cut })
    }

    /// Whether the cut happened.
    pub fn has_cut(&self) -> bool {
        self.cut.load(Ordering::SeqCst)
    }
}

async fn forward(
    client: TcpStream,
    server: TcpStream,
    sent: Arc<AtomicU64>,
    cut_after: u64,
    cut: Arc<AtomicBool>,
    cut_now: Arc<watch::Sender<bool>>,
    mut cut_signal: watch::Receiver<bool>,
) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let upstream = async {
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let read = client_read.read(&mut buffer).await.unwrap_or(0);
            if read == 0 {
                return;
            }
            let total = sent.fetch_add(read as u64, Ordering::SeqCst) + read as u64;
            if total >= cut_after && !cut.swap(true, Ordering::SeqCst) {
                // Half of this read goes through, then the line goes dead for everyone.
                let _ = server_write.write_all(&buffer[..read / 2]).await;
                let _ = cut_now.send(true);
                return;
            }
            if server_write.write_all(&buffer[..read]).await.is_err() {
                return;
            }
        }
    };
    let downstream = async {
        let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
    };
    let was_cut = async {
        // A connection opened after the cut lives normally.
        if *cut_signal.borrow() {
            std::future::pending::<()>().await;
        }
        let _ = cut_signal.changed().await;
    };
    tokio::select! {
        _ = upstream => {}
        _ = downstream => {}
        _ = was_cut => {}
    }
    // Dropping both halves of both sockets closes the connections.
}
