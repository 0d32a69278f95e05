use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use crate::{DomainError, Vocabulary};

/// A campaign as its data file describes it: dates, theme and vocabularies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignSeed {
    pub slug: String,
    pub year: i32,
    pub name_zh: String,
    pub name_en: String,
    pub theme_zh: String,
    pub theme_en: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub plan_due_on: NaiveDate,
    pub report_due_on: NaiveDate,
    pub vocabulary: Vocabulary,
}

#[derive(Deserialize)]
struct CampaignFile {
    campaign: CampaignHeader,
    #[serde(flatten)]
    vocabulary: Vocabulary,
}

#[derive(Deserialize)]
struct CampaignHeader {
    slug: String,
    year: i32,
    name_zh: String,
    name_en: String,
    theme_zh: String,
    theme_en: String,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    plan_due_on: NaiveDate,
    report_due_on: NaiveDate,
}

impl CampaignSeed {
    /// Parses a campaign data file (see `vocabularies/shandong-2021.toml`).
    pub fn from_toml(text: &str) -> Result<Self, DomainError> {
        let file: CampaignFile =
            toml::from_str(text).map_err(|e| DomainError::InvalidVocabulary(e.to_string()))?;
        file.vocabulary.check_consistency()?;
        let header = file.campaign;
        if header.ends_on < header.starts_on {
            return Err(DomainError::InvalidVocabulary(format!(
                "campaign '{}' ends before it starts",
                header.slug
            )));
        }
        Ok(CampaignSeed {
            slug: header.slug,
            year: header.year,
            name_zh: header.name_zh,
            name_en: header.name_en,
            theme_zh: header.theme_zh,
            theme_en: header.theme_en,
            starts_on: header.starts_on,
            ends_on: header.ends_on,
            plan_due_on: header.plan_due_on,
            report_due_on: header.report_due_on,
            vocabulary: file.vocabulary,
        })
    }
}

impl CampaignSeed {
    /// A new year's campaign made by an admin: its own slug, year, names, theme and dates, and a
    /// copy of `vocabulary` (usually last year's), which it then owns.
    pub fn checked(self) -> Result<Self, DomainError> {
        let slug_ok = (3..=60).contains(&self.slug.len())
            && self
                .slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        // `current` names the active campaign in every URL; it cannot be a campaign's own name.
        if !slug_ok || self.slug == "current" {
            return Err(DomainError::InvalidValue(format!(
                "slug: '{}' must be 3–60 characters of a–z, 0–9 and '-'",
                self.slug
            )));
        }
        if !(2000..=2100).contains(&self.year) {
            return Err(DomainError::InvalidValue(format!(
                "year: {} is not a campaign year",
                self.year
            )));
        }
        for (field, value) in [
            ("name_zh", &self.name_zh),
            ("name_en", &self.name_en),
            ("theme_zh", &self.theme_zh),
            ("theme_en", &self.theme_en),
        ] {
            if value.trim().is_empty() || value.chars().count() > 200 {
                return Err(DomainError::InvalidValue(format!(
                    "{field}: required, at most 200 characters"
                )));
            }
        }
        let order = |what: &str| Err(DomainError::InvalidValue(what.to_owned()));
        let dates = [
            self.starts_on,
            self.ends_on,
            self.plan_due_on,
            self.report_due_on,
        ];
        if dates.iter().any(|d| (d.year() - self.year).abs() > 1) {
            return order("dates: a campaign's dates lie within a year of its year");
        }
        if self.ends_on < self.starts_on {
            return order("ends_on: the week ends before it starts");
        }
        if (self.ends_on - self.starts_on).num_days() > 60 {
            return order("ends_on: a campaign lasts at most 60 days");
        }
        if self.plan_due_on > self.ends_on {
            return order("plan_due_on: plans are due before the week ends");
        }
        if self.report_due_on < self.ends_on {
            return order("report_due_on: the summary and statistics are due after the week");
        }
        self.vocabulary.check_consistency()?;
        Ok(self)
    }
}

/// The campaigns shipped with the project, oldest first; the last one is seeded as active.
pub fn builtin_campaigns() -> Result<Vec<CampaignSeed>, DomainError> {
    [include_str!("../vocabularies/shandong-2021.toml")]
        .into_iter()
        .map(CampaignSeed::from_toml)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next_year() -> CampaignSeed {
        let mut seed = builtin_campaigns().unwrap().remove(0);
        seed.slug = "shandong-2022".into();
        seed.year = 2022;
        for (date, text) in [
            (&mut seed.starts_on, "2022-05-08"),
            (&mut seed.ends_on, "2022-05-14"),
            (&mut seed.plan_due_on, "2022-05-06"),
            (&mut seed.report_due_on, "2022-05-25"),
        ] {
            *date = text.parse().unwrap();
        }
        seed
    }

    #[test]
    fn a_new_campaign_is_checked() {
        assert!(next_year().checked().is_ok());
        let refused = |change: fn(&mut CampaignSeed)| {
            let mut seed = next_year();
            change(&mut seed);
            seed.checked().unwrap_err().to_string()
        };
        assert!(refused(|s| s.slug = "current".into()).contains("slug"));
        assert!(refused(|s| s.slug = "Shandong 2022".into()).contains("slug"));
        assert!(refused(|s| s.year = 1999).contains("year"));
        assert!(refused(|s| s.theme_zh = " ".into()).contains("theme_zh"));
        assert!(refused(|s| s.ends_on = "2022-05-01".parse().unwrap()).contains("ends_on"));
        assert!(refused(|s| s.plan_due_on = "2022-05-20".parse().unwrap()).contains("plan_due_on"));
        assert!(
            refused(|s| s.report_due_on = "2022-05-10".parse().unwrap()).contains("report_due_on")
        );
        // A typo of a year (or chrono's far years) is refused, not carried into every deadline.
        assert!(refused(|s| s.report_due_on = "+262142-12-31".parse().unwrap()).contains("dates"));
        assert!(refused(|s| s.starts_on = "2202-05-08".parse().unwrap()).contains("dates"));
    }

    #[test]
    fn the_2021_campaign_parses_with_its_vocabularies() {
        let campaign = builtin_campaigns().unwrap().remove(0);
        assert_eq!(campaign.year, 2021);
        assert_eq!(campaign.starts_on.to_string(), "2021-05-22");
        assert_eq!(campaign.vocabulary.cities.len(), 17);
        assert_eq!(campaign.vocabulary.categories.len(), 5);
        assert_eq!(campaign.vocabulary.themes.len(), 8);
        assert_eq!(campaign.vocabulary.city("heze").unwrap().zh, "菏泽");
    }
}
