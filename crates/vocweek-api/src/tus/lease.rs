//! The one-writer rule: a PATCH (or a completion) holds the upload's lease in the database, so
//! two nodes never append to the same file at once.

use super::protocol::locked;
use crate::{ApiError, AppState};

pub struct Lease {
    state: actix_web::web::Data<AppState>,
    id: String,
    /// This request: two PATCHes on one node are two writers too.
    holder: String,
    released: bool,
}

impl Lease {
    /// Takes the lease or answers 423 Locked, as tusd does.
    pub async fn take(state: &actix_web::web::Data<AppState>, id: &str) -> Result<Self, ApiError> {
        let holder = format!("{}/{}", state.tus.node, uuid::Uuid::now_v7());
        if !state
            .db
            .lock_resumable(id, &holder, state.tus.lease_ms())
            .await?
        {
            return Err(locked());
        }
        Ok(Lease {
            state: state.clone(),
            id: id.to_owned(),
            holder,
            released: false,
        })
    }

    pub fn holder(&self) -> &str {
        &self.holder
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub async fn release(mut self) {
        self.released = true;
        if let Err(err) = self.state.db.unlock_resumable(&self.id, &self.holder).await {
            // Harmless: the lease lapses on its own.
            tracing::warn!(upload = %self.id, error = %err, "releasing an upload lease failed");
        }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if !self.released {
            // An early return: release in the background rather than leave the upload blocked
            // for a whole lease.
            let state = self.state.clone();
            let id = std::mem::take(&mut self.id);
            let holder = std::mem::take(&mut self.holder);
            actix_web::rt::spawn(async move {
                let _ = state.db.unlock_resumable(&id, &holder).await;
            });
        }
    }
}
