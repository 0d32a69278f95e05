//! The queue's filter line: the query string read once (a blank value is no filter), the
//! listing's filter made of it, the selects that show it, and the next page's link keeping it.

use serde::Deserialize;
use vocweek_db::accounts::Unit;
use vocweek_db::assets::{AssetFilter, Scope};
use vocweek_domain::{AssetKind, AssetState, Vocabulary, parse_date};

use crate::choices::{self, Select};
use crate::layout::{kind_zh, state_zh};
use crate::staff::urlencode;

/// What the queue shows when no state is asked for: the work waiting.
const DEFAULT_STATE: &str = "pending_review";

/// Cards per page.
const PAGE_SIZE: u64 = 48;

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    state: Option<String>,
    kind: Option<String>,
    city: Option<String>,
    day: Option<String>,
    q: Option<String>,
    category: Option<String>,
    theme: Option<String>,
    unit: Option<String>,
    sort: Option<String>,
    cursor: Option<String>,
}

/// The query's values, trimmed; `None` where blank. Values outside the vocabulary are kept
/// (the select then shows no choice) but filter nothing.
pub(super) struct Filters {
    pub state: String,
    pub kind: Option<String>,
    pub city: Option<String>,
    pub day: Option<String>,
    pub q: Option<String>,
    pub category: Option<String>,
    pub theme: Option<String>,
    pub unit: Option<String>,
    pub sort: Option<String>,
    pub cursor: Option<String>,
}

fn nonempty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

impl Filters {
    pub fn read(query: QueueQuery) -> Filters {
        Filters {
            state: nonempty(query.state).unwrap_or_else(|| DEFAULT_STATE.to_owned()),
            kind: nonempty(query.kind),
            city: nonempty(query.city),
            day: nonempty(query.day),
            q: nonempty(query.q),
            category: nonempty(query.category),
            theme: nonempty(query.theme),
            unit: nonempty(query.unit),
            sort: nonempty(query.sort),
            cursor: nonempty(query.cursor),
        }
    }

    /// The listing's filter: only values the campaign's vocabulary knows.
    pub fn asset_filter(&self, vocabulary: &Vocabulary) -> AssetFilter {
        AssetFilter {
            state: AssetState::parse(&self.state).ok(),
            kind: self.kind.as_deref().and_then(|k| AssetKind::parse(k).ok()),
            city: self.city.clone().filter(|c| vocabulary.city(c).is_some()),
            day: self.day.as_deref().and_then(|d| parse_date("day", d).ok()),
            title_contains: self.q.clone(),
            category: self
                .category
                .clone()
                .filter(|c| vocabulary.category(c).is_some()),
            theme: self.theme.clone().filter(|t| vocabulary.theme(t).is_some()),
            unit: self.unit.as_deref().and_then(|u| u.parse().ok()),
            oldest_first: self.sort.as_deref() == Some("oldest"),
            cursor: self.cursor.clone(),
            limit: PAGE_SIZE,
        }
    }

    /// The filter form's selects in its order, the current values chosen. `units` are all
    /// units; the select offers those of the staff member's desk, by name.
    pub fn selects(&self, vocabulary: &Vocabulary, units: &[Unit], scope: Scope) -> Vec<Select> {
        let states = AssetState::ALL
            .iter()
            .map(|s| (s.as_str(), state_zh(s.as_str())));
        let cities = choices::cities(vocabulary);
        let kinds = AssetKind::ALL.map(|k| (k.as_str(), kind_zh(k.as_str())));
        let categories = choices::categories(vocabulary);
        let themes = choices::themes(vocabulary);
        let mut desk_units: Vec<&Unit> = units
            .iter()
            .filter(|u| match scope {
                Scope::Desk(desk) => u.kind.desk() == desk,
                _ => true,
            })
            .collect();
        desk_units.sort_by(|a, b| a.name.cmp(&b.name));
        let units = desk_units
            .into_iter()
            .map(|u| (u.id.to_string(), u.name.as_str()));
        let sorts = [("newest", "最新在前"), ("oldest", "最早在前")];
        vec![
            Select::new("状态", "state", None, states, Some(self.state.as_str())),
            Select::new(
                "城市",
                "city",
                Some("全部城市"),
                cities,
                self.city.as_deref(),
            ),
            Select::new(
                "类型",
                "kind",
                Some("全部类型"),
                kinds,
                self.kind.as_deref(),
            ),
            Select::new(
                "类别",
                "category",
                Some("全部类别"),
                categories,
                self.category.as_deref(),
            ),
            Select::new(
                "主题",
                "theme",
                Some("全部主题"),
                themes,
                self.theme.as_deref(),
            ),
            Select::new(
                "单位",
                "unit",
                Some("全部单位"),
                units,
                self.unit.as_deref(),
            ),
            Select::new(
                "排序",
                "sort",
                None,
                sorts,
                Some(self.sort.as_deref().unwrap_or("newest")),
            ),
        ]
    }

    /// The filters as a query string (`state=…&city=…`, values percent-encoded), without the
    /// page's cursor: what an item's page carries back to this queue (`?back=`).
    pub fn query(&self) -> String {
        let mut query = format!("state={}", urlencode(&self.state));
        for (key, value) in [
            ("city", &self.city),
            ("kind", &self.kind),
            ("day", &self.day),
            ("q", &self.q),
            ("category", &self.category),
            ("theme", &self.theme),
            ("unit", &self.unit),
            ("sort", &self.sort),
        ] {
            if let Some(value) = value {
                query.push_str(&format!("&{key}={}", urlencode(value)));
            }
        }
        query
    }

    /// The link to the page after `cursor`, with the same filters.
    pub fn next_page(&self, cursor: &str) -> String {
        format!("/queue?{}&cursor={}", self.query(), urlencode(cursor))
    }
}
