use actix_web::{HttpResponse, web};

use crate::AppState;
use crate::reporting::view::CampaignVocabularyJson;

/// The active campaign and its tag vocabularies (cities, categories with subcategories, themes).
#[utoipa::path(get, path = "/api/v1/vocabularies", tag = "vocabularies",
    responses((status = 200, description = "Campaign and vocabularies", body = CampaignVocabularyJson)))]
pub async fn vocabularies(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(CampaignVocabularyJson::from(
        state.ingestor.campaign().as_ref(),
    ))
}
