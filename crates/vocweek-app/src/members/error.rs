//! How a unit-people use case fails: each case is one the API answers with its own status and
//! code. A database failure is an error.

use vocweek_db::DbError;

/// Why a unit's people were not listed, invited or disabled.
#[derive(Debug, thiserror::Error)]
pub enum MemberError {
    /// The caller does not manage this unit's people.
    #[error("{0}")]
    Forbidden(MemberForbidden),
    /// No such unit, no such person in it, or (asked by another unit's admin) a unit that is
    /// not theirs: the same answer, so that a unit learns nothing of the others.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Another unit person has this username.
    #[error("the username '{0}' is taken")]
    Taken(String),
    /// A field is refused; the message names it and says why.
    #[error("{0}")]
    Invalid(String),
    /// A unit admin does not disable their own account (the unit could be left with no one to
    /// invite its people).
    #[error("a unit admin cannot disable their own account")]
    OwnAccount,
    /// The unit has as many people as one unit may.
    #[error("a unit has at most {0} people with accounts; disable one first")]
    TooMany(usize),
    #[error(transparent)]
    Database(#[from] DbError),
}

/// Who does not manage a unit's people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MemberForbidden {
    /// The unit's shared upload token names no one: only a person who signed in does.
    #[error("the unit's upload token manages no accounts: sign in as the unit's admin")]
    SharedToken,
    /// A unit person who is not one of its unit admins.
    #[error("only a unit admin invites and disables the unit's people")]
    NotUnitAdmin,
    /// Editors and partners; and a unit that names another unit by its id.
    #[error("only the unit's admins and provincial administrators manage a unit's people")]
    Other,
}
