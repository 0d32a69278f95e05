//! Expiry of resumable uploads: a partial upload nobody wrote to for the configured time is
//! removed, bytes and row, so abandoned 4 GB halves do not fill the disk. Finished uploads'
//! rows go too (their asset stays). Runs beside the workers, on every worker process; the
//! conditional delete makes two sweepers harmless.

use std::time::Duration;

use tokio::sync::watch;
use tracing::{info, warn};
use vocweek_db::{Db, DbResult, now_millis};
use vocweek_storage::PartialUploads;

/// Removes the uploads past their expiry; returns how many went.
pub async fn sweep_expired_uploads(db: &Db, partials: &PartialUploads) -> DbResult<usize> {
    let now = now_millis();
    let mut removed = 0;
    for upload in db.expired_resumables(now, 500).await? {
        // A writer holding the lease right now keeps it alive; the next sweep looks again.
        if db.delete_resumable(&upload.id, now).await? {
            if let Err(err) = partials.remove(&upload.id).await {
                warn!(upload = %upload.id, error = %err, "removing an expired upload's bytes failed");
            }
            removed += 1;
        }
    }
    if removed > 0 {
        info!(removed, "expired resumable uploads removed");
    }
    Ok(removed)
}

/// Removes the bytes of uploads that no longer need them: finished (their asset holds the
/// bytes now) or refused, which a process killed between recording the end and removing the
/// file left behind; and files of no known upload once an hour old (a creation whose row was
/// never written). Returns how many went.
pub async fn sweep_finished_parts(db: &Db, partials: &PartialUploads) -> DbResult<usize> {
    const UNKNOWN_AFTER: Duration = Duration::from_secs(3600);
    let listed = match partials.listed().await {
        Ok(listed) => listed,
        Err(err) => {
            warn!(error = %err, "listing resumable uploads' files failed");
            return Ok(0);
        }
    };
    let mut removed = 0;
    for (id, modified) in listed {
        let stale = match db.resumable(&id).await? {
            Some(upload) => upload.state != vocweek_db::resumable_uploads::RECEIVING,
            None => modified.elapsed().is_ok_and(|age| age > UNKNOWN_AFTER),
        };
        if stale {
            match partials.remove(&id).await {
                Ok(()) => removed += 1,
                Err(err) => {
                    warn!(upload = %id, error = %err, "removing a finished upload's bytes failed")
                }
            }
        }
    }
    if removed > 0 {
        info!(removed, "bytes of finished resumable uploads removed");
    }
    Ok(removed)
}

/// How long a live publish's recording may wait for its replay: past this the replay, if it
/// ever runs, remuxes from the segments.
const STALE_RECORDING: Duration = Duration::from_secs(24 * 3600);

/// Sweeps every `interval` until `shutdown` turns true.
pub async fn run_upload_sweeper(
    db: Db,
    partials: PartialUploads,
    staging: std::path::PathBuf,
    interval: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    while !*shutdown.borrow() {
        if let Err(err) = sweep_expired_uploads(&db, &partials).await {
            warn!(error = %err, "sweeping expired uploads failed");
        }
        if let Err(err) = sweep_finished_parts(&db, &partials).await {
            warn!(error = %err, "sweeping finished uploads' bytes failed");
        }
        // What killed processes left in the staging directory (uploads being received,
        // media scratch directories).
        let dir = staging.clone();
        match tokio::task::spawn_blocking(move || {
            vocweek_storage::staging_owner::sweep_orphans(&dir)
        })
        .await
        {
            Ok(Ok(0)) => {}
            Ok(Ok(removed)) => tracing::info!(removed, "removed staging entries of dead processes"),
            Ok(Err(err)) => warn!(error = %err, "sweeping the staging directory failed"),
            Err(err) => warn!(error = %err, "the staging sweep did not finish"),
        }
        let dir = staging.clone();
        let stale = tokio::task::spawn_blocking(move || {
            crate::live_recordings::remove_stale_recordings(&dir, STALE_RECORDING)
        })
        .await;
        if let Ok(removed @ 1..) = stale {
            tracing::info!(removed, "removed live recordings no replay took");
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = shutdown.changed() => {}
        }
    }
}
