//! An item's 历史记录: every audit event, oldest first, in Chinese — what was done, by whom,
//! which state it moved between and the note that came with it.

use vocweek_db::audit::AuditEvent;
use vocweek_messages::Lang;

use super::names::Names;
use crate::layout::{beijing, state_zh};

/// One row of the history table.
pub(super) struct HistoryRow {
    pub time: String,
    pub action: String,
    /// 操作人: `编辑 <username>`, `单位 <name>`, `系统`.
    pub actor: String,
    /// `待审核 → 已通过`; one state when the event only entered or left one; empty otherwise.
    pub change: String,
    pub note: String,
}

pub(super) fn history(trail: &[AuditEvent], names: &Names) -> Vec<HistoryRow> {
    trail.iter().map(|event| row(event, names)).collect()
}

fn row(event: &AuditEvent, names: &Names) -> HistoryRow {
    let from = event.from_state.map(|s| state_zh(s.as_str()));
    let to = event.to_state.map(|s| state_zh(s.as_str()));
    let change = match (from, to) {
        (Some(from), Some(to)) => format!("{from} → {to}"),
        (one, other) => one.or(other).unwrap_or_default().to_owned(),
    };
    HistoryRow {
        time: beijing(event.created_at),
        action: vocweek_messages::action(Lang::ZhCn, &event.action),
        actor: names.actor(&event.actor_kind, event.actor_id.as_deref()),
        change,
        note: event
            .details
            .get("note")
            .and_then(|n| n.as_str())
            .unwrap_or_default()
            .to_owned(),
    }
}
