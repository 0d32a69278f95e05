//! How a channels use case fails: each case one that a caller answers differently (the API
//! with its status and code, a page with its message). A database failure is an error.

use vocweek_db::DbError;

/// Why a channel was not made, changed or shown.
#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    /// Partners watch channels; they open none and hold no keys.
    #[error("only editors, administrators and the organising unit manage a live channel")]
    NotAllowed,
    /// No such channel, or one the caller may not see (answered the same).
    #[error("live channel not found")]
    NotFound,
    /// The channel has no event yet, or no segment of the asked rendition: nothing to play.
    #[error("the channel is not live")]
    NotLive,
    /// A field is refused; the message names it.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Database(#[from] DbError),
}

impl ChannelError {
    pub(super) fn from_lookup(err: DbError) -> ChannelError {
        match err {
            DbError::NotFound(_) => ChannelError::NotFound,
            other => ChannelError::Database(other),
        }
    }
}
