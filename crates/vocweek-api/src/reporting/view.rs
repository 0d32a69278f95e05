//! What a unit's reports look like to the API and the pages: each requirement with its
//! deadline, when it was first met and whether that was late.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use vocweek_db::accounts::Unit;
use vocweek_db::campaigns::{ActiveCampaign, Campaign};
use vocweek_db::reporting::{StatisticsReport, StatisticsStatus, UnitDocument, UnitRegistration};
use vocweek_domain::CampaignFields;
use vocweek_domain::reporting::{Coverage, Deadline, DocumentPurpose, Liaison, StatisticsFigures};

/// `missing`, `draft` (the statistics table only), `on_time` or `late`.
pub fn status_of(first_at: Option<DateTime<Utc>>, deadline: Deadline) -> &'static str {
    match first_at {
        None => "missing",
        Some(at) if deadline.is_late(at) => "late",
        Some(_) => "on_time",
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitRefJson {
    pub id: i32,
    pub name: String,
    pub kind: String,
    /// The desk the unit reports to: `edu` (省教育厅职业教育处) or `hr` (省人社厅).
    pub desk: String,
    pub city: String,
}

impl From<&Unit> for UnitRefJson {
    fn from(unit: &Unit) -> Self {
        UnitRefJson {
            id: unit.id,
            name: unit.name.clone(),
            kind: unit.kind.as_str().to_owned(),
            desk: unit.kind.desk().as_str().to_owned(),
            city: unit.city.clone(),
        }
    }
}

/// A campaign with its tag vocabularies (plural keys, not the data file's), as
/// `/api/v1/vocabularies` and `/api/v1/campaigns/{campaign}` answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignVocabularyJson {
    pub campaign: CampaignJson,
    pub cities: Vec<vocweek_domain::Term>,
    /// Activity categories, each with its subcategories.
    pub categories: Vec<vocweek_domain::Category>,
    pub themes: Vec<vocweek_domain::Term>,
}

impl From<&ActiveCampaign> for CampaignVocabularyJson {
    fn from(active: &ActiveCampaign) -> Self {
        CampaignVocabularyJson {
            campaign: CampaignJson::from(&active.campaign),
            cities: active.vocabulary.cities.clone(),
            categories: active.vocabulary.categories.clone(),
            themes: active.vocabulary.themes.clone(),
        }
    }
}

/// `GET /api/v1/campaigns`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignListJson {
    /// Newest first.
    pub campaigns: Vec<CampaignJson>,
}

/// A campaign as the API answers it: the fields it was created from (the domain's, flattened:
/// one JSON object) and whether it is the active one.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignJson {
    #[serde(flatten)]
    pub campaign: CampaignFields,
    pub active: bool,
}

