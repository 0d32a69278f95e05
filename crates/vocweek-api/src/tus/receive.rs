//! Appending a request body to an upload under its lease: what PATCH and creation-with-upload
//! share.
//!
//! Bytes count as received (the offset HEAD reports) once they are written to the file and
//! recorded: every 2 s during a long body, and at its end. Written means handed to the kernel,
//! which a killed process cannot lose; the file is also synced to disk on that 2 s tick and
//! before ingest, not after every PATCH (with 8 MiB PATCHes an fsync each would halve the
//! throughput — BENCHMARKS.md). After a machine crash the file may be shorter than recorded: the
//! next request rewinds the offset to the file (HEAD tells the client; nothing corrupt is ever
//! kept). A body that stops early (a dropped connection) keeps what arrived, because tus resumes
//! from the offset. With a checksum, nothing of the body counts until the whole of it matches;
//! otherwise it is cut off.

use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use actix_web::web;
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

use super::checksum::ChunkDigest;
use super::lease::Lease;
use super::protocol::{checksum_mismatch, locked};
use crate::{ApiError, AppState};

/// A long body is synced to disk and recorded this often.
const SYNC_INTERVAL: Duration = Duration::from_secs(2);
/// A client that sends nothing for this long has gone; the lease is given back.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
const WRITE_BUFFER: usize = 1 << 20;

/// A body to append.
pub struct Append {
    /// The acknowledged offset the body starts at.
    pub start: u64,
    /// The most the upload may hold (its length, or the largest accepted file while deferred).
    pub limit: u64,
    pub digest: Option<ChunkDigest>,
}

/// This request stalled so long that another took the upload over.
fn lost_lease() -> ApiError {
    ApiError {
        message: "this request lost the upload's lease (it stalled); resume from HEAD's offset"
            .to_owned(),
        ..locked()
    }
}

fn too_long(limit: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "upload-length-exceeded",
        format!(
            "the upload may not grow past {limit} bytes (its declared length, or while the \
             length is deferred the size limit of its file type)"
        ),
    )
    .with_details(serde_json::json!({ "length": limit }))
}

/// Appends the body; returns the new acknowledged offset.
pub async fn append(
    state: &web::Data<AppState>,
    lease: &Lease,
    append: Append,
    mut body: web::Payload,
) -> Result<u64, ApiError> {
    let tus = &state.tus;
    let id = lease.id();
    let file = tus
        .partials
        .append_at(id, append.start)
        .await
        .map_err(storage)?;
    let mut file = tokio::io::BufWriter::with_capacity(WRITE_BUFFER, file);
    let mut digest = append.digest;
    let mut hasher = tus.hashes.take(id, append.start);
    let mut written = append.start;
    let mut synced_at = Instant::now();
    let mut end = End::Complete;
    let mut last_chunk_at = Instant::now();
    loop {
        // Wake up at the next sync even when no bytes come: a slow or stalled client still gets
        // what it sent synced and recorded, and the lease stays alive while it is connected.
        let until_sync = SYNC_INTERVAL.saturating_sub(synced_at.elapsed());
        let chunk = match tokio::time::timeout(until_sync, body.next()).await {
            Ok(Some(Ok(chunk))) => chunk,
            Ok(None) => break,
            // A dropped connection: keep what arrived.
            Ok(Some(Err(_))) => {
                end = End::Dropped;
                break;
            }
            Err(_) if last_chunk_at.elapsed() >= IDLE_TIMEOUT => {
                end = End::Dropped;
                break;
            }
            Err(_) => {
                let acknowledged = acknowledged(&digest, append.start, written);
                sync_and_record(state, lease, &mut file, acknowledged).await?;
                synced_at = Instant::now();
                continue;
            }
        };
        last_chunk_at = Instant::now();
        if written + chunk.len() as u64 > append.limit {
            end = End::TooLong;
            break;
        }
        file.write_all(&chunk).await.map_err(io)?;
        if let Some(digest) = digest.as_mut() {
            digest.update(&chunk);
        }
        if let Some(hasher) = hasher.as_mut() {
            hasher.update(&chunk);
        }
        written += chunk.len() as u64;
        if synced_at.elapsed() >= SYNC_INTERVAL {
            let acknowledged = acknowledged(&digest, append.start, written);
            sync_and_record(state, lease, &mut file, acknowledged).await?;
            synced_at = Instant::now();
        }
    }
    // A body checked by a checksum counts only when it arrived whole and matches.
    let keep = match (&end, digest) {
        (End::Complete, Some(digest)) => digest.matches(),
        (_, Some(_)) => false,
        (_, None) => true,
    };
    if !keep {
        drop(file);
        tus.partials
            .truncate(id, append.start)
            .await
            .map_err(storage)?;
        record(state, lease, append.start).await?;
        return Err(match end {
            End::TooLong => too_long(append.limit),
            _ => checksum_mismatch(),
        });
    }
    file.flush().await.map_err(io)?;
    record(state, lease, written).await?;
    if let Some(hasher) = hasher {
        tus.hashes.keep(id, written, hasher);
    }
    match end {
        End::TooLong => Err(too_long(append.limit)),
        // A dropped client reads no answer; what arrived is kept for its resume.
        End::Complete | End::Dropped => Ok(written),
    }
}

enum End {
    Complete,
    /// The connection dropped, or the client went silent.
    Dropped,
    /// The body went past the upload's length.
    TooLong,
}

/// What a sync may acknowledge: bytes under a checksum wait for the whole body to match (they
/// are synced all the same, and the lease renewed).
fn acknowledged(digest: &Option<ChunkDigest>, start: u64, written: u64) -> u64 {
    if digest.is_some() { start } else { written }
}

async fn sync_and_record(
    state: &web::Data<AppState>,
    lease: &Lease,
    file: &mut tokio::io::BufWriter<tokio::fs::File>,
    acknowledged: u64,
) -> Result<(), ApiError> {
    sync(file).await?;
    record(state, lease, acknowledged).await
}

async fn sync(file: &mut tokio::io::BufWriter<tokio::fs::File>) -> Result<(), ApiError> {
    file.flush().await.map_err(io)?;
    file.get_ref().sync_data().await.map_err(io)
}

async fn record(state: &web::Data<AppState>, lease: &Lease, received: u64) -> Result<(), ApiError> {
    let tus = &state.tus;
    let recorded = state
        .db
        .record_resumable_progress(
            lease.id(),
            lease.holder(),
            tus.lease_ms(),
            i64::try_from(received).unwrap_or(i64::MAX),
            tus.expiry_from_now(),
        )
        .await?;
    if recorded { Ok(()) } else { Err(lost_lease()) }
}

fn io(err: std::io::Error) -> ApiError {
    ApiError::from_io(&err)
}

pub fn storage(err: vocweek_storage::StorageError) -> ApiError {
    err.into()
}
