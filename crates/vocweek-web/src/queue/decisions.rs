//! The item page's decision forms: one per action the review state machine allows from the
//! item's state — `vocweek_domain::ReviewAction::target`, the very rule the decision itself is
//! checked against (`vocweek_db::Db::decide`), so the page never offers what would be refused —
//! each with its own reason box where the action takes one, and 推荐 with the confirmation a
//! recommendation without portrait consent needs (`vocweek_app::consent_missing`, the rule the
//! recommendation is checked against).

use vocweek_domain::{AssetState, ReviewAction};

/// One `<form class="decision">`.
pub(super) struct DecisionForm {
    pub action: &'static str,
    /// The button's word.
    pub label: &'static str,
    pub note: Option<NoteBox>,
    /// The 我已确认可以使用（未取得肖像授权） checkbox (`confirm_without_consent`).
    pub confirm_consent: bool,
}

/// The form's labelled 原因/说明 box.
pub(super) struct NoteBox {
    pub label: &'static str,
    pub required: bool,
}

/// The forms for an item in `state`, in the order the keyboard script and editors know them;
/// `consent_missing` when recommending it needs the editor's confirmation.
pub(super) fn decisions(state: AssetState, consent_missing: bool) -> Vec<DecisionForm> {
    ReviewAction::ALL
        .into_iter()
        .filter(|action| action.target(state).is_ok())
        .map(|action| DecisionForm {
            action: action.as_str(),
            label: label(action),
            note: note_box(action),
            confirm_consent: consent_missing && action == ReviewAction::Recommend,
        })
        .collect()
}

fn label(action: ReviewAction) -> &'static str {
    match action {
        ReviewAction::Approve => "通过",
        ReviewAction::Reject => "不通过",
        ReviewAction::Return => "退回修改",
        ReviewAction::Recommend => "推荐",
        ReviewAction::Reopen => "重新审核",
    }
}

/// Rejecting and returning must tell the unit why (`ReviewAction::needs_note`; the unit reads
/// the note on its upload page); reopening may say why for the history. Approving and
/// recommending get no box: each is one key (a, s), and their note would reach the unit as if
/// it were a reason.
fn note_box(action: ReviewAction) -> Option<NoteBox> {
    match action {
        ReviewAction::Reject => Some(NoteBox {
            label: "不通过的原因（必填，报送单位可见）",
            required: true,
        }),
        ReviewAction::Return => Some(NoteBox {
            label: "修改要求（必填，报送单位可见）",
            required: true,
        }),
        ReviewAction::Reopen => Some(NoteBox {
            label: "重新审核的说明（选填）",
            required: false,
        }),
        ReviewAction::Approve | ReviewAction::Recommend => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actions(state: AssetState) -> Vec<&'static str> {
        decisions(state, false).iter().map(|d| d.action).collect()
    }

    #[test]
    fn only_the_moves_the_state_allows_are_offered() {
        assert_eq!(
            actions(AssetState::PendingReview),
            ["approve", "reject", "return"]
        );
        assert_eq!(actions(AssetState::Approved), ["recommend", "reopen"]);
        assert_eq!(actions(AssetState::Returned), ["reopen"]);
        assert!(actions(AssetState::Processing).is_empty());
    }

    #[test]
    fn a_required_reason_box_wherever_the_rule_needs_a_note() {
        for form in decisions(AssetState::PendingReview, true) {
            let needs = ReviewAction::parse(form.action).unwrap().needs_note();
            assert_eq!(
                form.note.is_some_and(|n| n.required),
                needs,
                "{}",
                form.action
            );
        }
    }

    #[test]
    fn only_recommending_asks_to_confirm_a_missing_consent() {
        let asking = |consent_missing: bool| -> Vec<&'static str> {
            decisions(AssetState::Approved, consent_missing)
                .iter()
                .filter(|d| d.confirm_consent)
                .map(|d| d.action)
                .collect()
        };
        assert_eq!(asking(true), ["recommend"]);
        assert!(asking(false).is_empty());
    }
}
