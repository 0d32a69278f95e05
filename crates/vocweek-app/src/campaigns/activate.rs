//! Activating a campaign: the one new uploads and reports belong to from now on; the previous
//! one keeps its items and reports. This node follows at once (its ingestor reloads the active
//! campaign); other nodes within their refresh interval.

use vocweek_db::campaigns::ActiveCampaign;

use super::{CampaignError, Campaigns};
use crate::Actor;

impl Campaigns {
    /// Makes `slug` the active campaign (activating the active one again changes nothing) and
    /// answers it. A failure to reload this node's campaign afterwards is an error, though the
    /// activation stands: the node's periodic refresh picks it up.
    pub async fn activate(
        &self,
        actor: &Actor,
        slug: &str,
    ) -> Result<ActiveCampaign, CampaignError> {
        self.may_manage(actor)?;
        let found = self
            .db
            .campaign_by_slug(slug)
            .await
            .map_err(|err| CampaignError::about(slug, err))?;
        let activated = self
            .db
            .activate_campaign(slug)
            .await
            .map_err(|err| CampaignError::about(slug, err))?;
        self.ingestor.refresh_campaign().await?;
        Ok(ActiveCampaign {
            campaign: activated,
            vocabulary: found.vocabulary,
        })
    }
}
