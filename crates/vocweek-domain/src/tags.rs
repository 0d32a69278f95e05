use serde::{Deserialize, Serialize};

/// Tags as a request gives them, before they are checked against the vocabulary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagInput {
    pub city: Option<String>,
    pub category: Option<String>,
    pub subcategory: Option<String>,
    /// Already split: a form may repeat the field or send a comma-separated list.
    pub themes: Vec<String>,
}

impl TagInput {
    /// Adds themes from one form value, which may hold several separated by commas
    /// (ASCII or the full-width `，` a Chinese keyboard types).
    pub fn push_themes(&mut self, value: &str) {
        self.themes.extend(
            value
                .split([',', '，'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        );
    }
}

/// Checked tags: one city, at most one category with an optional subcategory, any themes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Tags {
    pub city: String,
    pub category: Option<String>,
    pub subcategory: Option<String>,
    pub themes: Vec<String>,
}

/// A partial change of an item's tags (the API's PATCH, the queue's bulk re-tag): absent fields
/// keep the current value; a new category without a subcategory clears the old subcategory,
/// which belonged to the old category.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagChange {
    pub city: Option<String>,
    pub category: Option<String>,
    pub subcategory: Option<String>,
    /// Replaces the themes.
    pub themes: Option<Vec<String>>,
    /// Added to the themes (after a replacement, if any).
    pub add_themes: Vec<String>,
}

impl TagChange {
    pub fn touches_tags(&self) -> bool {
        self.city.is_some()
            || self.category.is_some()
            || self.subcategory.is_some()
            || self.themes.is_some()
            || !self.add_themes.is_empty()
    }

    /// The complete tags to validate: this change over `current`.
    pub fn over(self, current: &Tags) -> TagInput {
        let subcategory = match (&self.category, self.subcategory) {
            (_, Some(sub)) => Some(sub),
            (Some(_), None) => None,
            (None, None) => current.subcategory.clone(),
        };
        let mut themes = self.themes.unwrap_or_else(|| current.themes.clone());
        themes.extend(self.add_themes);
        TagInput {
            city: Some(self.city.unwrap_or_else(|| current.city.clone())),
            category: self.category.or_else(|| current.category.clone()),
            subcategory,
            themes,
        }
    }
}

#[cfg(test)]
mod change_tests {
    use super::*;

    fn current() -> Tags {
        Tags {
            city: "jinan".into(),
            category: Some("publicity".into()),
            subcategory: Some("old_sub".into()),
            themes: vec!["policy".into()],
        }
    }

    #[test]
    fn absent_fields_keep_their_values() {
        let input = TagChange::default().over(&current());
        assert_eq!(input.city.as_deref(), Some("jinan"));
        assert_eq!(input.subcategory.as_deref(), Some("old_sub"));
        assert_eq!(input.themes, ["policy"]);
    }

    #[test]
    fn a_new_category_clears_the_old_subcategory_and_themes_can_be_added() {
        let change = TagChange {
            category: Some("national_event".into()),
            add_themes: vec!["labor_spirit".into()],
            ..TagChange::default()
        };
        let input = change.over(&current());
        assert_eq!(input.category.as_deref(), Some("national_event"));
        assert_eq!(input.subcategory, None);
        assert_eq!(input.themes, ["policy", "labor_spirit"]);
        let replaced = TagChange {
            themes: Some(vec!["achievements".into()]),
            ..TagChange::default()
        };
        assert_eq!(replaced.over(&current()).themes, ["achievements"]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn themes_split_on_both_commas() {
        let mut input = TagInput::default();
        input.push_themes("policy, achievements");
        input.push_themes("labor_spirit，rural_revitalization");
        input.push_themes(" ");
        assert_eq!(
            input.themes,
            vec![
                "policy",
                "achievements",
                "labor_spirit",
                "rural_revitalization"
            ]
        );
    }
}
