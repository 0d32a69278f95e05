use sea_orm::{DbErr, RuntimeErr, SqlErr};

/// Everything the data layer can report; the API maps each variant to a status and a code.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    #[error("{0} not found")]
    NotFound(String),
    /// A unique value (a unit name, a username…) is taken.
    #[error("{0} already exists")]
    AlreadyExists(String),
    /// Optimistic locking: somebody changed the row since it was read.
    #[error("{0} was changed by someone else; reload and try again")]
    Conflict(String),
    #[error(transparent)]
    Domain(#[from] vocweek_domain::DomainError),
    /// A batch that was sent to the Ministry cannot change any more.
    #[error("{0} was already sent")]
    AlreadySent(String),
    /// A request that is well-formed but not acceptable in the current data.
    #[error("{0}")]
    Invalid(String),
    /// Stored data that the code cannot read back (a bug or a hand-edited database).
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("password hashing failed: {0}")]
    Password(String),
}

pub type DbResult<T> = Result<T, DbError>;

impl DbError {
    /// The database could not be reached, is restarting, or is too busy: the same request
    /// may succeed in a moment (the API answers 503 with `Retry-After`, workers retry).
    pub fn is_unavailable(&self) -> bool {
        match self {
            DbError::Database(DbErr::ConnectionAcquire(_) | DbErr::Conn(_)) => true,
            DbError::Database(
                DbErr::Exec(RuntimeErr::SqlxError(err)) | DbErr::Query(RuntimeErr::SqlxError(err)),
            ) => sqlx_unavailable(err),
            _ => false,
        }
    }
}

impl DbError {
    /// Text the database cannot store: PostgreSQL refuses the NUL character (U+0000) in text
    /// (SQLSTATE 22021) and characters its encoding lacks (22P05). The request is at fault, not
    /// the server: the API answers 400, never 500.
    pub fn is_invalid_text(&self) -> bool {
        match self {
            DbError::Database(
                DbErr::Exec(RuntimeErr::SqlxError(err)) | DbErr::Query(RuntimeErr::SqlxError(err)),
            ) => matches!(
                err.as_ref(),
                sea_orm::sqlx::Error::Database(db)
                    if db.code().is_some_and(|code| code == "22021" || code == "22P05")
            ),
            _ => false,
        }
    }
}

fn sqlx_unavailable(err: &sea_orm::SqlxError) -> bool {
    use sea_orm::sqlx::Error;
    match err {
        Error::Io(_)
        | Error::Tls(_)
        | Error::Protocol(_)
        | Error::PoolTimedOut
        | Error::PoolClosed
        | Error::WorkerCrashed => true,
        // PostgreSQL: class 08 (connection exception), 57 (operator intervention: shutting
        // down, starting up), 53300 (too many connections). SQLite: 5 (busy), 6 (locked) and
        // their extended codes (the low byte is the primary one): 517 BUSY_SNAPSHOT is what a
        // transaction that read and then writes gets when another writer committed between
        // (WAL; the busy timeout does not wait for it), 261 BUSY_RECOVERY, 262 LOCKED_SHAREDCACHE.
        Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08")
                || code.starts_with("57")
                || code == "53300"
                || code
                    .parse::<u32>()
                    .is_ok_and(|sqlite| matches!(sqlite & 0xff, 5 | 6))
        }),
        _ => false,
    }
}

/// Whether a sea-orm error is a unique-constraint violation, on either backend.
pub(crate) fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_database_is_unavailable_and_a_bug_is_not() {
        let timeout = DbError::Database(DbErr::ConnectionAcquire(
            sea_orm::error::ConnAcquireErr::Timeout,
        ));
        assert!(timeout.is_unavailable());
        let io = DbError::Database(DbErr::Query(RuntimeErr::SqlxError(std::sync::Arc::new(
            sea_orm::sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionReset)),
        ))));
        assert!(io.is_unavailable());
        let syntax = DbError::Database(DbErr::Custom("syntax error".to_owned()));
        assert!(
            !DbError::Database(DbErr::Custom("5".to_owned())).is_unavailable(),
            "only a database's own code counts"
        );
        assert!(!syntax.is_unavailable());
        assert!(!DbError::Corrupt("x".to_owned()).is_unavailable());
    }
}
