//! Who sees the desks' overviews of the units' reports (readiness, the statistics table, the
//! tracker): an editor the units of its desk, an admin every unit. Units and partners have no
//! overview. Who reads and changes one unit's reports is the reporting service's rule
//! (`vocweek_app::Reporting::target`).

use std::sync::Arc;

use vocweek_db::campaigns::ActiveCampaign;
use vocweek_db::tokens::Principal;
use vocweek_domain::{Desk, Role};

use crate::auth::Caller;
use crate::{ApiError, AppState};

/// Staff reach: `None` is every desk (an admin).
pub fn staff_desk(caller: &Caller) -> Result<Option<Desk>, ApiError> {
    match &caller.0 {
        Principal::User {
            role: Role::Admin, ..
        } => Ok(None),
        Principal::User {
            desk: Some(desk), ..
        } => Ok(Some(*desk)),
        // A non-admin without a desk reaches no desk rather than every desk.
        Principal::User { desk: None, .. } => Err(ApiError::forbidden(
            "this account has no desk; an administrator must assign one",
        )),
        _ => Err(ApiError::forbidden(
            "the reporting overview is for the provincial desks",
        )),
    }
}

/// The desk and campaign of a staff overview (`{campaign}` may be `current`).
pub async fn staff_view(
    state: &AppState,
    caller: &Caller,
    campaign: &str,
) -> Result<(Option<Desk>, Arc<ActiveCampaign>), ApiError> {
    let desk = staff_desk(caller)?;
    Ok((
        desk,
        super::unit_report::campaign_of(state, campaign).await?,
    ))
}
