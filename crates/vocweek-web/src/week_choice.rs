//! Which campaign week a reporting page shows: the active one unless `?week=<slug>` names
//! another, so that last year's reports stay readable after next year's week was activated.
//! The pages link every week in their header (`templates/reporting/weeks.html`).

use std::sync::Arc;

use serde::Deserialize;
use vocweek_api::reporting::unit_report::campaign_of;
use vocweek_api::{ApiError, AppState};
use vocweek_db::campaigns::ActiveCampaign;

/// The query of a page that can show any week.
#[derive(Debug, Deserialize)]
pub struct WeekQuery {
    /// A campaign's slug; the active campaign when absent.
    pub week: Option<String>,
}

/// One week in the pages' week links.
pub struct WeekLink {
    pub slug: String,
    pub name: String,
    /// The week shown.
    pub current: bool,
}

/// The week the query names (404 for an unknown slug) and the links to every week.
pub async fn chosen_week(
    state: &AppState,
    query: &WeekQuery,
) -> Result<(Arc<ActiveCampaign>, Vec<WeekLink>), ApiError> {
    let campaign = campaign_of(state, query.week.as_deref().unwrap_or("current")).await?;
    let weeks = state
        .db
        .campaigns()
        .await?
        .into_iter()
        .map(|c| WeekLink {
            current: c.id == campaign.campaign.id,
            slug: c.slug,
            name: c.name_zh,
        })
        .collect();
    Ok((campaign, weeks))
}
