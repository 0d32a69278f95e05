//! The items an item probably duplicates (`metadata.similar_to`, which processing fills from
//! the photos' perceptual hashes), as the item page lists them under 疑似重复: those the editor
//! may see, each with its thumbnail and a link to the side-by-side comparison.

use actix_web::HttpResponse;
use vocweek_api::AppState;
use vocweek_app::EditorialError;
use vocweek_db::assets::Asset;

use super::cards::missing_picture;
use super::editorial_error;
use crate::layout::state_zh;
use crate::staff::Staff;

/// One probable duplicate.
pub(super) struct SimilarItem {
    pub id: String,
    pub title: String,
    pub state: &'static str,
    /// The state's slug, for the badge's colour class (`state-<slug>` in site.css).
    pub state_slug: &'static str,
    /// Shown instead of a thumbnail that does not exist.
    pub missing_picture: Option<&'static str>,
}

/// The ids `similar_to` names, closest first, each once, never the item itself.
fn similar_ids(asset: &Asset) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let listed = asset
        .metadata
        .get("similar_to")
        .and_then(|s| s.as_array())
        .map(Vec::as_slice)
        .unwrap_or_default();
    for id in listed.iter().filter_map(|s| s["asset_id"].as_str()) {
        if id != asset.id && !ids.iter().any(|seen| seen == id) {
            ids.push(id.to_owned());
        }
    }
    ids
}

/// The probable duplicates of `asset` that `staff` may see. Another desk's photo (or one
/// deleted since) is left out, as the rest of the queue never names it to this editor.
pub(super) async fn similar_items(
    state: &AppState,
    staff: &Staff,
    asset: &Asset,
) -> Result<Vec<SimilarItem>, HttpResponse> {
    let actor = staff.actor();
    let mut items = Vec::new();
    for id in similar_ids(asset) {
        match state.editorial.visible_asset(&actor, &id).await {
            Ok(record) => items.push(SimilarItem {
                id: record.asset.id.clone(),
                title: record.asset.title.clone(),
                state: state_zh(record.asset.state.as_str()),
                state_slug: record.asset.state.as_str(),
                missing_picture: missing_picture(&record.asset),
            }),
            Err(EditorialError::NotFound) => {}
            Err(err) => return Err(editorial_error(err)),
        }
    }
    Ok(items)
}
