use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{DomainError, Vocabulary};

/// The fields a campaign is created from and described by: its slug, year, names, theme and
/// dates. Written once, here: the `[campaign]` table of a data file, the JSON body that creates
/// one (with `vocabulary_from` beside it), the form and the command-line flags all fill this,
/// and the API answers it back with the campaign's `active` flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CampaignFields {
    pub slug: String,
    pub year: i32,
    pub name_zh: String,
    pub name_en: String,
    pub theme_zh: String,
    pub theme_en: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Plans, websites and liaisons; on time until midnight at the end of this day, Beijing time.
    pub plan_due_on: NaiveDate,
    /// Summary reports and the statistics table.
    pub report_due_on: NaiveDate,
}

/// A campaign as its data file describes it: its fields (the file's `[campaign]` table) and
/// its vocabularies (the file's `[[city]]`, `[[category]]` and `[[theme]]` tables). Read a file
/// with [`CampaignSeed::from_toml`], which also checks that it holds together.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CampaignSeed {
    pub campaign: CampaignFields,
    #[serde(flatten)]
    pub vocabulary: Vocabulary,
}

impl CampaignSeed {
    /// Parses a campaign data file (see `vocabularies/shandong-2021.toml`).
    pub fn from_toml(text: &str) -> Result<Self, DomainError> {
        let seed: CampaignSeed =
            toml::from_str(text).map_err(|e| DomainError::InvalidVocabulary(e.to_string()))?;
        seed.vocabulary.check_consistency()?;
        if seed.campaign.ends_on < seed.campaign.starts_on {
            return Err(DomainError::InvalidVocabulary(format!(
                "campaign '{}' ends before it starts",
                seed.campaign.slug
            )));
        }
        Ok(seed)
    }

    /// A new year's campaign made by an admin: its own fields (see [`CampaignFields::checked`])
    /// and a copy of a vocabulary (usually last year's) that holds together, which it then owns.
    pub fn checked(self) -> Result<Self, DomainError> {
        let campaign = self.campaign.checked()?;
        self.vocabulary.check_consistency()?;
        Ok(CampaignSeed {
            campaign,
            vocabulary: self.vocabulary,
        })
    }
}

impl CampaignFields {
    /// A new campaign's slug, year, names, theme and dates as an admin may give them; the error
    /// names the field refused.
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
        let fields = &mut seed.campaign;
        fields.slug = "shandong-2022".into();
        fields.year = 2022;
        for (date, text) in [
            (&mut fields.starts_on, "2022-05-08"),
            (&mut fields.ends_on, "2022-05-14"),
            (&mut fields.plan_due_on, "2022-05-06"),
            (&mut fields.report_due_on, "2022-05-25"),
        ] {
            *date = text.parse().unwrap();
        }
        seed
    }

    #[test]
    fn a_new_campaign_is_checked() {
        assert!(next_year().checked().is_ok());
        let refused = |change: fn(&mut CampaignFields)| {
            let mut seed = next_year();
            change(&mut seed.campaign);
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
        // The copied vocabulary is checked as well as the fields.
        let mut repeated = next_year();
        let jinan = repeated.vocabulary.cities[0].clone();
        repeated.vocabulary.cities.push(jinan);
        assert!(
            repeated
                .checked()
                .unwrap_err()
                .to_string()
                .contains("repeated")
        );
    }

    #[test]
    fn the_2021_campaign_parses_with_its_vocabularies() {
        let campaign = builtin_campaigns().unwrap().remove(0);
        assert_eq!(campaign.campaign.year, 2021);
        assert_eq!(campaign.campaign.starts_on.to_string(), "2021-05-22");
        assert_eq!(campaign.vocabulary.cities.len(), 17);
        assert_eq!(campaign.vocabulary.categories.len(), 5);
        assert_eq!(campaign.vocabulary.themes.len(), 8);
        assert_eq!(campaign.vocabulary.city("heze").unwrap().zh, "菏泽");
    }
}
