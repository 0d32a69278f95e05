//! `PUT /api/v1/assets/{id}/file`: the unit that sent a returned item replaces its file (the
//! rule is `vocweek_app::Editorial::replace_file`'s), and `GET /api/v1/assets/{id}/versions`:
//! the files an item had before. The file streams to staging like an upload's (the item's kind
//! declared, so another kind is refused at the first bytes and the kind's size limit holds).

use actix_multipart::Multipart;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use serde::Serialize;
use utoipa::ToSchema;
use vocweek_pipeline::{IngestError, StagedUpload};

use super::assets::visible_asset;
use crate::auth::Caller;
use crate::json::AssetJson;
use crate::upload_form::{malformed, read_text};
use crate::{ApiError, AppState};

/// The longest `version` field read: an `i32` in decimal.
const VERSION_FIELD_MAX: usize = 16;

/// The multipart form of a file replacement (for the OpenAPI document).
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct ReplaceFileSchema {
    /// The item's `version` as the unit last saw it.
    pub version: i32,
    /// The corrected file: exactly one, of the item's kind.
    #[schema(format = Binary, value_type = String)]
    pub file: Vec<u8>,
}

/// A file an item had before its unit replaced it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssetVersionJson {
    /// 1 is the first file sent; the item's current file comes after the last one.
    pub number: i32,
    /// BLAKE3 of the file, hex.
    pub blake3: String,
    pub size: i64,
    pub mime: String,
    pub original_filename: String,
    pub replaced_at: DateTime<Utc>,
}

/// Replaces the file of a returned item with a corrected one of the same kind. Only the unit
/// that sent the item may; the item keeps its id, title, tags and history, its earlier file is
/// kept (see `GET …/versions`), and it is processed and reviewed again.
#[utoipa::path(put, path = "/api/v1/assets/{id}/file", tag = "assets",
    params(("id" = String, Path, description = "Asset id")),
    request_body(content = ReplaceFileSchema, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Replaced: the item, now `processing`", body = AssetJson),
        (status = 400, description = "`malformed-multipart`, `missing-file`, `multiple-files`, `missing-version`, `invalid-field`, `unknown-field`", body = crate::json::ErrorEnvelope),
        (status = 401, description = "Missing, invalid, revoked or expired token", body = crate::json::ErrorEnvelope),
        (status = 403, description = "`not-your-unit`; `forbidden` for editors, admins and partners", body = crate::json::ErrorEnvelope),
        (status = 404, body = crate::json::ErrorEnvelope),
        (status = 409, description = "`version-conflict` (the item changed since `version`), `not-returned`, `same-file`, `duplicate-file` (details: `asset_id`, the item that has these bytes), `shared-file` (another unit sent the same file), `case-has-no-file`", body = crate::json::ErrorEnvelope),
        (status = 413, description = "Over the kind's size limit", body = crate::json::ErrorEnvelope),
        (status = 415, description = "Unsupported type", body = crate::json::ErrorEnvelope),
        (status = 422, description = "`different-kind`: a file of another kind than the item", body = crate::json::ErrorEnvelope)))]
pub async fn replace_file(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    mut form_data: Multipart,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.actor();
    // Who may replace what is checked before a byte of the file is read.
    let kind = state.editorial.file_replacement(&actor, &id).await?;
    let mut version = None;
    let mut staged: Option<StagedUpload> = None;
    while let Some(mut field) = form_data.try_next().await.map_err(malformed)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                if staged.is_some() {
                    return Err(ApiError::bad_request(
                        "multiple-files",
                        "send one file to replace the item's file",
                    ));
                }
                let filename = field
                    .content_disposition()
                    .and_then(|cd| cd.get_filename())
                    .unwrap_or("upload")
                    .to_owned();
                crate::plain_text::refuse_control_characters("filename", &filename)?;
                let mut open = state
                    .ingestor
                    .start_upload(&filename, Some(kind))
                    .await
                    .map_err(IngestError::for_replacement)?;
                while let Some(chunk) = field.try_next().await.map_err(malformed)? {
                    open.write(&chunk)
                        .await
                        .map_err(IngestError::for_replacement)?;
                }
                staged = Some(open.finish().await.map_err(IngestError::for_replacement)?);
            }
            "version" => {
                if version.is_some() {
                    return Err(invalid_version("the field 'version' is given twice"));
                }
                let text = read_text(&mut field, "version", VERSION_FIELD_MAX).await?;
                let number = text
                    .trim()
                    .parse::<i32>()
                    .map_err(|_| invalid_version("the field 'version' must be a whole number"))?;
                version = Some(number);
            }
            other => {
                return Err(ApiError::bad_request(
                    "unknown-field",
                    format!(
                        "a file replacement has the fields 'version' and 'file', not '{other}'"
                    ),
                ));
            }
        }
    }
    let version = version.ok_or_else(|| {
        ApiError::bad_request(
            "missing-version",
            "the form has no 'version': send the item's version as you last saw it",
        )
    })?;
    let staged = staged
        .ok_or_else(|| ApiError::bad_request("missing-file", "the form has no 'file' part"))?;
    let record = state
        .editorial
        .replace_file(
            &actor,
            &id,
            version,
            staged,
            &state.ingestor,
            caller.member_id(),
        )
        .await?;
    let renditions = state.db.renditions_of(&record.asset.id).await?;
    let progress = state.db.progress_of(&[record.asset.id.as_str()]).await?;
    Ok(HttpResponse::Ok().json(
        AssetJson::from_record(record, renditions, caller.audience(), None)
            .with_progress(&progress),
    ))
}

fn invalid_version(message: &str) -> ApiError {
    ApiError::bad_request("invalid-field", message)
        .with_details(serde_json::json!({ "field": "version" }))
}

/// The files an item had before its current one, the first (number 1) first; empty when its
/// file was never replaced. For whoever may see the item.
#[utoipa::path(get, path = "/api/v1/assets/{id}/versions", tag = "assets",
    params(("id" = String, Path, description = "Asset id")),
    security(("bearer" = [])),
    responses((status = 200, body = [AssetVersionJson]),
              (status = 401, body = crate::json::ErrorEnvelope),
              (status = 404, body = crate::json::ErrorEnvelope)))]
pub async fn asset_versions(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let record = visible_asset(&caller, &state, &id).await?;
    let versions: Vec<AssetVersionJson> = state
        .db
        .asset_versions(&record.asset.id)
        .await?
        .into_iter()
        .map(|v| AssetVersionJson {
            number: v.number,
            blake3: v.blake3,
            size: v.size,
            mime: v.mime,
            original_filename: v.original_filename,
            replaced_at: v.replaced_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(versions))
}
