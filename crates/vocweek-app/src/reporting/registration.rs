//! Registering before the week: the unit's special website and its liaison (seed 四(二)). Each
//! part given is checked and normalised (every problem listed at once) and replaces the
//! previous value; the first time each part was given dates it against the plan's due day.

use vocweek_domain::reporting::{Liaison, check_website};

use super::{Obligation, Reporting, ReportingError, UnitReport};
use crate::Actor;

/// What a unit registers: the website, the liaison, or both.
#[derive(Debug, Clone, Copy, Default)]
pub struct RegistrationInput<'a> {
    /// 专题网站地址: an http(s) URL.
    pub website_url: Option<&'a str>,
    /// 联络员.
    pub liaison: Option<&'a Liaison>,
}

impl Reporting {
    /// Saves the registration of `unit` (an id, or `me`) in `campaign` (a slug, or `current`):
    /// the unit itself, in the active campaign, a unit that sends daily material. Answers the
    /// unit's reports as they are now.
    pub async fn save_registration(
        &self,
        actor: &Actor,
        campaign: &str,
        unit: &str,
        input: RegistrationInput<'_>,
    ) -> Result<UnitReport, ReportingError> {
        let target = self
            .writable(actor, campaign, unit, Obligation::Daily)
            .await?;
        let (website, liaison) = checked(input)?;
        self.db
            .save_registration(
                target.campaign.campaign.id,
                target.unit.id,
                website.as_deref(),
                liaison.as_ref(),
            )
            .await?;
        self.report_of(target).await
    }
}

/// The website and liaison checked and normalised, or every problem found (the website's
/// first, then the liaison's fields in order); neither is [`ReportingError::NothingToSave`].
fn checked(
    input: RegistrationInput<'_>,
) -> Result<(Option<String>, Option<Liaison>), ReportingError> {
    if input.website_url.is_none() && input.liaison.is_none() {
        return Err(ReportingError::NothingToSave);
    }
    let mut problems = Vec::new();
    let website = match input.website_url.map(|w| check_website("website_url", w)) {
        Some(Ok(url)) => Some(url),
        Some(Err(problem)) => {
            problems.push(problem);
            None
        }
        None => None,
    };
    let liaison = match input.liaison.map(Liaison::checked) {
        Some(Ok(liaison)) => Some(liaison),
        Some(Err(found)) => {
            problems.extend(found);
            None
        }
        None => None,
    };
    if problems.is_empty() {
        Ok((website, liaison))
    } else {
        Err(ReportingError::InvalidFields(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(err: ReportingError) -> Vec<&'static str> {
        match err {
            ReportingError::InvalidFields(problems) => problems.iter().map(|p| p.field).collect(),
            other => panic!("not refused for its fields: {other:?}"),
        }
    }

    #[test]
    fn every_problem_is_listed_and_values_are_normalised() {
        assert!(matches!(
            checked(RegistrationInput::default()),
            Err(ReportingError::NothingToSave)
        ));
        let wrong = Liaison {
            name: " ".to_owned(),
            mobile: "0533-1234567".to_owned(),
            email: "nobody".to_owned(),
        };
        let refused = checked(RegistrationInput {
            website_url: Some("zibo.sdedu.gov.cn/week"),
            liaison: Some(&wrong),
        });
        assert_eq!(
            refused.map_err(fields).err(),
            Some(vec![
                "website_url",
                "liaison.name",
                "liaison.mobile",
                "liaison.email"
            ])
        );
        let liaison = Liaison {
            name: " 王老师 ".to_owned(),
            mobile: "+86 139-0533-0000".to_owned(),
            email: "wang@zbedu.cn".to_owned(),
        };
        let saved = checked(RegistrationInput {
            website_url: None,
            liaison: Some(&liaison),
        });
        let Ok((None, Some(normalised))) = saved else {
            panic!("refused: {saved:?}");
        };
        assert_eq!(
            (normalised.name.as_str(), normalised.mobile.as_str()),
            ("王老师", "13905330000")
        );
    }
}
