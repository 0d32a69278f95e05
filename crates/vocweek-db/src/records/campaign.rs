//! A campaign's row as the other crates see it.

use chrono::{DateTime, NaiveDate, Utc};

use crate::entities::campaign;

/// One campaign (a year's week): the `campaigns` row. Its vocabulary is read separately (see
/// `campaigns::ActiveCampaign`).
#[derive(Clone, Debug, PartialEq)]
pub struct Campaign {
    pub id: i32,
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
    /// The campaign new uploads and reports belong to (exactly one is).
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

impl From<campaign::Model> for Campaign {
    fn from(row: campaign::Model) -> Self {
        Campaign {
            id: row.id,
            slug: row.slug,
            year: row.year,
            name_zh: row.name_zh,
            name_en: row.name_en,
            theme_zh: row.theme_zh,
            theme_en: row.theme_en,
            starts_on: row.starts_on,
            ends_on: row.ends_on,
            plan_due_on: row.plan_due_on,
            report_due_on: row.report_due_on,
            active: row.active,
            created_at: row.created_at,
        }
    }
}
