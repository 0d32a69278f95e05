//! What a unit is told, by its liaison's email and on its 我的报送 page: an editor returned or
//! rejected one of its items, the desk reminds it that it has sent nothing today, it sent
//! nothing on a day of the week, or a report's deadline passed without it.

use serde::{Deserialize, Serialize};

use crate::{DomainError, ReviewAction};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum NoticeKind {
    /// An editor returned an item to be corrected (with a note).
    ItemReturned,
    /// An editor rejected an item (with the reason).
    ItemRejected,
    /// The desk's reminder, from the tracker: nothing sent yet today.
    DailyReminder,
    /// A day of the week ended (midnight, Beijing) without anything sent.
    DailyMissed,
    /// A report's deadline passed without it.
    ReportOverdue,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 5] = [
        NoticeKind::ItemReturned,
        NoticeKind::ItemRejected,
        NoticeKind::DailyReminder,
        NoticeKind::DailyMissed,
        NoticeKind::ReportOverdue,
    ];

    /// The word stored in `notifications.kind`, and the API's.
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::ItemReturned => "item-returned",
            NoticeKind::ItemRejected => "item-rejected",
            NoticeKind::DailyReminder => "daily-reminder",
            NoticeKind::DailyMissed => "daily-missed",
            NoticeKind::ReportOverdue => "report-overdue",
        }
    }

    pub fn parse(value: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == value.trim())
            .ok_or_else(|| DomainError::unknown("notice", value, Self::ALL.map(Self::as_str)))
    }

    /// The notice a decision sends the units that sent the item: returning and rejecting tell
    /// them (with the editor's note); the other decisions do not.
    pub fn of_decision(action: ReviewAction) -> Option<NoticeKind> {
        match action {
            ReviewAction::Return => Some(NoticeKind::ItemReturned),
            ReviewAction::Reject => Some(NoticeKind::ItemRejected),
            ReviewAction::Approve | ReviewAction::Recommend | ReviewAction::Reopen => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_and_only_returns_and_rejections_notify() {
        for kind in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(kind.as_str()).ok(), Some(kind));
        }
        assert!(NoticeKind::parse("item-approved").is_err());
        assert_eq!(
            NoticeKind::of_decision(ReviewAction::Return),
            Some(NoticeKind::ItemReturned)
        );
        assert_eq!(
            NoticeKind::of_decision(ReviewAction::Reject),
            Some(NoticeKind::ItemRejected)
        );
        assert_eq!(NoticeKind::of_decision(ReviewAction::Approve), None);
    }
}
