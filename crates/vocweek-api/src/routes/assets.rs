use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;
use vocweek_db::assets::{AssetFilter, AssetRecord};
use vocweek_domain::{AssetKind, AssetState, parse_date};

use crate::auth::Caller;
use crate::json::{AssetJson, AssetPageJson};
use crate::ranged::{Blob, serve};
use crate::tag_filters::TagFilters;
use crate::{ApiError, AppState};

const DEFAULT_PAGE: u64 = 50;
const MAX_PAGE: u64 = 200;

/// One asset. Units see what they submitted, editors their desk's, admins everything;
/// anything else is answered 404, as if it did not exist.
#[utoipa::path(get, path = "/api/v1/assets/{id}", tag = "assets",
    params(("id" = String, Path, description = "Asset id")),
    security(("bearer" = [])),
    responses((status = 200, body = AssetJson),
              (status = 401, body = crate::json::ErrorEnvelope),
              (status = 404, body = crate::json::ErrorEnvelope)))]
pub async fn get_asset(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let record = visible_asset(&caller, &state, &id).await?;
    let renditions = state.db.renditions_of(&record.asset.id).await?;
    let progress = state.db.progress_of(&[record.asset.id.as_str()]).await?;
    Ok(HttpResponse::Ok().json(
        AssetJson::from_record(record, renditions, caller.audience(), None)
            .with_progress(&progress),
    ))
}

/// A rendition's bytes (`thumb`, `preview`), for whoever may see the asset.
#[utoipa::path(get, path = "/api/v1/assets/{id}/renditions/{name}", tag = "assets",
    params(("id" = String, Path, description = "Asset id"), ("name" = String, Path, description = "Rendition name")),
    security(("bearer" = [])),
    responses((status = 200, description = "The file, in the rendition's own type: `thumb`, `preview` and `poster` WebP or JPEG; `picture-<n>` (an article's embedded picture) the picture's type; `text` plain text and `html` the sanitised preview of an article; `download` a video's MP4 (`audio/mp4` for sound only); `hls` the master playlist",
                  content(("image/webp"), ("image/jpeg"), ("image/*"), ("text/plain"), ("text/html"), ("video/mp4"), ("audio/mp4"), ("application/vnd.apple.mpegurl"))),
              (status = 206, description = "The requested byte range (`Range`), with `Content-Range`"),
              (status = 304, description = "Not modified (`If-None-Match` names the current `ETag`)"),
              (status = 404, body = crate::json::ErrorEnvelope),
              (status = 416, description = "The range starts past the end (`Content-Range: bytes */<size>`)")))]
pub async fn get_rendition(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, name) = path.into_inner();
    visible_asset(&caller, &state, &id).await?;
    let rendition = state
        .db
        .rendition(&id, &name)
        .await?
        .ok_or_else(|| ApiError::not_found("rendition"))?;
    // A rerun of the job writes a new row: the validator changes with it.
    let blob = Blob {
        key: &rendition.storage_key,
        size: rendition.size.max(0) as u64,
        etag: format!(
            "\"r{}-{}-{}\"",
            rendition.id,
            rendition.size,
            rendition.created_at.timestamp_millis()
        ),
    };
    serve(&req, state.store.as_ref(), blob, |response| {
        response
            .content_type(rendition.mime.clone())
            // Revalidated on every use (a 304 while the ETag holds): a unit may replace a
            // returned item's file, and its renditions come back under the same URL.
            .insert_header(("Cache-Control", "private, no-cache"))
            // Defence in depth for the sanitised HTML preview: no scripts, no foreign content.
            .insert_header(("X-Content-Type-Options", "nosniff"))
            .insert_header((
                "Content-Security-Policy",
                "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
            ));
    })
    .await
}

/// A file of a video's HLS stream (`master.m3u8`, a rendition playlist or a segment), for
/// whoever may see the asset; playlists name their files relative to this path, so a player
/// given `…/hls/master.m3u8` finds the rest.
#[utoipa::path(get, path = "/api/v1/assets/{id}/hls/{file}", tag = "assets",
    params(("id" = String, Path, description = "Asset id"), ("file" = String, Path, description = "`master.m3u8`, `720p.m3u8`, `720p_00000.ts`…")),
    security(("bearer" = [])),
    responses((status = 200, description = "The playlist or segment",
                  content(("application/vnd.apple.mpegurl"), ("video/mp2t"))),
              (status = 404, body = crate::json::ErrorEnvelope)))]
pub async fn get_hls_file(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, file) = path.into_inner();
    let content_type = hls_content_type(&file).ok_or_else(|| ApiError::not_found("HLS file"))?;
    visible_asset(&caller, &state, &id).await?;
    let key = vocweek_storage::rendition_key(&id, &format!("hls/{file}"))
        .map_err(|_| ApiError::not_found("HLS file"))?;
    let (reader, size) = state.store.open(&key).await.map_err(|e| match e {
        vocweek_storage::StorageError::NotFound(_) => ApiError::not_found("HLS file"),
        other => ApiError::internal(&other),
    })?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        // Not kept: a replaced file's stream comes back under the same names.
        .insert_header(("Cache-Control", "private, no-cache"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .no_chunking(size)
        .streaming(tokio_util::io::ReaderStream::with_capacity(
            reader,
            crate::ranged::STREAM_CHUNK,
        )))
}

/// Only the names a transcode writes: letters, digits and `_`, then `.m3u8` or `.ts`.
fn hls_content_type(file: &str) -> Option<&'static str> {
    let (stem, extension) = file.rsplit_once('.')?;
    let stem_ok = !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    match extension {
        "m3u8" if stem_ok => Some("application/vnd.apple.mpegurl"),
        "ts" if stem_ok => Some("video/mp2t"),
        _ => None,
    }
}

