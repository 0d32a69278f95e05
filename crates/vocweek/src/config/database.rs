//! The database: its URL (a SQLite file in the data directory unless set), and the same URL
//! fit for the log.

use secrecy::SecretString;

use super::Config;

impl Config {
    /// The URL to connect with, still secret: expose it where it is used, and log it only
    /// through [`redact_url`].
    pub fn database_url(&self) -> SecretString {
        match &self.database_url {
            Some(url) => url.clone(),
            None => vocweek_db::Db::sqlite_url(&self.data_dir.join("vocweek.db")).into(),
        }
    }
}

/// A database URL safe to print: the password is replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split(':').next().unwrap_or_default();
            if credentials.contains(':') {
                format!("{scheme}://{user}:***@{host}")
            } else {
                format!("{scheme}://{user}@{host}")
            }
        }
        None => url.to_owned(),
    }
}
