//! The city, category and theme filters of a listing (the asset list, the partner feed),
//! checked against the campaign's vocabulary.

use vocweek_domain::{DomainError, Vocabulary};

use crate::ApiError;

/// City, category and theme filters checked against the campaign's vocabulary: an unknown
/// value is a 422 listing the known ones, not an empty result.
pub(crate) struct TagFilters {
    pub city: Option<String>,
    pub category: Option<String>,
    pub theme: Option<String>,
}

impl TagFilters {
    pub(crate) fn checked(
        vocabulary: &Vocabulary,
        city: Option<String>,
        category: Option<String>,
        theme: Option<String>,
    ) -> Result<Self, ApiError> {
        let known = |field: &'static str,
                     value: Option<String>,
                     ok: &dyn Fn(&str) -> bool,
                     allowed: Vec<String>| {
            match value.filter(|v| !v.is_empty()) {
                Some(v) if !ok(&v) => Err(DomainError::UnknownValue {
                    field,
                    value: v,
                    allowed,
                }),
                other => Ok(other),
            }
        };
        Ok(TagFilters {
            city: known(
                "city",
                city,
                &|v| vocabulary.city(v).is_some(),
                vocabulary.cities.iter().map(|t| t.slug.clone()).collect(),
            )?,
            category: known(
                "category",
                category,
                &|v| vocabulary.category(v).is_some(),
                vocabulary
                    .categories
                    .iter()
                    .map(|c| c.slug.clone())
                    .collect(),
            )?,
            theme: known(
                "theme",
                theme,
                &|v| vocabulary.theme(v).is_some(),
                vocabulary.themes.iter().map(|t| t.slug.clone()).collect(),
            )?,
        })
    }
}
