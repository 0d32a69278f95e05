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
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = shutdown.changed() => {}
        }
    }
}
