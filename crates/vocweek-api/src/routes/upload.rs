//! `POST /api/v1/assets`: a multipart upload streamed to staging, hashed, deduplicated, recorded.

use actix_multipart::{Field, Multipart};
use actix_web::{HttpResponse, web};
use futures_util::TryStreamExt;
use vocweek_domain::{AssetKind, parse_date, parse_timestamp};
use vocweek_pipeline::UploadForm;

use crate::auth::Caller;
use crate::json::{AssetJson, UploadFormSchema};
use crate::{ApiError, AppState};

/// Longest text field accepted: a description is not a novel.
const TEXT_FIELD_MAX: usize = 64 * 1024;
/// All the text fields of one upload together, and how many there may be: the form has
/// nine, and a client repeating `themes` ten thousand times is not filling in a form.
const TEXT_TOTAL_MAX: usize = 128 * 1024;
const TEXT_FIELDS_MAX: usize = 64;
/// Themes one item may carry (the campaign's vocabulary has a dozen).
const THEMES_MAX: usize = 32;

/// The text fields of an upload, in the form and in a resumable upload's metadata alike.
pub(crate) const TEXT_FIELDS: [&str; 9] = [
    "title",
    "description",
    "kind",
    "city",
    "category",
    "subcategory",
    "themes",
    "captured_at",
    "activity_date",
];

/// Uploads one photo, video or article with its tags. The same bytes already stored (by any
/// unit) answer 200 with `duplicate: true` and the existing asset; new bytes answer 201.
#[utoipa::path(post, path = "/api/v1/assets", tag = "assets",
    request_body(content = UploadFormSchema, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "New asset", body = AssetJson),
        (status = 200, description = "Duplicate of a stored asset", body = AssetJson),
        (status = 400, description = "Malformed form or missing title", body = crate::json::ErrorEnvelope),
        (status = 401, description = "Missing, invalid, revoked or expired token", body = crate::json::ErrorEnvelope),
        (status = 403, description = "Not a unit token", body = crate::json::ErrorEnvelope),
        (status = 413, description = "Over the kind's size limit", body = crate::json::ErrorEnvelope),
        (status = 415, description = "Unsupported type, or kind contradicting the bytes", body = crate::json::ErrorEnvelope),
        (status = 422, description = "Unknown tag value; details list the allowed ones", body = crate::json::ErrorEnvelope)))]
pub async fn upload_asset(
    caller: Caller,
    state: web::Data<AppState>,
    mut form_data: Multipart,
) -> Result<HttpResponse, ApiError> {
    let uploader = caller.uploader()?;
    let mut form = UploadForm::default();
    let mut staged = None;
    let (mut text_fields, mut text_bytes) = (0, 0);

    while let Some(mut field) = form_data.try_next().await.map_err(malformed)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                if staged.is_some() {
                    return Err(ApiError::bad_request(
                        "multiple-files",
                        "send one file per upload",
                    ));
                }
                let filename = field
                    .content_disposition()
                    .and_then(|cd| cd.get_filename())
                    .unwrap_or("upload")
                    .to_owned();
                crate::plain_text::refuse_control_characters("filename", &filename)?;
                let mut open = state.ingestor.start_upload(&filename, form.kind).await?;
                while let Some(chunk) = field.try_next().await.map_err(malformed)? {
                    open.write(&chunk).await?;
                }
                staged = Some(open.finish().await?);
            }
            _ => {
                text_fields += 1;
                if text_fields > TEXT_FIELDS_MAX {
                    return Err(ApiError::bad_request(
                        "too-many-fields",
                        format!("an upload has at most {TEXT_FIELDS_MAX} text fields"),
                    ));
                }
                let budget = TEXT_TOTAL_MAX
                    .saturating_sub(text_bytes)
                    .min(TEXT_FIELD_MAX);
                let value = read_text(&mut field, &name, budget).await?;
                text_bytes += value.len();
                apply_field(&mut form, &name, value)?;
            }
        }
    }
    let staged = staged
        .ok_or_else(|| ApiError::bad_request("missing-file", "the form has no 'file' part"))?;
    let outcome = state.ingestor.commit(staged, form, &uploader).await?;
    let renditions = state.db.renditions_of(&outcome.asset.asset.id).await?;
    let body = AssetJson::from_record(
        outcome.asset,
        renditions,
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

pub(crate) fn malformed(err: actix_multipart::MultipartError) -> ApiError {
    ApiError::bad_request(
        "malformed-multipart",
        format!("the upload is not a complete multipart/form-data body: {err}"),
    )
}

/// A text field of at most `max` bytes (what is left of the form's budget).
async fn read_text(field: &mut Field, name: &str, max: usize) -> Result<String, ApiError> {
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

fn invalid_field(message: String, details: serde_json::Value) -> ApiError {
    ApiError::bad_request("invalid-field", message).with_details(details)
}
