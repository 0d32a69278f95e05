//! A client that speaks just enough RTMP to get past the handshake, or nothing at all.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// C0 and C1 of the plain handshake, S0 S1 S2 read back, C2 echoing S1.
pub async fn rtmp_handshake(socket: &mut TcpStream) {
    let mut c0c1 = vec![3u8, 0, 0, 0, 0, 0, 0, 0, 0];
    c0c1.extend((0..1528u32).map(|i| (i % 251) as u8));
    socket.write_all(&c0c1).await.unwrap();
    let mut s0s1s2 = vec![0u8; 1 + 2 * 1536];
    socket.read_exact(&mut s0s1s2).await.unwrap();
    assert_eq!(s0s1s2[0], 3, "S0 is RTMP version 3");
    socket.write_all(&s0s1s2[1..1537]).await.unwrap();
}

/// Bytes that are not RTMP: xorshift64 from a fixed seed, the same every run.
pub fn garbage(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// How long until the server closes `socket`; fails after `within`.
pub async fn closed_within(socket: &mut TcpStream, within: Duration) -> Duration {
    let start = Instant::now();
    let mut buffer = [0u8; 4096];
    loop {
        let remaining = within
            .checked_sub(start.elapsed())
            .expect("the server did not close the connection");
        match tokio::time::timeout(remaining, socket.read(&mut buffer)).await {
            Ok(Ok(0) | Err(_)) => return start.elapsed(),
            Ok(Ok(_)) => continue,
            Err(_) => panic!("the server did not close the connection within {within:?}"),
        }
    }
}
