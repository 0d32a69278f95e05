use serde::{Deserialize, Serialize};

use crate::{DomainError, TagInput, Tags};

/// One value of a vocabulary: a stable slug for the API, names for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Term {
    pub slug: String,
    /// Chinese name, shown first in the web queue.
    pub zh: String,
    pub en: String,
}

/// An activity category with the sub-activities the campaign plan names under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Category {
    pub slug: String,
    pub zh: String,
    pub en: String,
    #[serde(default)]
    pub subcategories: Vec<Term>,
}

/// A campaign's tag vocabularies: every asset is checked against these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Vocabulary {
    #[serde(rename = "city")]
    pub cities: Vec<Term>,
    #[serde(rename = "category")]
    pub categories: Vec<Category>,
    #[serde(rename = "theme")]
    pub themes: Vec<Term>,
}

fn slugs(terms: &[Term]) -> Vec<String> {
    terms.iter().map(|term| term.slug.clone()).collect()
}

impl Vocabulary {
    pub fn city(&self, slug: &str) -> Option<&Term> {
        self.cities.iter().find(|term| term.slug == slug)
    }

    pub fn category(&self, slug: &str) -> Option<&Category> {
        self.categories
            .iter()
            .find(|category| category.slug == slug)
    }

    pub fn theme(&self, slug: &str) -> Option<&Term> {
        self.themes.iter().find(|term| term.slug == slug)
    }

    /// Checks a city slug; the error lists the allowed ones.
    pub fn check_city(&self, slug: &str) -> Result<String, DomainError> {
        let slug = slug.trim();
        self.city(slug)
            .map(|term| term.slug.clone())
            .ok_or_else(|| DomainError::unknown("city", slug, slugs(&self.cities)))
    }

    /// Checks tags from a request. `default_city` is the sending unit's city, used when the
    /// request names none. Themes are de-duplicated and sorted (a set: one order everywhere).
    pub fn validate(&self, input: &TagInput, default_city: &str) -> Result<Tags, DomainError> {
        let city = self.check_city(non_empty(input.city.as_deref()).unwrap_or(default_city))?;
        let category = match non_empty(input.category.as_deref()) {
            None => None,
            Some(slug) => Some(self.category(slug).ok_or_else(|| {
                DomainError::unknown(
                    "category",
                    slug,
                    self.categories.iter().map(|c| c.slug.clone()),
                )
            })?),
        };
        let subcategory = match (non_empty(input.subcategory.as_deref()), category) {
            (None, _) => None,
            (Some(_), None) => {
                return Err(DomainError::InconsistentTags(
                    "a subcategory needs its category".to_owned(),
                ));
            }
            (Some(slug), Some(category)) => Some(
                category
                    .subcategories
                    .iter()
                    .find(|term| term.slug == slug)
                    .map(|term| term.slug.clone())
                    .ok_or_else(|| {
                        DomainError::unknown("subcategory", slug, slugs(&category.subcategories))
                    })?,
            ),
        };
        let mut themes: Vec<String> = Vec::new();
        for slug in input
            .themes
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
        {
            let term = self
                .theme(slug)
                .ok_or_else(|| DomainError::unknown("theme", slug, slugs(&self.themes)))?;
            if !themes.contains(&term.slug) {
                themes.push(term.slug.clone());
            }
        }
        themes.sort();
        Ok(Tags {
            city,
            category: category.map(|c| c.slug.clone()),
            subcategory,
            themes,
        })
    }

    /// Rejects a vocabulary file with empty or repeated slugs.
    pub fn check_consistency(&self) -> Result<(), DomainError> {
        let mut seen = std::collections::HashSet::new();
        let all = self
            .cities
            .iter()
            .map(|t| ("city", &t.slug))
            .chain(self.themes.iter().map(|t| ("theme", &t.slug)))
            .chain(self.categories.iter().map(|c| ("category", &c.slug)))
            .chain(
                self.categories
                    .iter()
                    .flat_map(|c| c.subcategories.iter().map(|t| ("subcategory", &t.slug))),
            );
        for (facet, slug) in all {
            if slug.is_empty() || !seen.insert((facet, slug.clone())) {
                return Err(DomainError::InvalidVocabulary(format!(
                    "{facet} '{slug}' is empty or repeated"
                )));
            }
        }
        Ok(())
    }
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin_campaigns;

    fn vocabulary() -> Vocabulary {
        builtin_campaigns().unwrap().remove(0).vocabulary
    }

    #[test]
    fn the_unit_city_is_the_default() {
        let tags = vocabulary()
            .validate(&TagInput::default(), "weifang")
            .unwrap();
        assert_eq!(tags.city, "weifang");
        assert_eq!(tags.category, None);
    }

    #[test]
    fn full_tags_validate_and_themes_deduplicate() {
        let input = TagInput {
            city: Some("jinan".into()),
            category: Some("national_event".into()),
            subcategory: Some("competition_events".into()),
            themes: vec![
                "labor_spirit".into(),
                "annual_theme".into(),
                "labor_spirit".into(),
            ],
        };
        let tags = vocabulary().validate(&input, "heze").unwrap();
        assert_eq!(tags.city, "jinan");
        assert_eq!(tags.subcategory.as_deref(), Some("competition_events"));
        assert_eq!(tags.themes, vec!["annual_theme", "labor_spirit"]);
    }

    #[test]
    fn unknown_values_list_what_is_allowed() {
        let input = TagInput {
            themes: vec!["not_a_theme".into()],
            ..TagInput::default()
        };
        let err = vocabulary().validate(&input, "jinan").unwrap_err();
        match err {
            DomainError::UnknownValue { field, allowed, .. } => {
                assert_eq!(field, "theme");
                assert!(allowed.contains(&"party_centenary".to_owned()));
            }
            other => panic!("unexpected {other:?}"),
        }
        let city = TagInput {
            city: Some("beijing".into()),
            ..TagInput::default()
        };
        assert!(vocabulary().validate(&city, "jinan").is_err());
    }

    #[test]
    fn a_subcategory_must_belong_to_its_category() {
        let input = TagInput {
            category: Some("publicity".into()),
            subcategory: Some("competition_events".into()),
            ..TagInput::default()
        };
        assert!(vocabulary().validate(&input, "jinan").is_err());
        let orphan = TagInput {
            subcategory: Some("competition_events".into()),
            ..TagInput::default()
        };
        assert!(matches!(
            vocabulary().validate(&orphan, "jinan"),
            Err(DomainError::InconsistentTags(_))
        ));
    }
}
