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

use vocweek_pipeline::IngestError;

use super::checksum::ChunkDigest;
use super::complete::refuse;
use super::head_gate::HeadGate;
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

/// Appends the body; returns the new acknowledged offset. A body that brings an upload's first
/// bytes has them checked as soon as they are all there, before the rest of the
/// body is taken: a refused type costs the server 64 KiB, however long the body.
pub async fn append(
    state: &web::Data<AppState>,
    lease: &Lease,
    append: Append,
    gate: &HeadGate<'_>,
    mut body: web::Payload,
) -> Result<u64, ApiError> {
    let tus = &state.tus;
    let id = lease.id();
    let file = tus
        .partials
        .append_at(id, append.start)
        .await
        .map_err(storage)?;
    let mut sink = Sink {
        file: tokio::io::BufWriter::with_capacity(WRITE_BUFFER, file),
        digest: append.digest,
        hasher: tus.hashes.take(id, append.start),
        written: append.start,
    };
    // The upload's first bytes, gathered while the type is not yet checked.
    let mut head = if append.start < gate.len() {
        let before = tus.partials.head(id, append.start as usize).await;
        Some(before.map_err(storage)?)
    } else {
        None
    };
    let mut limit = append.limit;
    let mut synced_at = Instant::now();
    let mut end = End::Complete;
    let mut last_chunk_at = Instant::now();
    loop {
        // Wake up at the next sync even when no bytes come: a slow or stalled client still gets
        // what it sent synced and recorded, and the lease stays alive while it is connected.
        let until_sync = SYNC_INTERVAL.saturating_sub(synced_at.elapsed());
        let mut chunk = match tokio::time::timeout(until_sync, body.next()).await {
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
                let acknowledged = acknowledged(&sink.digest, append.start, sink.written);
                sync_and_record(state, lease, &mut sink.file, acknowledged).await?;
                synced_at = Instant::now();
                continue;
            }
        };
        last_chunk_at = Instant::now();
        if sink.written + chunk.len() as u64 > limit {
            end = End::TooLong;
            break;
        }
        if let Some(gathered) = head.as_mut() {
            let wanted = (gate.len() as usize).saturating_sub(gathered.len());
            let first = chunk.split_to(wanted.min(chunk.len()));
            gathered.extend_from_slice(&first);
            sink.put(&first).await?;
            if gathered.len() as u64 >= gate.len() {
                match gate.check(gathered) {
                    // A "photo" of deferred length stops at the photo limit within this very
                    // body, not at the largest limit it was allowed before its type was known.
                    Ok(type_limit) => limit = limit.min(type_limit),
                    Err(refusal) => {
                        end = End::Refused(refusal);
                        break;
                    }
                }
                head = None;
            }
        }
        if sink.written + chunk.len() as u64 > limit {
            end = End::TooLong;
            break;
        }
        sink.put(&chunk).await?;
        if synced_at.elapsed() >= SYNC_INTERVAL {
            let acknowledged = acknowledged(&sink.digest, append.start, sink.written);
            sync_and_record(state, lease, &mut sink.file, acknowledged).await?;
            synced_at = Instant::now();
        }
    }
    let Sink {
        mut file,
        digest,
        hasher,
        written,
    } = sink;
    if let End::Refused(refusal) = end {
        drop(file);
        // The rest of the body is never read: the connection closes after the answer (actix
        // would otherwise read and discard a chunked body to its end).
        if digest.is_some() {
            // Bytes under a checksum are not verified yet: a bit flipped on the way must not
            // end the upload for good. This body is dropped, the upload stays where it was,
            // and the same bytes sent again get the same answer.
            tus.partials
                .truncate(id, append.start)
                .await
                .map_err(storage)?;
            record(state, lease, append.start).await?;
            return Err(ApiError::from(refusal).closing_connection());
        }
        // Refused for good: recorded on the upload, its bytes removed.
        return Err(refuse(state, id, refusal).await.closing_connection());
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
            End::TooLong => too_long(limit),
            _ => checksum_mismatch(),
        });
    }
    file.flush().await.map_err(io)?;
    record(state, lease, written).await?;
    if let Some(hasher) = hasher {
        tus.hashes.keep(id, written, hasher);
    }
    match end {
        End::TooLong => Err(too_long(limit)),
        // A dropped client reads no answer; what arrived is kept for its resume.
        _ => Ok(written),
    }
}

/// Where the bytes of a body go: the file, the chunk's checksum, the upload's running hash.
struct Sink {
    file: tokio::io::BufWriter<tokio::fs::File>,
    digest: Option<ChunkDigest>,
    hasher: Option<blake3::Hasher>,
    written: u64,
}

impl Sink {
    async fn put(&mut self, bytes: &[u8]) -> Result<(), ApiError> {
        if bytes.is_empty() {
            return Ok(());
        }
        self.file.write_all(bytes).await.map_err(io)?;
        if let Some(digest) = self.digest.as_mut() {
            digest.update(bytes);
        }
        if let Some(hasher) = self.hasher.as_mut() {
            hasher.update(bytes);
        }
        self.written += bytes.len() as u64;
        Ok(())
    }
}

enum End {
    Complete,
    /// The connection dropped, or the client went silent.
    Dropped,
    /// The body went past the upload's length.
    TooLong,
    /// The first bytes showed a file that is refused (type, size limit, form).
    Refused(IngestError),
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
