//! The pages' choice lists: a labelled `<select>` (`templates/select.html`), the marking of
//! the current choices, and the campaign vocabulary's cities, categories, subcategories and
//! themes as `(slug, Chinese name)` pairs in the plan's order. They live in one place so the
//! queue's filters, its bulk re-tag and the item's edit form always offer the same values
//! under the same names.

use vocweek_domain::Vocabulary;

/// One entry of a choice list: the value the form sends, the text people read, and whether it
/// is marked (the `<option>` selected, the checkbox checked).
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A `<select>` with its label (`templates/select.html`).
pub struct Select {
    pub label: &'static str,
    pub name: &'static str,
    pub options: Vec<Choice>,
}

impl Select {
    /// An optional first entry with an empty value (all, unchanged, none), then the
    /// `(value, label)` choices; `current` is selected, the first entry when there is none.
    pub fn new<V: Into<String>, L: Into<String>>(
        label: &'static str,
        name: &'static str,
        first: Option<&str>,
        choices: impl IntoIterator<Item = (V, L)>,
        current: Option<&str>,
    ) -> Select {
        let first = first.map(|text| Choice {
            value: String::new(),
            label: text.to_owned(),
            selected: current.is_none(),
        });
        let choices = marked(choices, |value| current == Some(value));
        Select {
            label,
            name,
            options: first.into_iter().chain(choices).collect(),
        }
    }
}

/// The `(value, label)` pairs as choices, marked where `is_marked` says so: one for a
/// `<select>`, any number for a row of checkboxes.
pub fn marked<V: Into<String>, L: Into<String>>(
    choices: impl IntoIterator<Item = (V, L)>,
    is_marked: impl Fn(&str) -> bool,
) -> Vec<Choice> {
    choices
        .into_iter()
        .map(|(value, label)| {
            let value: String = value.into();
            Choice {
                selected: is_marked(value.as_str()),
                value,
                label: label.into(),
            }
        })
        .collect()
}

/// The campaign's cities.
pub fn cities(vocabulary: &Vocabulary) -> impl Iterator<Item = (&str, &str)> {
    vocabulary
        .cities
        .iter()
        .map(|city| (city.slug.as_str(), city.zh.as_str()))
}

/// The campaign's activity categories.
pub fn categories(vocabulary: &Vocabulary) -> impl Iterator<Item = (&str, &str)> {
    vocabulary
        .categories
        .iter()
        .map(|category| (category.slug.as_str(), category.zh.as_str()))
}

/// Every category's subcategories in one list, category by category, each labelled
/// `类别 · 子类`: one select serves whichever category an item has.
pub fn subcategories(vocabulary: &Vocabulary) -> impl Iterator<Item = (&str, String)> {
    vocabulary.categories.iter().flat_map(|c| {
        c.subcategories
            .iter()
            .map(move |t| (t.slug.as_str(), format!("{} · {}", c.zh, t.zh)))
    })
}

/// The campaign's themes.
pub fn themes(vocabulary: &Vocabulary) -> impl Iterator<Item = (&str, &str)> {
    vocabulary
        .themes
        .iter()
        .map(|theme| (theme.slug.as_str(), theme.zh.as_str()))
}
