//! A unit registration's row as the other crates see it.

use chrono::{DateTime, Utc};

use crate::entities::unit_registration;

/// A unit's special website and liaison for one campaign: the `unit_registrations` row. The
/// first time each part was given is what its deadline is checked against.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitRegistration {
    pub campaign_id: i32,
    pub unit_id: i32,
    pub website_url: Option<String>,
    pub website_first_at: Option<DateTime<Utc>>,
    pub liaison_name: Option<String>,
    pub liaison_mobile: Option<String>,
    pub liaison_email: Option<String>,
    pub liaison_first_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl From<unit_registration::Model> for UnitRegistration {
    fn from(row: unit_registration::Model) -> Self {
        UnitRegistration {
            campaign_id: row.campaign_id,
            unit_id: row.unit_id,
            website_url: row.website_url,
            website_first_at: row.website_first_at,
            liaison_name: row.liaison_name,
            liaison_mobile: row.liaison_mobile,
            liaison_email: row.liaison_email,
            liaison_first_at: row.liaison_first_at,
            updated_at: row.updated_at,
        }
    }
}
