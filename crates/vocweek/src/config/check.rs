//! The checks a loaded configuration must pass, so that a mistake stops the program at start
//! with the setting's name rather than surfacing later in a job or a request.

use anyhow::bail;
use secrecy::ExposeSecret;

use super::{Config, redact_url};

impl Config {
    pub(super) fn check(&self) -> anyhow::Result<()> {
        self.public_origin()?;
        self.storage.check()?;
        if let Some(url) = &self.database_url {
            let url = url.expose_secret();
            if !(url.starts_with("sqlite:")
                || url.starts_with("postgres://")
                || url.starts_with("postgresql://"))
            {
                bail!(
                    "database_url must start with sqlite:// or postgres:// (got {})",
                    redact_url(url)
                );
            }
        }
        self.partners.check()?;
        if !matches!(self.log.format.as_str(), "text" | "json") {
            bail!("log.format must be 'text' or 'json'");
        }
        // The sections the pipeline owns check themselves.
        self.workers.check()?;
        self.photos.check()?;
        self.video.check()?;
        self.articles.check()?;
        self.media.budgets()?;
        self.mail.settings()?;
        self.live.settings()?;
        // Across two sections: a photo child's memory holds the largest decode.
        if self.media.photo_memory <= self.photos.max_decoded {
            bail!(
                "media.photo_memory ({}) must be larger than photos.max_decoded ({}): a photo \
                 child holds the decode and the libraries around it",
                self.media.photo_memory,
                self.photos.max_decoded
            );
        }
        Ok(())
    }
}
