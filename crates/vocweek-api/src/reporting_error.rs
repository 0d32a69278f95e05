//! The reporting service's refusals as the API answers them: one status and one stable code
//! for each case a client tells apart (the same as when the handlers held the rules).

use actix_web::http::StatusCode;
use serde_json::json;
use vocweek_app::ReportingError;

use crate::ApiError;

impl From<ReportingError> for ApiError {
    fn from(err: ReportingError) -> Self {
        let message = err.to_string();
        match err {
            ReportingError::CampaignNotFound(slug) => {
                ApiError::not_found(&format!("campaign '{slug}'"))
            }
            ReportingError::UnitNotFound => ApiError::not_found("unit"),
            ReportingError::NotAUnit => ApiError::bad_request("not-a-unit", message),
            ReportingError::Forbidden(_) => ApiError::forbidden(message),
            ReportingError::NotYourUnit => {
                ApiError::new(StatusCode::FORBIDDEN, "not-your-unit", message)
            }
            ReportingError::CampaignClosed(_) => {
                ApiError::new(StatusCode::CONFLICT, "campaign-closed", message)
            }
            ReportingError::NotReporting { .. } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "not-a-reporting-unit",
                message,
            ),
            ReportingError::NothingToSave => ApiError::bad_request("nothing-to-save", message),
            ReportingError::InvalidFields(problems) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-fields", message)
                    .with_details(json!({ "problems": problems }))
            }
            ReportingError::AlreadySubmitted(_) => {
                ApiError::new(StatusCode::CONFLICT, "already-submitted", message)
            }
            ReportingError::VersionConflict => {
                ApiError::new(StatusCode::CONFLICT, "version-conflict", message)
            }
            ReportingError::Ingest(err) => err.into(),
            ReportingError::Database(err) => err.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vocweek_app::{Obligation, ReportForbidden};
    use vocweek_db::DbError;
    use vocweek_domain::UnitKind;
    use vocweek_domain::reporting::FieldProblem;

    use crate::error_mapping_tests::{assert_answer, assert_answers_saying};

    #[test]
    fn each_refusal_keeps_its_status_and_code() {
        assert_answers_saying::<ReportingError>(vec![
            (
                ReportingError::CampaignNotFound("shandong-1999".to_owned()),
                404,
                "not-found",
                "campaign 'shandong-1999' not found",
            ),
            (
                ReportingError::UnitNotFound,
                404,
                "not-found",
                "unit not found",
            ),
            (
                ReportingError::NotAUnit,
                400,
                "not-a-unit",
                "'me' names the calling unit",
            ),
            (
                ReportForbidden::Partner.into(),
                403,
                "forbidden",
                "partners read approved items, not units' reports",
            ),
            (
                ReportForbidden::OtherDesk.into(),
                403,
                "forbidden",
                "this unit reports to the other desk",
            ),
            (
                ReportingError::NotYourUnit,
                403,
                "not-your-unit",
                "only the unit itself submits its reports",
            ),
            (
                ReportingError::CampaignClosed("shandong-2021".to_owned()),
                409,
                "campaign-closed",
                "campaign 'shandong-2021' is not the active one",
            ),
            (
                ReportingError::NotReporting {
                    kind: UnitKind::CityHrBureau,
                    owed: Obligation::Statistics,
                },
                422,
                "not-a-reporting-unit",
                "a city_hr_bureau does not send this: city education bureaus",
            ),
            (
                ReportingError::NothingToSave,
                400,
                "nothing-to-save",
                "send 'website_url', 'liaison' or both",
            ),
            (
                ReportingError::AlreadySubmitted("the table was already submitted".to_owned()),
                409,
                "already-submitted",
                "the table was already submitted",
            ),
            (
                ReportingError::VersionConflict,
                409,
                "version-conflict",
                "the statistics table was changed by someone else",
            ),
            (
                ReportingError::Database(DbError::Corrupt("a bad row".to_owned())),
                500,
                "internal",
                "internal error",
            ),
        ]);
        let problems = vec![FieldProblem::new("teachers", "negative", "不能为负数")];
        let answer = assert_answer(
            ReportingError::InvalidFields(problems),
            422,
            "invalid-fields",
        );
        assert_eq!(answer.message, "please correct: teachers: 不能为负数");
        assert_eq!(answer.details["problems"][0]["field"], "teachers");
    }
}
