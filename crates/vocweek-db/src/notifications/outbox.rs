//! The notices' emails as an outbox, claimed as the job queue claims jobs: one `UPDATE …
//! RETURNING` takes the next due pending notice (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite
//! runs it under its write lock), counts the attempt and moves the next attempt past a lease.
//! A sender that dies leaves the notice pending; once the lease passes another sender takes
//! it, so an email goes at least once. An attempt's outcome is recorded only by the sender
//! whose claim it was (the attempt number it claimed is still the row's).

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DbBackend, EntityTrait, QueryFilter, Statement};

use crate::entities::notification;
use crate::records::notification::{MailState, Notification};
use crate::{Db, DbBackendKind, DbResult, now_millis};

/// How one attempt at a notice's email ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailOutcome {
    Sent,
    /// Nobody to send it to (no liaison email in the active campaign): why, for the log.
    NoAddress(String),
    /// Mail is switched off on this installation.
    Disabled,
    /// Worth another try at `retry_at` (epoch milliseconds); the error is kept.
    Retry {
        error: String,
        retry_at: i64,
    },
    /// Given up: the attempts ran out, or the server refused the message for good.
    Failed(String),
}

/// Errors are kept cut to this many characters.
const ERROR_CHARS: usize = 500;

impl Db {
    /// Claims the next due email for `lease_ms` milliseconds, or `None` when none is due: the
    /// attempt is counted and the next attempt moved to the lease's end, so that another
    /// sender takes it only if this one dies.
    pub async fn claim_mail(&self, lease_ms: i64) -> DbResult<Option<Notification>> {
        let now = now_millis();
        let pending = MailState::Pending.as_str();
        let (backend, sql) = match self.backend() {
            DbBackendKind::Postgres => (
                DbBackend::Postgres,
                format!(
                    "UPDATE notifications SET mail_attempts = mail_attempts + 1, \
                     next_attempt_at = $1 \
                     WHERE id = (SELECT id FROM notifications \
                     WHERE mail_state = '{pending}' AND next_attempt_at <= $2 \
                     ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING *"
                ),
            ),
            DbBackendKind::Sqlite => (
                DbBackend::Sqlite,
                format!(
                    "UPDATE notifications SET mail_attempts = mail_attempts + 1, \
                     next_attempt_at = ?1 \
                     WHERE id = (SELECT id FROM notifications \
                     WHERE mail_state = '{pending}' AND next_attempt_at <= ?2 \
                     ORDER BY next_attempt_at, id LIMIT 1) RETURNING *"
                ),
            ),
        };
        let statement =
            Statement::from_sql_and_values(backend, sql, [(now + lease_ms).into(), now.into()]);
        notification::Entity::find()
            .from_raw_sql(statement)
            .one(self.conn())
            .await?
            .map(Notification::try_from)
            .transpose()
    }

    /// Records how attempt `attempt` (the `mail_attempts` its claim returned) of notice `id`
    /// ended. `false`: the claim is no longer this sender's (its lease ran out and another
    /// sender claimed the notice, or it was settled) and nothing was recorded.
    pub async fn finish_mail(&self, id: i32, attempt: i32, outcome: MailOutcome) -> DbResult<bool> {
        let cut = |error: String| -> String { error.chars().take(ERROR_CHARS).collect() };
        let to = |state: MailState| Expr::value(state.as_str());
        let update = notification::Entity::update_many();
        let update = match outcome {
            MailOutcome::Sent => update
                .col_expr(notification::Column::MailState, to(MailState::Sent))
                .col_expr(
                    notification::Column::SentAt,
                    Expr::value(Some(self.clock().now())),
                )
                .col_expr(
                    notification::Column::LastError,
                    Expr::value(Option::<String>::None),
                ),
            MailOutcome::NoAddress(why) => update
                .col_expr(notification::Column::MailState, to(MailState::NoAddress))
                .col_expr(notification::Column::LastError, Expr::value(Some(cut(why)))),
            MailOutcome::Disabled => {
                update.col_expr(notification::Column::MailState, to(MailState::Disabled))
            }
            MailOutcome::Retry { error, retry_at } => update
                .col_expr(notification::Column::NextAttemptAt, Expr::value(retry_at))
                .col_expr(
                    notification::Column::LastError,
                    Expr::value(Some(cut(error))),
                ),
            MailOutcome::Failed(error) => update
                .col_expr(notification::Column::MailState, to(MailState::Failed))
                .col_expr(
                    notification::Column::LastError,
                    Expr::value(Some(cut(error))),
                ),
        };
        let result = update
            .filter(notification::Column::Id.eq(id))
            .filter(notification::Column::MailAttempts.eq(attempt))
            .filter(notification::Column::MailState.eq(MailState::Pending.as_str()))
            .exec(self.conn())
            .await?;
        Ok(result.rows_affected == 1)
    }
}
