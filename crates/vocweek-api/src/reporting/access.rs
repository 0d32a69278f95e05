//! Who may see and change a unit's reports: the unit itself edits its own; an editor reads the
//! units of its desk; an admin reads every unit. Partners see none of it.

use std::sync::Arc;

use actix_web::http::StatusCode;
use vocweek_db::campaigns::ActiveCampaign;
use vocweek_db::entities::unit;
use vocweek_db::tokens::Principal;
use vocweek_domain::{Desk, Role, UnitKind};

use crate::auth::Caller;
use crate::{ApiError, AppState};

/// The unit a request is about, with what the caller may do with it.
pub struct TargetUnit {
    pub unit: unit::Model,
    pub kind: UnitKind,
    pub may_edit: bool,
}

/// Staff reach: `None` is every desk (an admin).
pub fn staff_desk(caller: &Caller) -> Result<Option<Desk>, ApiError> {
    match &caller.0 {
        Principal::User {
            role: Role::Admin, ..
        } => Ok(None),
        Principal::User { desk, .. } => Ok(*desk),
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

/// Resolves `{unit}` in a path: a unit id, or `me` for the calling unit.
pub async fn target_unit(
    state: &AppState,
    caller: &Caller,
    unit_param: &str,
) -> Result<TargetUnit, ApiError> {
    let own_id = match &caller.0 {
        Principal::Unit { id, .. } => Some(*id),
        _ => None,
    };
    let id = match (unit_param, own_id) {
        ("me", Some(own)) => own,
        ("me", None) => {
            return Err(ApiError::bad_request(
                "not-a-unit",
                "'me' names the calling unit; staff name a unit by its id",
            ));
        }
        (text, _) => text
            .parse::<i32>()
            .map_err(|_| ApiError::not_found("unit"))?,
    };
    let unit = state
        .db
        .unit(id)
        .await?
        .ok_or_else(|| ApiError::not_found("unit"))?;
    let kind = UnitKind::parse(&unit.kind)?;
    let may_edit = own_id == Some(unit.id);
    let may_read = may_edit
        || match &caller.0 {
            Principal::User {
                role: Role::Admin, ..
            } => true,
            Principal::User {
                desk: Some(desk), ..
            } => kind.desk() == *desk,
            Principal::User { desk: None, .. } => true,
            _ => false,
        };
    if !may_read {
        return Err(match caller.0 {
            // A unit asking for another unit learns nothing, not even that it exists.
            Principal::Unit { .. } => ApiError::not_found("unit"),
            Principal::Partner { .. } => {
                ApiError::forbidden("partners read approved items, not units' reports")
            }
            Principal::User { .. } => ApiError::forbidden("this unit reports to the other desk"),
        });
    }
    Ok(TargetUnit {
        unit,
        kind,
        may_edit,
    })
}

impl TargetUnit {
    pub fn require_edit(&self) -> Result<(), ApiError> {
        if self.may_edit {
            Ok(())
        } else {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "not-your-unit",
                "only the unit itself submits its reports (with its own token)",
            ))
        }
    }

    /// The statistics table and the summary report: city education bureaus and higher
    /// vocational colleges (seed 四(二), 附件2).
    pub fn require_statistics_unit(&self) -> Result<(), ApiError> {
        if self.kind.reports_statistics() {
            Ok(())
        } else {
            Err(not_reporting(
                self.kind,
                "city education bureaus and higher vocational colleges report the statistics \
                 table and the summary report",
            ))
        }
    }

    /// The plan, website and liaison: every unit that sends daily material.
    pub fn require_daily_unit(&self) -> Result<(), ApiError> {
        if self.kind.reports_daily() {
            Ok(())
        } else {
            Err(not_reporting(
                self.kind,
                "plans, websites and liaisons come from the city bureaus and the colleges; a \
                 secondary school reports through its city bureau",
            ))
        }
    }
}

fn not_reporting(kind: UnitKind, rule: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "not-a-reporting-unit",
        format!("a {} does not send this: {rule}", kind.as_str()),
    )
}