impl From<&Campaign> for CampaignJson {
    fn from(c: &Campaign) -> Self {
        CampaignJson {
            campaign: CampaignFields {
                slug: c.slug.clone(),
                year: c.year,
                name_zh: c.name_zh.clone(),
                name_en: c.name_en.clone(),
                theme_zh: c.theme_zh.clone(),
                theme_en: c.theme_en.clone(),
                starts_on: c.starts_on,
                ends_on: c.ends_on,
                plan_due_on: c.plan_due_on,
                report_due_on: c.report_due_on,
            },
            active: c.active,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationJson {
    pub website_url: Option<String>,
    pub website_status: &'static str,
    pub website_first_at: Option<DateTime<Utc>>,
    pub liaison: Option<Liaison>,
    pub liaison_status: &'static str,
    pub liaison_first_at: Option<DateTime<Utc>>,
}

impl RegistrationJson {
    pub fn new(row: Option<&UnitRegistration>, deadline: Deadline) -> Self {
        let liaison = row.and_then(|r| {
            Some(Liaison {
                name: r.liaison_name.clone()?,
                mobile: r.liaison_mobile.clone()?,
                email: r.liaison_email.clone()?,
            })
        });
        let website_first_at = row.and_then(|r| r.website_first_at);
        let liaison_first_at = row.and_then(|r| r.liaison_first_at);
        RegistrationJson {
            website_url: row.and_then(|r| r.website_url.clone()),
            website_status: status_of(website_first_at, deadline),
            website_first_at,
            liaison,
            liaison_status: status_of(liaison_first_at, deadline),
            liaison_first_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentJson {
    pub id: i32,
    pub filename: String,
    pub size: i64,
    pub mime: String,
    pub blake3: String,
    pub submitted_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentStatusJson {
    pub purpose: DocumentPurpose,
    /// `missing`, `on_time` or `late` (by the first version sent).
    pub status: &'static str,
    pub due_on: NaiveDate,
    pub first_submitted_at: Option<DateTime<Utc>>,
    /// The newest version, the one that counts.
    pub current: Option<DocumentJson>,
    pub versions: usize,
    /// Where the current version is downloaded.
    pub download_url: Option<String>,
}

impl DocumentStatusJson {
    /// `versions` oldest first, all of one unit and purpose.
    pub fn new(
        purpose: DocumentPurpose,
        versions: &[&UnitDocument],
        due_on: NaiveDate,
        download_url: String,
    ) -> Self {
        let first_submitted_at = versions.first().map(|d| d.submitted_at);
        let current = versions.last().map(|d| DocumentJson {
            id: d.id,
            filename: d.original_filename.clone(),
            size: d.size,
            mime: d.mime.clone(),
            blake3: d.blake3.clone(),
            submitted_at: d.submitted_at,
        });
        DocumentStatusJson {
            purpose,
            status: status_of(first_submitted_at, Deadline::new(due_on)),
            due_on,
            first_submitted_at,
            download_url: current.as_ref().map(|_| download_url),
            current,
            versions: versions.len(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatisticsJson {
    /// `missing`, `draft`, `on_time` or `late` (by the first final submission).
    pub status: &'static str,
    pub due_on: NaiveDate,
    #[schema(value_type = Object)]
    pub figures: StatisticsFigures,
    /// Send it back as `revision` so a save cannot overwrite someone else's.
    pub revision: i32,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

impl StatisticsJson {
    pub fn new(row: Option<&StatisticsReport>, due_on: NaiveDate) -> Self {
        let status = match row {
            None => "missing",
            Some(r) if r.status == StatisticsStatus::Draft => "draft",
            Some(r) => status_of(r.first_submitted_at, Deadline::new(due_on)),
        };
        StatisticsJson {
            status,
            due_on,
            figures: row.map(figures_of).unwrap_or_default(),
            revision: row.map(|r| r.revision).unwrap_or(0),
            first_submitted_at: row.and_then(|r| r.first_submitted_at),
            submitted_at: row.and_then(|r| r.submitted_at),
            updated_at: row.map(|r| r.updated_at),
        }
    }
}

pub fn figures_of(row: &StatisticsReport) -> StatisticsFigures {
    StatisticsFigures {
        schools: row.schools,
        teachers: row.teachers,
        students: row.students,
        student_coverage_percent: row
            .coverage_hundredths
            .and_then(|h| u32::try_from(h).ok())
            .and_then(Coverage::from_hundredths),
        enterprises: row.enterprises,
        participants: row.participants,
        experience_items: row.experience_items,
        activity_forms: row.activity_forms.clone(),
        media_coverage: row.media_coverage.clone(),
    }
}

/// Everything a unit owes the province for one campaign.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitReportJson {
    pub campaign: CampaignJson,
    pub unit: UnitRefJson,
    /// Whether this unit owes the statistics table and the summary report.
    pub reports_statistics: bool,
    pub registration: RegistrationJson,
    pub plan: DocumentStatusJson,
    pub summary_report: Option<DocumentStatusJson>,
    pub statistics: Option<StatisticsJson>,
}

pub struct UnitRows<'a> {
    pub registration: Option<&'a UnitRegistration>,
    /// This unit's documents, oldest first.
    pub documents: Vec<&'a UnitDocument>,
    pub statistics: Option<&'a StatisticsReport>,
}

impl UnitReportJson {
    pub fn new(
        campaign: &ActiveCampaign,
        unit: UnitRefJson,
        reports_statistics: bool,
        rows: UnitRows<'_>,
    ) -> Self {
        let (c, unit_id) = (&campaign.campaign, unit.id);
        let document = |purpose: DocumentPurpose, due_on| {
            let versions: Vec<&UnitDocument> = rows
                .documents
                .iter()
                .copied()
                .filter(|d| d.purpose == purpose)
                .collect();
            DocumentStatusJson::new(
                purpose,
                &versions,
                due_on,
                format!(
                    "/api/v1/campaigns/{}/units/{}/documents/{}",
                    c.slug,
                    unit_id,
                    purpose.as_str()
                ),
            )
        };
        UnitReportJson {
            campaign: CampaignJson::from(c),
            unit,
            reports_statistics,
            registration: RegistrationJson::new(rows.registration, Deadline::new(c.plan_due_on)),
            plan: document(DocumentPurpose::Plan, c.plan_due_on),
            summary_report: reports_statistics
                .then(|| document(DocumentPurpose::SummaryReport, c.report_due_on)),
            statistics: reports_statistics
                .then(|| StatisticsJson::new(rows.statistics, c.report_due_on)),
        }
    }
}
