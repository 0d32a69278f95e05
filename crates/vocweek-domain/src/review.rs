use serde::{Deserialize, Serialize};

use crate::{AssetState, DomainError};

/// An editor's decision on an asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewAction {
    /// pending_review → approved
    Approve,
    /// pending_review → rejected (a reason is required)
    Reject,
    /// pending_review → returned to the unit (a note is required)
    Return,
    /// approved → recommended to the Ministry
    Recommend,
    /// any decided state → pending_review
    Reopen,
}

impl ReviewAction {
    pub const ALL: [ReviewAction; 5] = [
        ReviewAction::Approve,
        ReviewAction::Reject,
        ReviewAction::Return,
        ReviewAction::Recommend,
        ReviewAction::Reopen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewAction::Approve => "approve",
            ReviewAction::Reject => "reject",
            ReviewAction::Return => "return",
            ReviewAction::Recommend => "recommend",
            ReviewAction::Reopen => "reopen",
        }
    }

    pub fn parse(value: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|action| action.as_str() == value.trim())
            .ok_or_else(|| DomainError::unknown("action", value, Self::ALL.map(Self::as_str)))
    }

    /// Rejecting and returning tell the unit why.
    pub fn needs_note(self) -> bool {
        matches!(self, ReviewAction::Reject | ReviewAction::Return)
    }

    /// The state the action leads to from `from`, if the state machine allows it.
    pub fn target(self, from: AssetState) -> Result<AssetState, DomainError> {
        let to = match self {
            ReviewAction::Approve => AssetState::Approved,
            ReviewAction::Reject => AssetState::Rejected,
            ReviewAction::Return => AssetState::Returned,
            ReviewAction::Recommend => AssetState::Recommended,
            ReviewAction::Reopen => AssetState::PendingReview,
        };
        // Processing → pending review is the pipeline's move, not an editor's: an item still
        // being processed has no decision to reopen, and its job would race the editor's.
        if self == ReviewAction::Reopen && from == AssetState::Processing {
            return Err(DomainError::ForbiddenTransition {
                from: from.as_str().to_owned(),
                to: to.as_str().to_owned(),
            });
        }
        from.transition(to)
    }
}

/// The entries of an asset's history besides the editors' decisions ([`ReviewAction`]):
/// what the pipeline and the units did. Stored as these strings; shown through the catalog.
pub const HISTORY_ACTIONS: [&str; 15] = [
    "uploaded",
    "live_recorded",
    "clipped",
    "clip_requested",
    "clip_made",
    "clip_failed",
    "duplicate_submitted",
    "processed",
    "processing_failed",
    "edited",
    "resubmitted",
    "file_replaced",
    "deleted",
    "sent_to_ministry",
    "picture_chosen",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_follow_the_state_machine() {
        use AssetState::*;
        assert_eq!(ReviewAction::Approve.target(PendingReview), Ok(Approved));
        assert_eq!(ReviewAction::Recommend.target(Approved), Ok(Recommended));
        assert_eq!(ReviewAction::Reopen.target(Rejected), Ok(PendingReview));
        assert!(ReviewAction::Recommend.target(PendingReview).is_err());
        assert!(ReviewAction::Approve.target(Processing).is_err());
        assert!(ReviewAction::Reopen.target(PendingReview).is_err());
        // An item being processed has no decision to reopen (the pipeline moves it on).
        assert!(ReviewAction::Reopen.target(Processing).is_err());
        assert!(ReviewAction::Reject.needs_note() && !ReviewAction::Approve.needs_note());
    }
}
