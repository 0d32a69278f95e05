//! How a campaigns use case fails: each case is one that a caller answers differently (the API
//! with its status and code, the page with its message). A database failure is an error.

use vocweek_db::DbError;
use vocweek_domain::DomainError;

/// Why a campaign was not created or activated.
#[derive(Debug, thiserror::Error)]
pub enum CampaignError {
    /// Campaigns are managed by admins only.
    #[error("only an administrator manages campaigns")]
    NotAdmin,
    /// No campaign has this slug: the one to activate, or the one whose vocabulary a new
    /// campaign was to copy.
    #[error("campaign '{0}' not found")]
    NotFound(String),
    /// Another campaign has this slug already.
    #[error("campaign '{0}' already exists")]
    Taken(String),
    /// The campaign itself is refused: its slug, year, names or dates
    /// (`CampaignSeed::checked`), or a data file that does not parse or whose vocabulary does
    /// not hold together (`CampaignSeed::from_toml`). The message names the field.
    #[error(transparent)]
    Invalid(DomainError),
    #[error(transparent)]
    Database(#[from] DbError),
}

impl CampaignError {
    /// A database error about the campaign `slug`: its not-found and taken cases told as such,
    /// anything else as the failure it is.
    pub(super) fn about(slug: &str, err: DbError) -> CampaignError {
        match err {
            DbError::NotFound(_) => CampaignError::NotFound(slug.to_owned()),
            DbError::AlreadyExists(_) => CampaignError::Taken(slug.to_owned()),
            other => CampaignError::Database(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_messages_name_the_campaign() {
        let missing = CampaignError::about("shandong-1999", DbError::NotFound("x".to_owned()));
        assert_eq!(missing.to_string(), "campaign 'shandong-1999' not found");
        let taken = CampaignError::about("shandong-2022", DbError::AlreadyExists("x".to_owned()));
        assert_eq!(taken.to_string(), "campaign 'shandong-2022' already exists");
        let broken = CampaignError::about("s", DbError::Corrupt("a bad row".to_owned()));
        assert!(matches!(broken, CampaignError::Database(_)), "{broken:?}");
    }
}
