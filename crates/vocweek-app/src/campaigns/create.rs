//! Creating a campaign (not active yet): from its fields, with a copy of another campaign's
//! vocabulary (the active one's by default), or from a campaign data file that brings its own
//! vocabulary (a new theme for next year, say), exactly as `vocweek campaign create --file`
//! takes it. The slug is unique: the database decides between two creations at once.

use std::sync::Arc;

use chrono::NaiveDate;
use vocweek_db::campaigns::ActiveCampaign;
use vocweek_domain::CampaignSeed;

use super::{CampaignError, Campaigns};
use crate::Actor;

/// A new campaign as an admin fills it in: its slug, year, names, theme and dates, and the
/// campaign whose vocabulary it copies.
#[derive(Debug, Clone)]
pub struct NewCampaign {
    pub slug: String,
    pub year: i32,
    pub name_zh: String,
    pub name_en: String,
    pub theme_zh: String,
    pub theme_en: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub plan_due_on: NaiveDate,
    pub report_due_on: NaiveDate,
    /// The campaign whose vocabulary (cities, categories, themes) is copied: a slug, or
    /// `current` (and `None`) for the active one. The copy belongs to the new campaign.
    pub vocabulary_from: Option<String>,
}

impl Campaigns {
    /// Checks and stores a new campaign from its fields (trimmed), with its copy of a
    /// vocabulary. Answers the campaign created, not active yet.
    pub async fn create(
        &self,
        actor: &Actor,
        new: NewCampaign,
    ) -> Result<ActiveCampaign, CampaignError> {
        self.may_manage(actor)?;
        let source = self
            .campaign_or_current(new.vocabulary_from.as_deref().unwrap_or("current"))
            .await?;
        let seed = CampaignSeed {
            slug: new.slug.trim().to_owned(),
            year: new.year,
            name_zh: new.name_zh.trim().to_owned(),
            name_en: new.name_en.trim().to_owned(),
            theme_zh: new.theme_zh.trim().to_owned(),
            theme_en: new.theme_en.trim().to_owned(),
            starts_on: new.starts_on,
            ends_on: new.ends_on,
            plan_due_on: new.plan_due_on,
            report_due_on: new.report_due_on,
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
            Err(err) => Err(CampaignError::about(&seed.slug, err)),
        }
    }
}
