//! `DELETE /api/v1/assets/{id}`: an admin removes any asset; a unit withdraws one it sent
//! itself until an editor has approved it. A transcode running on it is cancelled (the worker
//! sees the asset gone); the blobs go after the database commit.

use actix_web::{HttpResponse, http::StatusCode, web};
use tracing::warn;
use vocweek_db::audit::Actor;
use vocweek_db::tokens::Principal;
use vocweek_domain::{AssetState, Role};

use super::assets::visible_asset;
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
    let record = visible_asset(&caller, &state, &id).await?;
    let actor = match &caller.0 {
        Principal::User {
            id,
            role: Role::Admin,
            ..
        } => Actor::User(*id),
        Principal::Unit { id, .. } if *id == record.asset.unit_id => {
            let decided = [AssetState::Approved, AssetState::Recommended]
                .iter()
                .any(|s| s.as_str() == record.asset.state);
            if decided {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "asset-decided",
                    "an approved item can no longer be withdrawn; ask the provincial office",
                ));
            }
            Actor::Unit(*id)
        }
        _ => {
            return Err(ApiError::forbidden(
                "only an administrator, or the unit that sent it, may delete an item",
            ));
        }
    };
    let Some(deleted) = state.db.delete_asset(&record.asset.id, actor).await? else {
        return Err(ApiError::not_found("asset"));
    };
    // After the commit: a failure here leaves orphan blobs (reported by fsck), never a row
    // pointing at nothing.
    let renditions = vocweek_storage::rendition_key(&deleted.id, "x")
        .map(|k| k.trim_end_matches("/x").to_owned());
    let original = vocweek_storage::original_key(&deleted.blake3);
    match (renditions, original) {
        (Ok(prefix), Ok(original)) => {
            if let Err(err) = state.store.delete_prefix(&prefix).await {
                warn!(error = %err, asset = %deleted.id, "renditions of a deleted asset remain");
            }
            // The same bytes may also be a unit's plan or summary report, which keeps them.
            let kept_as_document = state.db.document_uses_blob(&deleted.blake3).await?;
            if !kept_as_document && let Err(err) = state.store.delete(&original).await {
                warn!(error = %err, asset = %deleted.id, "the original of a deleted asset remains");
            }
        }
        _ => warn!(asset = %deleted.id, "cannot name the blobs of a deleted asset"),
    }
    Ok(HttpResponse::NoContent().finish())
}
