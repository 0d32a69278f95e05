//! The unit-people service's refusals as the API answers them: one status and one stable code
//! for each case a client tells apart.

use actix_web::http::StatusCode;
use vocweek_app::MemberError;

use crate::ApiError;

impl From<MemberError> for ApiError {
    fn from(err: MemberError) -> Self {
        match err {
            MemberError::Forbidden(_) => ApiError::forbidden(err.to_string()),
            MemberError::NotFound(what) => ApiError::not_found(what),
            MemberError::Taken(_) => {
                ApiError::new(StatusCode::CONFLICT, "already-exists", err.to_string())
            }
            MemberError::Invalid(_) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-member",
                err.to_string(),
            ),
            MemberError::OwnAccount => {
                ApiError::new(StatusCode::CONFLICT, "own-account", err.to_string())
            }
            MemberError::TooMany(limit) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "too-many-members",
                err.to_string(),
            )
            .with_details(serde_json::json!({ "limit": limit })),
            MemberError::Database(err) => err.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use vocweek_app::MemberForbidden;
    use vocweek_db::DbError;

    use super::*;
    use crate::error_mapping_tests::assert_answers_saying;

    #[test]
    fn each_refusal_keeps_its_status_and_code() {
        assert_answers_saying::<MemberError>(vec![
            (
                MemberError::Forbidden(MemberForbidden::NotUnitAdmin),
                403,
                "forbidden",
                "unit admin",
            ),
            (
                MemberError::Forbidden(MemberForbidden::SharedToken),
                403,
                "forbidden",
                "upload token",
            ),
            (MemberError::NotFound("unit"), 404, "not-found", "unit"),
            (
                MemberError::Taken("zhang.san".to_owned()),
                409,
                "already-exists",
                "zhang.san",
            ),
            (
                MemberError::Invalid("username: 3 to 32 characters".to_owned()),
                422,
                "invalid-member",
                "username",
            ),
            (MemberError::OwnAccount, 409, "own-account", "own account"),
            (MemberError::TooMany(200), 422, "too-many-members", "200"),
            (
                MemberError::Database(DbError::Corrupt("a bad row".to_owned())),
                500,
                "internal",
                "internal error",
            ),
        ]);
    }
}
