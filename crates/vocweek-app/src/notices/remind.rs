//! The desk's reminder from the tracker: every unit of the desk that owes daily material and
//! has sent nothing today (the tracker's 今日未报送, `Db::missing_on_day`) is told so, on its
//! page and by its liaison's email. Once a day per unit: the reminder is recorded under the
//! day, and a unit that has it is not reminded again, whoever asks and however often.

use chrono::NaiveDate;
use vocweek_db::notifications::NoticeParams;
use vocweek_domain::{Desk, NoticeKind, Role};

use super::{NoticeError, Notices};
use crate::Actor;

/// What a reminder did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reminded {
    /// Today, Beijing time: the day the units were reminded of.
    pub day: NaiveDate,
    /// Units reminded now.
    pub new: usize,
    /// Units missing today that had been reminded already.
    pub already: usize,
}

impl Notices {
    /// Reminds the units of the actor's desk (every desk for an admin) that have sent nothing
    /// today, Beijing time; today must be a day of the active campaign's week.
    pub async fn remind_missing_today(&self, actor: &Actor) -> Result<Reminded, NoticeError> {
        let desk = reminding_desk(actor)?;
        let today = self.campaign_today()?;
        let campaign = self.ingestor.campaign();
        let missing: Vec<i32> = self
            .db
            .missing_on_day(&campaign.campaign, today)
            .await?
            .into_iter()
            .filter(|unit| desk.is_none_or(|desk| unit.kind.desk() == desk))
            .map(|unit| unit.id)
            .collect();
        let params = NoticeParams {
            day: Some(today),
            ..NoticeParams::default()
        };
        let new = self
            .db
            .record_notices(
                NoticeKind::DailyReminder,
                &missing,
                &today.to_string(),
                &params,
            )
            .await?;
        Ok(Reminded {
            day: today,
            new,
            already: missing.len().saturating_sub(new),
        })
    }

    /// The units (of any desk) reminded today, for the tracker: `None` when today is not a
    /// day of the week (no reminder can be sent).
    pub async fn reminded_today(&self, actor: &Actor) -> Result<Option<Vec<i32>>, NoticeError> {
        reminding_desk(actor)?;
        let Ok(today) = self.campaign_today() else {
            return Ok(None);
        };
        let units = self
            .db
            .notified_units(NoticeKind::DailyReminder, &today.to_string())
            .await?;
        Ok(Some(units))
    }

    /// Today in Beijing (the database's clock), if it is a day of the active campaign's week.
    fn campaign_today(&self) -> Result<NaiveDate, NoticeError> {
        let today = self.db.clock().today_in_shanghai();
        let campaign = self.ingestor.campaign();
        let week = &campaign.campaign;
        if today < week.starts_on || today > week.ends_on {
            return Err(NoticeError::NotACampaignDay(today));
        }
        Ok(today)
    }
}

/// Whose units the actor reminds, as the tracker shows them: an editor its desk's, an admin
/// every desk's (`None`); units and partners none.
fn reminding_desk(actor: &Actor) -> Result<Option<Desk>, NoticeError> {
    match actor {
        Actor::Staff {
            role: Role::Admin, ..
        } => Ok(None),
        Actor::Staff {
            desk: Some(desk), ..
        } => Ok(Some(*desk)),
        Actor::Staff { desk: None, .. } => Err(NoticeError::NoDesk),
        Actor::Unit(_) | Actor::Partner(_) => Err(NoticeError::NotStaff),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editors_remind_their_desk_admins_every_desk() {
        let editor = |desk| Actor::Staff {
            user_id: 1,
            role: Role::Editor,
            desk,
        };
        assert!(matches!(
            reminding_desk(&editor(Some(Desk::Hr))),
            Ok(Some(Desk::Hr))
        ));
        assert!(matches!(
            reminding_desk(&editor(None)),
            Err(NoticeError::NoDesk)
        ));
        let admin = Actor::Staff {
            user_id: 2,
            role: Role::Admin,
            desk: Some(Desk::Edu),
        };
        assert!(matches!(reminding_desk(&admin), Ok(None)));
        assert!(matches!(
            reminding_desk(&Actor::Unit(3)),
            Err(NoticeError::NotStaff)
        ));
        assert!(matches!(
            reminding_desk(&Actor::Partner(4)),
            Err(NoticeError::NotStaff)
        ));
    }
}
