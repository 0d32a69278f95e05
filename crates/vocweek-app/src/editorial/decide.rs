//! Deciding on an item: approve, reject, return, recommend or reopen, at the version the editor
//! saw. Editors decide on their desk's items, admins on any; rejecting and returning need a
//! note; recommending a photo or video without portrait consent needs the editor's confirmation
//! (`consent`); the review state machine (`vocweek_domain::ReviewAction::target`) says which
//! move fits which state, checked in the same transaction as the change.

use vocweek_db::DbError;
use vocweek_db::assets::AssetRecord;
use vocweek_db::review::Decision;
use vocweek_domain::ReviewAction;

use super::consent::recommends_without_consent;
use super::error::{EditorialError, Forbidden, Invalid, NotAllowed};
use super::{Actor, Editorial};

/// A decision as the editor sends it: the action's name (checked here, once the item is known
/// to be the editor's, so that another desk's item answers "not found" whatever is sent), the
/// note, the version the editor saw, and whether the editor confirms recommending an item whose
/// unit declared no portrait consent.
#[derive(Debug, Clone, Copy)]
pub struct DecisionInput<'a> {
    pub action: &'a str,
    pub note: Option<&'a str>,
    pub version: i32,
    pub confirm_without_consent: bool,
}

impl Editorial {
    /// Decides on one item. The feed's long-polls are woken after it: an approval may have
    /// published the item, a reopening withdrawn it.
    pub async fn decide(
        &self,
        actor: &Actor,
        id: &str,
        input: DecisionInput<'_>,
    ) -> Result<AssetRecord, EditorialError> {
        if !actor.is_staff() {
            return Err(Forbidden::NotStaff.into());
        }
        let record = self.visible_asset(actor, id).await?;
        let (action, note) = checked_decision(input.action, input.note)?;
        match self
            .apply_decision(
                actor,
                &record,
                action,
                note,
                input.version,
                input.confirm_without_consent,
            )
            .await
        {
            Ok(decided) => Ok(decided),
            Err(err) => Err(self.described(err).await),
        }
    }

    /// The decision on an item already found visible; a conflict is not described (see
    /// `described`), so that a bulk run does not look up every stale item again. The consent
    /// is read from `record`, which the decision itself holds to: it changes only at a newer
    /// version, and then the decision is a conflict.
    pub(super) async fn apply_decision(
        &self,
        actor: &Actor,
        record: &AssetRecord,
        action: ReviewAction,
        note: Option<&str>,
        version: i32,
        confirm_without_consent: bool,
    ) -> Result<AssetRecord, EditorialError> {
        let without_consent =
            recommends_without_consent(record, action, version, confirm_without_consent)?;
        let decision = Decision {
            asset_id: &record.asset.id,
            action,
            note,
            version,
            actor: actor.audit(),
            without_consent,
        };
        match self.db.decide(decision).await {
            Ok(decided) => {
                self.feed_may_have_changed();
                Ok(decided)
            }
            Err(DbError::Conflict(_)) => Err(EditorialError::Conflict {
                id: record.asset.id.clone(),
                version,
                current: None,
            }),
            Err(DbError::Domain(refused)) => Err(NotAllowed::Transition(refused).into()),
            Err(DbError::NotFound(_)) => Err(EditorialError::NotFound),
            Err(other) => Err(other.into()),
        }
    }
}

/// The action by name, and the note (trimmed; blank is none) when the action needs one.
pub(super) fn checked_decision<'a>(
    action: &str,
    note: Option<&'a str>,
) -> Result<(ReviewAction, Option<&'a str>), Invalid> {
    let action = ReviewAction::parse(action).map_err(Invalid::Action)?;
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if action.needs_note() && note.is_none() {
        return Err(Invalid::NoteRequired(action));
    }
    Ok((action, note))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_required_where_the_unit_must_be_told_why() {
        assert!(matches!(
            checked_decision("reject", Some("  ")),
            Err(Invalid::NoteRequired(ReviewAction::Reject))
        ));
        assert!(matches!(
            checked_decision("return", None),
            Err(Invalid::NoteRequired(ReviewAction::Return))
        ));
        assert_eq!(
            checked_decision(" approve ", Some(" ")).ok(),
            Some((ReviewAction::Approve, None))
        );
        assert_eq!(
            checked_decision("reject", Some(" 模糊 ")).ok(),
            Some((ReviewAction::Reject, Some("模糊")))
        );
        assert!(matches!(
            checked_decision("launch", None),
            Err(Invalid::Action(_))
        ));
    }
}
