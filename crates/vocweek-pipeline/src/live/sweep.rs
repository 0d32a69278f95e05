//! Events whose publisher vanished and did not come back within the grace period are ended
//! (`vanished`), by whichever node sweeps first; a node that starts again first interrupts the
//! events it held, which it carries no more.

use std::time::Duration;

use tracing::{info, warn};

use super::stage::LiveStage;

/// How often open events are looked at.
const SWEEP_EVERY: Duration = Duration::from_secs(5);

impl LiveStage {
    /// Interrupts what this node held before it started, then ends, every few seconds, the
    /// events past their grace period. Runs until the task is dropped.
    pub async fn sweep(self) {
        let parts = &self.shared.parts;
        match parts.db.interrupt_live_events_of_node(&parts.node).await {
            Ok(0) => {}
            Ok(held) => info!(
                held,
                "live events this node held before it started are interrupted"
            ),
            Err(err) => warn!(error = %err, "could not interrupt this node's former live events"),
        }
        let mut ticks = tokio::time::interval(SWEEP_EVERY);
        loop {
            ticks.tick().await;
            if let Err(err) = self.end_stale_events().await {
                warn!(error = %err, "the live events' sweep failed");
            }
        }
    }

    async fn end_stale_events(&self) -> Result<(), vocweek_db::DbError> {
        let parts = &self.shared.parts;
        let grace = chrono::Duration::from_std(parts.settings.reconnect_grace)
            .unwrap_or(chrono::Duration::zero());
        let cutoff = parts.db.clock().now() - grace;
        for event in parts.db.stale_live_events(cutoff).await? {
            if parts.db.end_live_event(&event.id, "vanished").await? {
                info!(event = %event.id, channel = %event.channel_id, "a live event ended: its publisher did not come back");
            }
        }
        Ok(())
    }
}
