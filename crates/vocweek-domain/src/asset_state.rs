use serde::{Deserialize, Serialize};

use crate::DomainError;

/// Where an asset is in its life: processed by workers, then decided by an editor.
///
/// `processing → pending_review → approved | rejected | returned`; `approved → recommended`;
/// `processing → failed` (an admin may retry: back to `processing`). Any decided item can be
/// reopened to `pending_review`, and a returned item goes back to review when its unit re-sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssetState {
    Processing,
    PendingReview,
    Approved,
    Rejected,
    Returned,
    Recommended,
    Failed,
}

impl AssetState {
    pub const ALL: [AssetState; 7] = [
        AssetState::Processing,
        AssetState::PendingReview,
        AssetState::Approved,
        AssetState::Rejected,
        AssetState::Returned,
        AssetState::Recommended,
        AssetState::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AssetState::Processing => "processing",
            AssetState::PendingReview => "pending_review",
            AssetState::Approved => "approved",
            AssetState::Rejected => "rejected",
            AssetState::Returned => "returned",
            AssetState::Recommended => "recommended",
            AssetState::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|state| state.as_str() == value.trim())
            .ok_or_else(|| DomainError::unknown("state", value, Self::ALL.map(Self::as_str)))
    }

    /// Whether the state machine allows moving from `self` to `to`.
    pub fn can_become(self, to: AssetState) -> bool {
        use AssetState::*;
        matches!(
            (self, to),
            (Processing, PendingReview)
                | (Processing, Failed)
                | (Failed, Processing)
                | (PendingReview, Approved | Rejected | Returned)
                | (Approved, Recommended)
                | (Approved | Rejected | Returned | Recommended, PendingReview)
                | (Returned, Processing)
        )
    }

    /// The checked move; the error names both states.
    pub fn transition(self, to: AssetState) -> Result<AssetState, DomainError> {
        if self.can_become(to) {
            Ok(to)
        } else {
            Err(DomainError::ForbiddenTransition {
                from: self.as_str().to_owned(),
                to: to.as_str().to_owned(),
            })
        }
    }
}

impl std::fmt::Display for AssetState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::AssetState::*;
    use super::*;

    #[test]
    fn the_review_path_is_allowed() {
        assert!(Processing.can_become(PendingReview));
        assert!(PendingReview.can_become(Approved));
        assert!(Approved.can_become(Recommended));
        assert!(Recommended.can_become(PendingReview));
        assert!(Failed.can_become(Processing));
    }

    #[test]
    fn shortcuts_are_refused() {
        assert!(!Processing.can_become(Approved));
        assert!(!PendingReview.can_become(Recommended));
        assert!(!Rejected.can_become(Approved));
        assert!(!Failed.can_become(PendingReview));
        assert!(Processing.transition(Recommended).is_err());
    }

    #[test]
    fn names_round_trip() {
        for state in AssetState::ALL {
            assert_eq!(AssetState::parse(state.as_str()), Ok(state));
        }
    }
}
