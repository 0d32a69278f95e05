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
