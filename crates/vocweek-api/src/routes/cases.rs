//! `POST /api/v1/cases`: a unit sends a 典型案例 as JSON; vocweek writes its Word document (the
//! case's original) and queues it like an upload. The rules (who, what may be attached, the
//! bounds) are `vocweek_app::Cases`'s; this parses and answers.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::ToSchema;
use vocweek_app::CaseInput;
use vocweek_domain::{CaseContact, TagInput, parse_date};

use crate::auth::Caller;
use crate::json::AssetJson;
use crate::plain_text::refuse_control_characters;
use crate::{ApiError, AppState};

/// The largest case body accepted: a 50,000-character body is 150 KB of UTF-8, escaped in
/// JSON perhaps twice that.
pub const CASE_JSON_MAX: usize = 512 * 1024;
/// Themes one item may carry, as for an upload.
const THEMES_MAX: usize = 32;

/// A 典型案例 as its unit writes it. Tags as an upload's (`city` defaults to the unit's).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseRequest {
    /// At most 200 characters.
    #[serde(default)]
    pub title: String,
    /// 案例摘要, at most 2,000 characters.
    #[serde(default)]
    pub summary: String,
    /// 案例正文, at most 50,000 characters; one paragraph per line.
    #[serde(default)]
    pub body: String,
    /// 联系人, at most 10 (name ≤ 50, role ≤ 50, phone ≤ 30 characters).
    #[serde(default)]
    pub contacts: Vec<CaseContact>,
    /// Ids of the unit's own photos and videos, at most 30, in the order shown.
    #[serde(default)]
    pub attachments: Vec<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub subcategory: Option<String>,
    #[serde(default)]
    pub themes: Vec<String>,
    /// `YYYY-MM-DD`; today in Beijing when absent.
    #[serde(default)]
    pub activity_date: Option<String>,
    /// 作者, one line of at most 100 characters.
    #[serde(default)]
    pub credit: Option<String>,
    #[serde(default)]
    pub portrait_consent: bool,
}

impl CaseRequest {
    fn into_input(self) -> Result<CaseInput, ApiError> {
        refuse_control_characters("title", &self.title)?;
        let mut tags = TagInput {
            city: present(self.city),
            category: present(self.category),
            subcategory: present(self.subcategory),
            themes: Vec::new(),
        };
        for (field, value) in [
            ("city", &tags.city),
            ("category", &tags.category),
            ("subcategory", &tags.subcategory),
        ] {
            refuse_control_characters(field, value.as_deref().unwrap_or_default())?;
        }
        for theme in &self.themes {
            refuse_control_characters("themes", theme)?;
            tags.push_themes(theme);
        }
        if tags.themes.len() > THEMES_MAX {
            return Err(ApiError::bad_request(
                "too-many-themes",
                format!("an item carries at most {THEMES_MAX} themes"),
            ));
        }
        let activity_date = present(self.activity_date)
            .map(|day| parse_date("activity_date", &day))
            .transpose()
            .map_err(|err| {
                ApiError::bad_request("invalid-field", err.to_string())
                    .with_details(serde_json::json!({ "field": "activity_date" }))
            })?;
        Ok(CaseInput {
            title: self.title,
            summary: self.summary,
            body: self.body,
            contacts: self.contacts,
            attachments: self.attachments,
            tags,
            activity_date,
            credit: self.credit,
            portrait_consent: self.portrait_consent,
        })
    }
}

/// The JSON extractor's settings for this route: a case's body may be larger than other
/// requests' (64 KiB), and is refused as every JSON body is (`invalid-json`).
pub fn case_json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(CASE_JSON_MAX)
        .error_handler(|err, _| {
            ApiError::bad_request(
                "invalid-json",
                format!("the request body is not valid JSON: {err}"),
            )
            .into()
        })
}

fn present(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Sends a 典型案例. Its Word document (title, unit, summary, body, contacts, the attached
/// items with their pictures) becomes its original, queued for review like an upload; the
/// fields stay in `metadata.case`. The same case sent again answers 200 with
/// `duplicate: true`.
#[utoipa::path(post, path = "/api/v1/cases", tag = "assets",
    request_body = CaseRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "New case, kind `case`", body = AssetJson),
        (status = 200, description = "The same case was sent before", body = AssetJson),
        (status = 400, description = "A missing or over-long field (`missing-title`, `title-too-long`, `missing-summary`, `summary-too-long`, `missing-body`, `body-too-long`, `too-many-contacts`, `contact-too-long`, `missing-contact-name`, `too-many-attachments`, `attachment-listed-twice`, `credit-too-long`, `too-many-themes`, `invalid-field`)", body = crate::json::ErrorEnvelope),
        (status = 403, description = "Not a unit's token", body = crate::json::ErrorEnvelope),
        (status = 422, description = "`attachment-not-allowed`: not a photo or video of this unit; `unknown-tag`", body = crate::json::ErrorEnvelope),
        (status = 503, description = "The database or the store is unavailable for a moment", body = crate::json::ErrorEnvelope),
        (status = 507, description = "The server's disk is full", body = crate::json::ErrorEnvelope)))]
pub async fn create_case(
    caller: Caller,
    state: web::Data<AppState>,
    body: web::Json<CaseRequest>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner().into_input()?;
    let outcome = state
        .cases
        .create(&caller.actor(), caller.member_id(), input)
        .await?;
    let body = AssetJson::from_record(
        outcome.asset,
        Vec::new(),
        caller.audience(),
        Some(outcome.duplicate),
    );
    Ok(if outcome.duplicate {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::Created()
            .insert_header(("Location", format!("/api/v1/assets/{}", body.id)))
            .json(body)
    })
}
