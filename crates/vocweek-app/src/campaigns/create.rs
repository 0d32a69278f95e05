//! Creating a campaign (not active yet): from its fields, with a copy of another campaign's
//! vocabulary (the active one's by default), or from a campaign data file that brings its own
//! vocabulary (a new theme for next year, say), exactly as `vocweek campaign create --file`
//! takes it. The slug is unique: the database decides between two creations at once.

use std::sync::Arc;

use vocweek_db::campaigns::ActiveCampaign;
use vocweek_domain::{CampaignFields, CampaignSeed};

use super::{CampaignError, Campaigns};
use crate::Actor;

impl Campaigns {
    /// Checks and stores a new campaign from its fields as an admin fills them in (trimmed),
    /// with a copy of the vocabulary of `vocabulary_from`: a slug, or `current` (and `None`)
    /// for the active campaign. The copy belongs to the new campaign. Answers the campaign
    /// created, not active yet.
    pub async fn create(
        &self,
        actor: &Actor,
        campaign: CampaignFields,
        vocabulary_from: Option<&str>,
    ) -> Result<ActiveCampaign, CampaignError> {
        self.may_manage(actor)?;
        let source = self
            .campaign_or_current(vocabulary_from.unwrap_or("current"))
            .await?;
        let seed = CampaignSeed {
            campaign: trimmed(campaign),
            vocabulary: source.vocabulary.clone(),
        }
        .checked()
        .map_err(CampaignError::Invalid)?;
        self.store(seed).await
    }

    /// Checks and stores a new campaign from a campaign data file (TOML: a `[campaign]` header
    /// and its own vocabulary, see `vocabularies/shandong-2021.toml` in `vocweek-domain`).
    pub async fn create_from_file(
        &self,
        actor: &Actor,
        toml: &str,
    ) -> Result<ActiveCampaign, CampaignError> {
        self.may_manage(actor)?;
        let seed = CampaignSeed::from_toml(toml)
            .and_then(CampaignSeed::checked)
            .map_err(CampaignError::Invalid)?;
        self.store(seed).await
    }

    /// `current` is this node's active campaign; otherwise a campaign's slug.
    async fn campaign_or_current(&self, slug: &str) -> Result<Arc<ActiveCampaign>, CampaignError> {
        if slug == "current" {
            return Ok(self.ingestor.campaign());
        }
        match self.db.campaign_by_slug(slug).await {
            Ok(campaign) => Ok(Arc::new(campaign)),
            Err(err) => Err(CampaignError::about(slug, err)),
        }
    }

    async fn store(&self, seed: CampaignSeed) -> Result<ActiveCampaign, CampaignError> {
        let created = self.db.create_campaign(&seed).await;
        match created {
            Ok(campaign) => Ok(ActiveCampaign {
                campaign,
                vocabulary: seed.vocabulary,
            }),
            Err(err) => Err(CampaignError::about(&seed.campaign.slug, err)),
        }
    }
}

/// A form's or a request's text without the spaces around it (pasted names bring some); the
/// year and the dates are parsed already.
fn trimmed(campaign: CampaignFields) -> CampaignFields {
    CampaignFields {
        slug: campaign.slug.trim().to_owned(),
        name_zh: campaign.name_zh.trim().to_owned(),
        name_en: campaign.name_en.trim().to_owned(),
        theme_zh: campaign.theme_zh.trim().to_owned(),
        theme_en: campaign.theme_en.trim().to_owned(),
        ..campaign
    }
}
