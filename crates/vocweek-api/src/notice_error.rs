//! The notices service's refusals as the API answers them: one status and one stable code for
//! each case a client tells apart.

use actix_web::http::StatusCode;
use vocweek_app::NoticeError;

use crate::ApiError;

impl From<NoticeError> for ApiError {
    fn from(err: NoticeError) -> Self {
        let message = err.to_string();
        match err {
            NoticeError::NotAUnit | NoticeError::NotStaff | NoticeError::NoDesk => {
                ApiError::forbidden(message)
            }
            NoticeError::NotFound => ApiError::not_found("notice"),
            NoticeError::NotACampaignDay(_) => {
                ApiError::new(StatusCode::CONFLICT, "not-a-campaign-day", message)
            }
            NoticeError::Database(err) => err.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use vocweek_db::DbError;

    use crate::error_mapping_tests::assert_answers_saying;

    #[test]
    fn each_refusal_keeps_its_status_and_code() {
        assert_answers_saying::<NoticeError>(vec![
            (
                NoticeError::NotAUnit,
                403,
                "forbidden",
                "notices belong to units",
            ),
            (
                NoticeError::NotStaff,
                403,
                "forbidden",
                "only the provincial desks remind units",
            ),
            (NoticeError::NoDesk, 403, "forbidden", "has no desk"),
            (NoticeError::NotFound, 404, "not-found", "notice not found"),
            (
                NoticeError::NotACampaignDay(NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()),
                409,
                "not-a-campaign-day",
                "2026-01-05 is not a day of the active campaign's week",
            ),
            (
                NoticeError::Database(DbError::Corrupt("a bad row".to_owned())),
                500,
                "internal",
                "internal error",
            ),
        ]);
    }
}
