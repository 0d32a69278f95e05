use sea_orm::{DbErr, SqlErr};

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

/// Whether a sea-orm error is a unique-constraint violation, on either backend.
pub(crate) fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}
