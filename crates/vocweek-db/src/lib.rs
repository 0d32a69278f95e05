//! The only crate that speaks SQL: entities, every query, and the durable job queue.
//! The same code runs on SQLite (the embedded default) and PostgreSQL.
//!
//! The sea-orm entities are private: other crates get plain records (`records/`, re-exported
//! by the module that owns their queries) whose closed sets are domain types, so no table's
//! shape nor the ORM leaks out, and no caller parses a stored string again.

pub mod accounts;
mod article_pictures;
pub mod assets;
pub mod audit;
pub mod batches;
pub mod campaigns;
mod cases;
mod chunked;
pub mod clips;
mod connect;
mod deletion;
pub(crate) mod entities;
mod error;
pub mod feed;
mod installation;
pub mod inventory;
pub mod jobs;
pub mod live;
pub mod media_verdicts;
pub mod member_sessions;
pub mod members;
pub mod notifications;
pub mod passwords;
pub mod processing;
mod records;
pub mod renditions;
pub mod replace;
pub mod reporting;
pub mod resumable_uploads;
pub mod review;
pub mod secrets;
pub mod similar;
pub mod stats;
pub mod submissions;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tokens;
pub mod versions;
pub mod webhooks;

pub use connect::{Db, DbBackendKind};
pub use deletion::DeletedAsset;
pub use error::{DbError, DbResult};

/// Now in epoch milliseconds, the unit of the job queue's times.
pub fn now_millis() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
