//! `POST /api/v1/assets`: a multipart upload streamed to staging, hashed, deduplicated, recorded.

use actix_multipart::Multipart;
use actix_web::{HttpResponse, web};
use futures_util::TryStreamExt;
use vocweek_pipeline::UploadForm;

use crate::auth::Caller;
use crate::json::{AssetJson, UploadFormSchema};
use crate::upload_form::{
    TEXT_FIELD_MAX, TEXT_FIELDS_MAX, TEXT_TOTAL_MAX, apply_field, malformed, read_text,
};
use crate::{ApiError, AppState};

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
