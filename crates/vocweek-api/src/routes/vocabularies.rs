use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::AppState;

/// The active campaign and its tag vocabularies (cities, categories with subcategories, themes).
#[utoipa::path(get, path = "/api/v1/vocabularies", tag = "vocabularies",
    responses((status = 200, description = "Campaign and vocabularies", body = vocweek_domain::Vocabulary)))]
pub async fn vocabularies(state: web::Data<AppState>) -> HttpResponse {
    let active = state.ingestor.campaign();
    let campaign = &active.campaign;
    HttpResponse::Ok().json(json!({
        "campaign": {
            "slug": campaign.slug,
            "year": campaign.year,
            "name_zh": campaign.name_zh,
            "name_en": campaign.name_en,
            "theme_zh": campaign.theme_zh,
            "theme_en": campaign.theme_en,
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
        },
        "cities": active.vocabulary.cities,
        "categories": active.vocabulary.categories,
        "themes": active.vocabulary.themes,
    }))
}
