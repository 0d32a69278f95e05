//! Whose reports the actor reaches, and what it may do with them: a unit reads and changes its
//! own; an editor reads the units of its desk (an editor account without a desk reads every
//! unit, as the reporting views always allowed); an admin reads every unit. Nobody but the
//! unit itself changes a unit's reports, and only in the active campaign. Partners see none of
//! it; a unit asking for another unit is answered as if it did not exist.

use std::sync::Arc;

use vocweek_db::DbError;
use vocweek_db::campaigns::ActiveCampaign;
use vocweek_db::reporting::UnitReports;
use vocweek_domain::{Role, UnitKind};

use super::{Obligation, ReportForbidden, Reporting, ReportingError};
use crate::Actor;

/// A unit as its reports name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportingUnit {
    pub id: i32,
    pub name: String,
    pub kind: UnitKind,
    /// The city's slug in the campaign's vocabulary.
    pub city: String,
}

impl ReportingUnit {
    /// Refuses a report the unit does not send ([`ReportingError::NotReporting`]).
    pub fn owes(&self, owed: Obligation) -> Result<(), ReportingError> {
        if owed.owed_by(self.kind) {
            Ok(())
        } else {
            Err(ReportingError::NotReporting {
                kind: self.kind,
                owed,
            })
        }
    }
}

/// A unit's reports in one campaign as the actor reaches them: it reads them; `may_edit` says
/// whether it also changes them (it is the unit itself). Made by [`Reporting::target`] only.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReportTarget {
    pub campaign: Arc<ActiveCampaign>,
    pub unit: ReportingUnit,
    pub may_edit: bool,
}

/// Everything a unit owes the province for one campaign, as stored: what a read answers and
/// what a save answers with.
#[derive(Debug, Clone)]
pub struct UnitReport {
    pub campaign: Arc<ActiveCampaign>,
    pub unit: ReportingUnit,
    pub reports: UnitReports,
}

impl Reporting {
    /// The campaign named `slug`; `current` is this node's active campaign.
    pub async fn campaign(&self, slug: &str) -> Result<Arc<ActiveCampaign>, ReportingError> {
        if slug == "current" {
            return Ok(self.ingestor.campaign());
        }
        match self.db.campaign_by_slug(slug).await {
            Ok(campaign) => Ok(Arc::new(campaign)),
            Err(DbError::NotFound(_)) => Err(ReportingError::CampaignNotFound(slug.to_owned())),
            Err(err) => Err(err.into()),
        }
    }

    /// The reports of `unit` (a unit's id, or `me` for the acting unit) in `campaign` (a slug
    /// or `current`), if the actor reads them. Checked in this order: the campaign, the unit
    /// named, that it exists, then the actor's reach.
    pub async fn target(
        &self,
        actor: &Actor,
        campaign: &str,
        unit: &str,
    ) -> Result<ReportTarget, ReportingError> {
        let campaign = self.campaign(campaign).await?;
        let id = unit_id(actor, unit)?;
        let row = self
            .db
            .unit(id)
            .await?
            .ok_or(ReportingError::UnitNotFound)?;
        let kind = row.kind;
        let may_edit = *actor == Actor::Unit(row.id);
        if !may_edit {
            reads(actor, kind)?;
        }
        Ok(ReportTarget {
            campaign,
            unit: ReportingUnit {
                id: row.id,
                name: row.name,
                kind,
                city: row.city,
            },
            may_edit,
        })
    }

    /// Everything the unit owes for the campaign, with what it sent so far.
    pub async fn report(
        &self,
        actor: &Actor,
        campaign: &str,
        unit: &str,
    ) -> Result<UnitReport, ReportingError> {
        let target = self.target(actor, campaign, unit).await?;
        self.report_of(target).await
    }

