//! Writing to a client without copying file bytes through our memory: the head goes out with
//! `MSG_MORE` (so the kernel packs it with the first file bytes instead of sending a small
//! packet of its own), the file with `sendfile(2)`, straight from the page cache to the socket.
//! A client that takes nothing for `STALL` is dropped rather than holding a connection open.

use std::io;
use std::os::fd::AsRawFd;
use std::time::Duration;

use nix::sys::socket::{MsgFlags, send};
use tokio::io::Interest;
use tokio::net::TcpStream;

/// How long a client may accept no bytes at all before the connection is dropped.
pub const STALL: Duration = Duration::from_secs(60);

/// The most one sendfile(2) call is asked for (nginx's `sendfile_max_chunk` default): against
/// a fast client one call would otherwise go on as long as the socket takes bytes, holding a
/// runtime thread from every other connection.
const SENDFILE_STEP: usize = 2 << 20;

async fn writable(stream: &TcpStream) -> io::Result<()> {
    tokio::time::timeout(STALL, stream.writable())
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "the client stopped reading"))?
}

/// Writes all of `bytes`; with `more`, tells the kernel more data follows at once.
pub async fn write_all(stream: &TcpStream, bytes: &[u8], more: bool) -> io::Result<()> {
    // nix has no name for MSG_MORE; the flag is Linux's own.
    let flags = if more {
        MsgFlags::from_bits_retain(libc::MSG_MORE) | MsgFlags::MSG_NOSIGNAL
    } else {
        MsgFlags::MSG_NOSIGNAL
    };
    let mut written = 0;
    while written < bytes.len() {
        writable(stream).await?;
        match stream.try_io(Interest::WRITABLE, || {
            send(stream.as_raw_fd(), &bytes[written..], flags).map_err(io::Error::from)
        }) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Sends `len` bytes of `file` from `start` to the client with sendfile(2). A file shorter
/// than promised ends the connection: the head already announced the length.
pub async fn send_file(
    stream: &TcpStream,
    file: &std::fs::File,
    start: u64,
    len: u64,
) -> io::Result<()> {
    let too_far = || io::Error::new(io::ErrorKind::InvalidInput, "file offset out of range");
    let mut offset = i64::try_from(start).map_err(|_| too_far())?;
    let end = start
        .checked_add(len)
        .and_then(|end| i64::try_from(end).ok())
        .ok_or_else(too_far)?;
    while offset < end {
        let step =
            usize::try_from(end - offset).map_or(SENDFILE_STEP, |left| left.min(SENDFILE_STEP));
        writable(stream).await?;
        match stream.try_io(Interest::WRITABLE, || {
            nix::sys::sendfile::sendfile64(stream, file, Some(&mut offset), step)
                .map_err(io::Error::from)
        }) {
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the stored file is shorter than its recorded size",
                ));
            }
            // Socket readiness does not count against tokio's budget: without this a download
            // that never blocks would never let other tasks run on its thread.
            Ok(_) => tokio::task::coop::consume_budget().await,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
