//! The text fields of an upload, shared by the multipart form (`POST /api/v1/assets`) and a
//! resumable upload's metadata (tus): their names, their budgets and how each one is read.

use actix_multipart::Field;
use futures_util::TryStreamExt;
use vocweek_domain::{AssetKind, parse_date, parse_timestamp};
use vocweek_pipeline::UploadForm;

use crate::ApiError;

/// Longest text field accepted: a description is not a novel.
pub(crate) const TEXT_FIELD_MAX: usize = 64 * 1024;
/// All the text fields of one upload together, and how many there may be: the form has
/// eleven, and a client repeating `themes` ten thousand times is not filling in a form.
pub(crate) const TEXT_TOTAL_MAX: usize = 128 * 1024;
pub(crate) const TEXT_FIELDS_MAX: usize = 64;
/// Themes one item may carry (the campaign's vocabulary has a dozen).
const THEMES_MAX: usize = 32;

/// The text fields of an upload, in the form and in a resumable upload's metadata alike.
pub(crate) const TEXT_FIELDS: [&str; 11] = [
    "title",
    "description",
    "kind",
    "city",
    "category",
    "subcategory",
    "themes",
    "captured_at",
    "activity_date",
    "credit",
    "portrait_consent",
];

pub(crate) fn malformed(err: actix_multipart::MultipartError) -> ApiError {
    ApiError::bad_request(
        "malformed-multipart",
        format!("the upload is not a complete multipart/form-data body: {err}"),
    )
}

/// A text field of at most `max` bytes (what is left of the form's budget).
pub(crate) async fn read_text(
    field: &mut Field,
    name: &str,
    max: usize,
) -> Result<String, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.try_next().await.map_err(malformed)? {
        if bytes.len() + chunk.len() > max {
            return Err(ApiError::bad_request(
                "field-too-large",
                format!(
                    "the field '{name}' is too long: one field may hold {TEXT_FIELD_MAX} bytes, the form's text fields {TEXT_TOTAL_MAX} together"
                ),
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| {
        ApiError::bad_request(
            "invalid-field",
            format!("the field '{name}' is not UTF-8 text"),
        )
    })
}

pub(crate) fn apply_field(
    form: &mut UploadForm,
    name: &str,
    value: String,
) -> Result<(), ApiError> {
    crate::plain_text::refuse_control_characters(name, &value)?;
    let present = || Some(value.trim().to_owned()).filter(|v| !v.is_empty());
    match name {
        "title" => form.title = Some(value.clone()),
        "description" => form.description = Some(value.clone()),
        "kind" => {
            form.kind = present()
                .map(|v| AssetKind::parse(&v))
                .transpose()
                .map_err(|e| invalid_field(e.to_string(), e.details()))?
        }
        "city" => form.tags.city = present(),
        "category" => form.tags.category = present(),
        "subcategory" => form.tags.subcategory = present(),
        "themes" | "themes[]" | "theme" => {
            form.tags.push_themes(&value);
            if form.tags.themes.len() > THEMES_MAX {
                return Err(ApiError::bad_request(
                    "too-many-themes",
                    format!("an item carries at most {THEMES_MAX} themes"),
                ));
            }
        }
        "captured_at" => {
            form.captured_at = present()
                .map(|v| parse_timestamp("captured_at", &v))
                .transpose()
                .map_err(|e| invalid_field(e.to_string(), serde_json::Value::Null))?
        }
        "activity_date" => {
            form.activity_date = present()
                .map(|v| parse_date("activity_date", &v))
                .transpose()
                .map_err(|e| invalid_field(e.to_string(), serde_json::Value::Null))?
        }
        // Checked (length, one line) by the ingest, for the form and tus alike.
        "credit" => form.credit = Some(value.clone()),
        "portrait_consent" => form.portrait_consent = consent(&value)?,
        other => {
            return Err(ApiError::bad_request(
                "unknown-field",
                format!("the form field '{other}' is not known"),
            )
            .with_details(serde_json::json!({
                "field": other,
                "allowed": std::iter::once("file").chain(TEXT_FIELDS).collect::<Vec<_>>(),
            })));
        }
    }
    Ok(())
}

/// `portrait_consent` as forms and clients send a yes or no: `true`/`1`/`on` (a ticked HTML
/// checkbox), `false`/`0`/`off` or empty; anything else is refused rather than guessed.
fn consent(value: &str) -> Result<bool, ApiError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "on" => Ok(true),
        "false" | "0" | "off" | "" => Ok(false),
        _ => Err(invalid_field(
            "the field 'portrait_consent' is true or false (also 1/0, on/off)".to_owned(),
            serde_json::json!({
                "field": "portrait_consent",
                "allowed": ["true", "false", "1", "0", "on", "off"],
            }),
        )),
    }
}

fn invalid_field(message: String, details: serde_json::Value) -> ApiError {
    ApiError::bad_request("invalid-field", message).with_details(details)
}
