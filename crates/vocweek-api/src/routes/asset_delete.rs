//! `DELETE /api/v1/assets/{id}`: an admin removes any asset; a unit withdraws one it sent
//! itself until an editor has approved it (`vocweek_app::Editorial::delete_asset`, which also
//! removes the blobs after the database commit). A transcode running on it is cancelled (the
//! worker sees the asset gone).

use actix_web::{HttpResponse, web};

use crate::auth::Caller;
use crate::{ApiError, AppState};

#[utoipa::path(delete, path = "/api/v1/assets/{id}", tag = "assets",
    params(("id" = String, Path, description = "Asset id")),
    security(("bearer" = [])),
    responses((status = 204, description = "Deleted, with its renditions and original"),
              (status = 403, body = crate::json::ErrorEnvelope),
              (status = 404, body = crate::json::ErrorEnvelope),
              (status = 409, body = crate::json::ErrorEnvelope, description = "`asset-decided`: approved items stay")))]
pub async fn delete_asset(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state.editorial.delete_asset(&caller.actor(), &id).await?;
    Ok(HttpResponse::NoContent().finish())
}