/// The asset if the caller may see it; otherwise 404, as if it did not exist.
pub(crate) async fn visible_asset(
    caller: &Caller,
    state: &AppState,
    id: &str,
) -> Result<AssetRecord, ApiError> {
    let scope = caller.read_scope()?;
    let record = state
        .db
        .asset(id)
        .await?
        .ok_or_else(|| ApiError::not_found("asset"))?;
    if !state.db.asset_visible(&record, scope).await? {
        return Err(ApiError::not_found("asset"));
    }
    Ok(record)
}

/// The original file as uploaded (same visibility as the asset).
#[utoipa::path(get, path = "/api/v1/assets/{id}/original", tag = "assets",
    params(("id" = String, Path, description = "Asset id")), security(("bearer" = [])),
    responses((status = 200, description = "The original bytes, in the type they were sent as, as a download"),
              (status = 206, description = "The requested byte range (`Range`), with `Content-Range`"),
              (status = 304, description = "Not modified (`If-None-Match` names the current `ETag`)"),
              (status = 404, body = crate::json::ErrorEnvelope),
              (status = 416, description = "The range starts past the end (`Content-Range: bytes */<size>`)")))]
pub async fn get_original(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let record = visible_asset(&caller, &state, &id).await?;
    let key =
        vocweek_storage::original_key(&record.asset.blake3).map_err(|e| ApiError::internal(&e))?;
    // An original is whatever a unit sent (an HTML article may hold scripts): it is always a
    // download, never rendered in this site's origin.
    // Stored bytes never change: their BLAKE3 is the validator (a replaced file is another
    // original, with another hash).
    let blob = Blob {
        key: &key,
        size: record.asset.size.max(0) as u64,
        etag: format!("\"{}\"", record.asset.blake3),
    };
    serve(&req, state.store.as_ref(), blob, |response| {
        response
            .content_type(record.asset.mime.clone())
            .insert_header(("X-Content-Type-Options", "nosniff"))
            .insert_header(("Content-Security-Policy", "default-src 'none'; sandbox"))
            .insert_header((
                "Content-Disposition",
                crate::disposition::content_disposition(
                    "attachment",
                    &record.asset.original_filename,
                ),
            ));
    })
    .await
}

/// Filters of the listing; tag filters take vocabulary slugs.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    pub state: Option<String>,
    pub kind: Option<String>,
    pub city: Option<String>,
    pub category: Option<String>,
    pub theme: Option<String>,
    /// A unit id.
    pub unit: Option<i32>,
    /// Activity date, `YYYY-MM-DD`.
    pub day: Option<String>,
    /// Text the title contains.
    pub q: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1 to 200, default 50.
    pub limit: Option<u64>,
    /// `newest` (default) or `oldest`.
    pub sort: Option<String>,
}

/// Assets newest first, keyset-paginated, within the caller's scope.
#[utoipa::path(get, path = "/api/v1/assets", tag = "assets", params(ListQuery),
    security(("bearer" = [])),
    responses((status = 200, body = AssetPageJson),
              (status = 400, body = crate::json::ErrorEnvelope),
              (status = 422, description = "unknown filter value", body = crate::json::ErrorEnvelope)))]
pub async fn list_assets(
    caller: Caller,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let scope = caller.read_scope()?;
    let filter = to_filter(&state, query.into_inner())?;
    let page = state.db.list_assets(scope, &filter).await?;
    let ids: Vec<String> = page.items.iter().map(|r| r.asset.id.clone()).collect();
    let processing: Vec<&str> = page
        .items
        .iter()
        .filter(|r| r.asset.state == AssetState::Processing)
        .map(|r| r.asset.id.as_str())
        .collect();
    let progress = state.db.progress_of(&processing).await?;
    let renditions = state.db.renditions_of_many(&ids).await?;
    let mut json = AssetPageJson::new(page, renditions, caller.audience());
    json.items = json
        .items
        .into_iter()
        .map(|item| item.with_progress(&progress))
        .collect();
    Ok(HttpResponse::Ok().json(json))
}

fn to_filter(state: &AppState, query: ListQuery) -> Result<AssetFilter, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid-query",
            format!("limit must be between 1 and {MAX_PAGE}"),
        ));
    }
    let tags = TagFilters::checked(
        &state.ingestor.campaign().vocabulary,
        query.city,
        query.category,
        query.theme,
    )?;
    Ok(AssetFilter {
        state: query.state.as_deref().map(AssetState::parse).transpose()?,
        kind: query.kind.as_deref().map(AssetKind::parse).transpose()?,
        city: tags.city,
        category: tags.category,
        theme: tags.theme,
        unit: query.unit,
        day: query
            .day
            .as_deref()
            .map(|d| parse_date("day", d))
            .transpose()?,
        title_contains: query.q.filter(|q| !q.trim().is_empty()),
        oldest_first: match query.sort.as_deref() {
            None | Some("") | Some("newest") => false,
            Some("oldest") => true,
            Some(other) => {
                return Err(ApiError::bad_request(
                    "invalid-query",
                    format!("sort must be 'newest' or 'oldest', not '{other}'"),
                ));
            }
        },
        cursor: query.cursor.filter(|c| !c.is_empty()),
        limit,
    })
}

#[cfg(test)]
mod tests {
    use super::hls_content_type;

    #[test]
    fn only_transcode_names_are_served() {
        assert_eq!(
            hls_content_type("master.m3u8"),
            Some("application/vnd.apple.mpegurl")
        );
        assert_eq!(hls_content_type("720p_00012.ts"), Some("video/mp2t"));
        assert_eq!(hls_content_type("../x.ts"), None);
        assert_eq!(hls_content_type("a.mp4"), None);
        assert_eq!(hls_content_type(".ts"), None);
    }
}
