//! The campaigns service's refusals as the API answers them: one status and one stable code
//! for each case a client tells apart (the same as when the handlers held the rules).

use actix_web::http::StatusCode;
use vocweek_app::CampaignError;

use crate::ApiError;

impl From<CampaignError> for ApiError {
    fn from(err: CampaignError) -> Self {
        match err {
            CampaignError::NotAdmin => ApiError::forbidden(err.to_string()),
            CampaignError::NotFound(slug) => ApiError::not_found(&format!("campaign '{slug}'")),
            CampaignError::Taken(_) => {
                ApiError::new(StatusCode::CONFLICT, "already-exists", err.to_string())
            }
            CampaignError::Invalid(domain) => domain.into(),
            CampaignError::Database(err) => err.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vocweek_db::DbError;
    use vocweek_domain::DomainError;

    use crate::error_mapping_tests::assert_answers_saying;

    #[test]
    fn each_refusal_keeps_its_status_and_code() {
        assert_answers_saying::<CampaignError>(vec![
            (
                CampaignError::NotAdmin,
                403,
                "forbidden",
                "only an administrator manages campaigns",
            ),
            (
                CampaignError::NotFound("shandong-1999".to_owned()),
                404,
                "not-found",
                "campaign 'shandong-1999' not found",
            ),
            (
                CampaignError::Taken("shandong-2022".to_owned()),
                409,
                "already-exists",
                "campaign 'shandong-2022' already exists",
            ),
            (
                CampaignError::Invalid(DomainError::InvalidValue("ends_on: x".to_owned())),
                422,
                "invalid-value",
                "ends_on",
            ),
            (
                CampaignError::Database(DbError::Corrupt("a bad row".to_owned())),
                500,
                "internal",
                "internal error",
            ),
        ]);
    }
}
