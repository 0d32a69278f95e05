//! 报送后修改: what was done to a sent batch's items after it was sent, one row per entry of
//! their history, told in Chinese: an edit field by field (旧 → 新), a decision with the states
//! it moved between and its note.

use std::collections::HashMap;

use vocweek_db::audit::AuditEvent;
use vocweek_domain::Vocabulary;
use vocweek_messages::Lang;

use crate::layout::{beijing, state_zh};

/// How long a text shown in a change may be before it is cut (a description can be pages).
const SHOWN_CHARS: usize = 60;

pub(super) struct ChangeRow {
    /// Beijing time.
    pub at: String,
    pub asset_id: String,
    /// The item's title as it is now.
    pub item: String,
    /// What was done: 修改信息, 审核通过…
    pub action: String,
    /// What changed, one line each.
    pub what: Vec<String>,
}

impl ChangeRow {
    /// `titles`: the batch's items' titles by id.
    pub fn new(
        event: &AuditEvent,
        titles: &HashMap<&str, &str>,
        vocabulary: &Vocabulary,
    ) -> ChangeRow {
        let asset_id = event.asset_id.clone().unwrap_or_default();
        let mut what = edited_fields(event, vocabulary);
        if let (Some(from), Some(to)) = (event.from_state, event.to_state) {
            what.push(format!(
                "状态：{} → {}",
                state_zh(from.as_str()),
                state_zh(to.as_str())
            ));
        }
        if let Some(picture) = event
            .details
            .get("picture")
            .and_then(|picture| picture.as_u64())
        {
            what.push(format!("选用第 {picture} 张配图"));
        }
        if let Some(note) = event
            .details
            .get("note")
            .and_then(|note| note.as_str())
            .filter(|note| !note.is_empty())
        {
            what.push(format!("意见：{}", cut(note)));
        }
        ChangeRow {
            at: beijing(event.created_at),
            item: titles
                .get(asset_id.as_str())
                .map_or_else(|| asset_id.clone(), |title| (*title).to_owned()),
            asset_id,
            action: vocweek_messages::action(Lang::ZhCn, &event.action),
            what,
        }
    }
}

/// An edit's `changed` (`{field: [old, new]}`), one line per field: `标题：旧 → 新`.
fn edited_fields(event: &AuditEvent, vocabulary: &Vocabulary) -> Vec<String> {
    let Some(changed) = event
        .details
        .get("changed")
        .and_then(|changed| changed.as_object())
    else {
        return Vec::new();
    };
    changed
        .iter()
        .map(|(field, pair)| {
            // One side of the pair as texts: a text or a slug, a list of slugs (themes), or
            // nothing.
            let side = |index: usize| -> Vec<String> {
                let Some(value) = pair.get(index) else {
                    return Vec::new();
                };
                if let Some(text) = value.as_str() {
                    return vec![text.to_owned()];
                }
                if let Some(list) = value.as_array() {
                    return list
                        .iter()
                        .filter_map(|value| value.as_str())
                        .map(str::to_owned)
                        .collect();
                }
                if value.is_null() {
                    Vec::new()
                } else {
                    vec![value.to_string()]
                }
            };
            format!(
                "{}：{} → {}",
                field_zh(field),
                shown(field, &side(0), vocabulary),
                shown(field, &side(1), vocabulary)
            )
        })
        .collect()
}

/// A field of an item as the edit form names it.
fn field_zh(field: &str) -> &str {
    match field {
        "title" => "标题",
        "description" => "说明",
        "city" => "城市",
        "category" => "活动类别",
        "subcategory" => "具体活动",
        "themes" => "主题",
        "credit" => "作者/摄影",
        "portrait_consent" => "肖像授权",
        other => other,
    }
}

/// A field's value in Chinese: slugs in the campaign's words, texts cut short, （无） for none.
fn shown(field: &str, values: &[String], vocabulary: &Vocabulary) -> String {
    if values.iter().all(|value| value.is_empty()) {
        return "（无）".to_owned();
    }
    let named: Vec<String> = values
        .iter()
        .map(|value| {
            let term = match field {
                "city" => vocabulary.city(value).map(|term| term.zh.clone()),
                "category" => vocabulary.category(value).map(|term| term.zh.clone()),
                "subcategory" => vocabulary
                    .categories
                    .iter()
                    .flat_map(|category| category.subcategories.iter())
                    .find(|term| term.slug == *value)
                    .map(|term| term.zh.clone()),
                "themes" => vocabulary.theme(value).map(|term| term.zh.clone()),
                "portrait_consent" => Some(
                    if value == "true" {
                        "已授权"
                    } else {
                        "未确认"
                    }
                    .to_owned(),
                ),
                _ => None,
            };
            term.unwrap_or_else(|| cut(value))
        })
        .collect();
    named.join("、")
}

/// `text`, cut to [`SHOWN_CHARS`] characters with … when longer.
fn cut(text: &str) -> String {
    if text.chars().count() <= SHOWN_CHARS {
        return text.to_owned();
    }
    let mut shown: String = text.chars().take(SHOWN_CHARS).collect();
    shown.push('…');
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_cut_and_fields_named() {
        assert_eq!(cut("短"), "短");
        let long = "长".repeat(SHOWN_CHARS + 5);
        assert_eq!(cut(&long).chars().count(), SHOWN_CHARS + 1);
        assert_eq!(field_zh("subcategory"), "具体活动");
        assert_eq!(field_zh("portrait_consent"), "肖像授权");
        let vocabulary = Vocabulary {
            cities: Vec::new(),
            categories: Vec::new(),
            themes: Vec::new(),
        };
        assert_eq!(
            shown("portrait_consent", &["true".to_owned()], &vocabulary),
            "已授权"
        );
        assert_eq!(field_zh("unknown"), "unknown");
    }
}
