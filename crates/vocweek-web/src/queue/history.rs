//! An item's 历史记录: every audit event, oldest first, in Chinese — what was done, by whom,
//! which state it moved between and the note that came with it (for a replaced file, which
//! file replaced which).

use vocweek_db::audit::AuditEvent;
use vocweek_messages::Lang;

use super::facts::human_size;
use super::media_view::format_duration;
use super::names::Names;
use crate::layout::{beijing, state_zh};

/// One row of the history table.
pub(super) struct HistoryRow {
    pub time: String,
    pub action: String,
    /// 操作人: `编辑 <username>`, `单位 <name>` (with who sent it, for what a unit sent),
    /// `系统`.
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
        actor: names.event_actor(
            &event.actor_kind,
            event.actor_id.as_deref(),
            &event.action,
            event.details.get("member_id").and_then(|id| id.as_i64()),
        ),
        change,
        note: match event.action.as_str() {
            "file_replaced" => replaced_files(event),
            "clip_requested" | "clip_made" | "clipped" | "clip_failed" => clip_note(event),
            _ => note(event),
        },
    }
}

/// `原文件 a.jpg（3.2 MB）→ 新文件 b.jpg（2.9 MB）`, from a `file_replaced` event's details
/// (`old` and `new`, each with `filename` and `size`).
fn replaced_files(event: &AuditEvent) -> String {
    let file = |side: &str| {
        let name = event.details[side]["filename"]
            .as_str()
            .unwrap_or("（未知）");
        match event.details[side]["size"].as_i64() {
            Some(size) => format!("{name}（{}）", human_size(size)),
            None => name.to_owned(),
        }
    };
    format!("原文件 {} → 新文件 {}", file("old"), file("new"))
}

/// `片段 0:10–0:20`, from a clip event's details, and why it failed for `clip_failed`.
fn clip_note(event: &AuditEvent) -> String {
    let point = |field: &str| {
        event.details[field]
            .as_f64()
            .map(format_duration)
            .unwrap_or_default()
    };
    let stretch = format!("片段 {}–{}", point("from_seconds"), point("to_seconds"));
    match event.details["code"].as_str() {
        Some(code) => format!("{stretch}：{}", vocweek_messages::failure(Lang::ZhCn, code)),
        None if event.details["from_seconds"].is_null() => String::new(),
        None => stretch,
    }
}

/// The decision's note, and for a recommendation the editor confirmed without the portrait
/// consent, that it was one.
fn note(event: &AuditEvent) -> String {
    let note = event
        .details
        .get("note")
        .and_then(|n| n.as_str())
        .unwrap_or_default();
    let without_consent = event
        .details
        .get("without_consent")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    match (note.is_empty(), without_consent) {
        (_, false) => note.to_owned(),
        (true, true) => WITHOUT_CONSENT.to_owned(),
        (false, true) => format!("{note}；{WITHOUT_CONSENT}"),
    }
}

const WITHOUT_CONSENT: &str = "未取得肖像授权，编辑已确认可以使用";