    /// The reports of a target the actor was given by [`Reporting::target`] (after a check of
    /// its own, say).
    pub async fn report_of(&self, target: ReportTarget) -> Result<UnitReport, ReportingError> {
        let reports = self
            .db
            .unit_reports(target.campaign.campaign.id, target.unit.id)
            .await?;
        Ok(UnitReport {
            campaign: target.campaign,
            unit: target.unit,
            reports,
        })
    }

    /// The target of a change: the actor is the unit itself, and the campaign is the active
    /// one. A unit's report of a kind it does not send is refused after these.
    pub(super) async fn writable(
        &self,
        actor: &Actor,
        campaign: &str,
        unit: &str,
        owed: Obligation,
    ) -> Result<ReportTarget, ReportingError> {
        let target = self.target(actor, campaign, unit).await?;
        if !target.may_edit {
            return Err(ReportingError::NotYourUnit);
        }
        let campaign = &target.campaign.campaign;
        if !campaign.active {
            return Err(ReportingError::CampaignClosed(campaign.slug.clone()));
        }
        target.unit.owes(owed)?;
        Ok(target)
    }
}

/// The unit named by `unit`: an id, or `me` for the acting unit. A text that is no id names no
/// unit.
fn unit_id(actor: &Actor, unit: &str) -> Result<i32, ReportingError> {
    match (unit, actor) {
        ("me", Actor::Unit(own)) => Ok(*own),
        ("me", _) => Err(ReportingError::NotAUnit),
        (text, _) => text.parse().map_err(|_| ReportingError::UnitNotFound),
    }
}

/// Whether `actor`, not the unit itself, reads the reports of a unit of `kind`.
fn reads(actor: &Actor, kind: UnitKind) -> Result<(), ReportingError> {
    match actor {
        Actor::Staff {
            role: Role::Admin, ..
        } => Ok(()),
        Actor::Staff {
            desk: Some(desk), ..
        } if kind.desk() != *desk => Err(ReportForbidden::OtherDesk.into()),
        Actor::Staff { .. } => Ok(()),
        Actor::Partner(_) => Err(ReportForbidden::Partner.into()),
        Actor::Unit(_) => Err(ReportingError::UnitNotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vocweek_domain::Desk;

    fn editor(desk: Option<Desk>) -> Actor {
        Actor::Staff {
            user_id: 1,
            role: Role::Editor,
            desk,
        }
    }

    #[test]
    fn me_is_the_acting_unit_and_ids_are_numbers() {
        assert!(matches!(unit_id(&Actor::Unit(4), "me"), Ok(4)));
        assert!(matches!(unit_id(&Actor::Unit(4), "7"), Ok(7)));
        assert!(matches!(
            unit_id(&editor(Some(Desk::Edu)), "me"),
            Err(ReportingError::NotAUnit)
        ));
        assert!(matches!(
            unit_id(&Actor::Partner(1), "me"),
            Err(ReportingError::NotAUnit)
        ));
        assert!(matches!(
            unit_id(&Actor::Unit(4), "four"),
            Err(ReportingError::UnitNotFound)
        ));
    }

    #[test]
    fn desks_read_their_units_admins_every_unit() {
        let college = UnitKind::HigherVocationalCollege;
        assert!(reads(&editor(Some(Desk::Edu)), college).is_ok());
        assert!(matches!(
            reads(&editor(Some(Desk::Hr)), college),
            Err(ReportingError::Forbidden(ReportForbidden::OtherDesk))
        ));
        assert!(reads(&editor(None), college).is_ok());
        let admin = Actor::Staff {
            user_id: 2,
            role: Role::Admin,
            desk: Some(Desk::Hr),
        };
        assert!(reads(&admin, college).is_ok());
        assert!(matches!(
            reads(&Actor::Partner(1), college),
            Err(ReportingError::Forbidden(ReportForbidden::Partner))
        ));
        assert!(matches!(
            reads(&Actor::Unit(9), college),
            Err(ReportingError::UnitNotFound)
        ));
    }
}
