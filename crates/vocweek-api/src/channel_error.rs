//! The channels service's refusals as the API answers them: one status and one stable code
//! for each case a client tells apart.

use actix_web::http::StatusCode;
use vocweek_app::ChannelError;

use crate::ApiError;

impl From<ChannelError> for ApiError {
    fn from(err: ChannelError) -> Self {
        let message = err.to_string();
        match err {
            ChannelError::NotAllowed => ApiError::forbidden(message),
            ChannelError::NotFound => ApiError::not_found("live channel"),
            // A player asks again: the channel may go live any moment.
            ChannelError::NotLive => {
                ApiError::new(StatusCode::NOT_FOUND, "channel-not-live", message)
            }
            ChannelError::Invalid(_) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-channel", message)
            }
            ChannelError::Database(err) => err.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vocweek_db::DbError;

    use crate::error_mapping_tests::assert_answers_saying;

    #[test]
    fn each_refusal_keeps_its_status_and_code() {
        assert_answers_saying::<ChannelError>(vec![
            (
                ChannelError::NotAllowed,
                403,
                "forbidden",
                "manage a live channel",
            ),
            (
                ChannelError::NotFound,
                404,
                "not-found",
                "live channel not found",
            ),
            (ChannelError::NotLive, 404, "channel-not-live", "not live"),
            (
                ChannelError::Invalid("title: a title is required".to_owned()),
                422,
                "invalid-channel",
                "title: a title is required",
            ),
            (
                ChannelError::Database(DbError::Corrupt("a bad row".to_owned())),
                500,
                "internal",
                "internal error",
            ),
        ]);
    }
}
