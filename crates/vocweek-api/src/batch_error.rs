//! The batches service's refusals as the API answers them: one status and one stable code for
//! each case a client tells apart (the same as when the handlers held the rules).

use actix_web::http::StatusCode;
use serde_json::json;
use vocweek_app::batches::EarlierSending;
use vocweek_app::{BatchError, InvalidBatch};

use crate::ApiError;

impl From<BatchError> for ApiError {
    fn from(err: BatchError) -> Self {
        match err {
            BatchError::NotFound => ApiError::not_found("batch"),
            BatchError::Forbidden(forbidden) => ApiError::forbidden(forbidden.to_string()),
            BatchError::Sent { .. } => {
                ApiError::new(StatusCode::CONFLICT, "batch-sent", err.to_string())
            }
            BatchError::AlreadySentItems(ref earlier) => {
                ApiError::new(StatusCode::CONFLICT, "already-sent-item", err.to_string())
                    .with_details(already_sent_details(earlier))
            }
            BatchError::NoSuchItem(id) => ApiError::not_found(&format!("asset {id}")),
            BatchError::Invalid(invalid) => invalid_batch(invalid),
            // The export's failures before the first byte: logged in full, answered as ours.
            BatchError::Export(err) => ApiError::internal(&err),
            BatchError::Database(err) => err.into(),
        }
    }
}

/// Each item refused and the batch that sent it before, as the batch's own `already_sent`
/// names them, so a client shows both the same way.
fn already_sent_details(earlier: &[EarlierSending]) -> serde_json::Value {
    let items: Vec<serde_json::Value> = earlier
        .iter()
        .map(|sending| {
            json!({
                "asset_id": sending.asset_id,
                "batch_id": sending.batch_id,
                "batch_title": sending.batch_title,
                "sent_at": sending.sent_at,
            })
        })
        .collect();
    json!({ "items": items })
}

fn invalid_batch(invalid: InvalidBatch) -> ApiError {
    let message = invalid.to_string();
    match invalid {
        InvalidBatch::NoTitle | InvalidBatch::NoDesk => {
            ApiError::bad_request("invalid-field", message)
        }
        InvalidBatch::Desk(domain) => domain.into(),
        InvalidBatch::Twice(_) | InvalidBatch::NotRecommended { .. } | InvalidBatch::Empty => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vocweek_app::BatchForbidden;
    use vocweek_db::DbError;
    use vocweek_domain::Desk;

    use crate::error_mapping_tests::{assert_answer, assert_answers_saying};

    #[test]
    fn each_refusal_keeps_its_status_and_code() {
        let not_recommended = InvalidBatch::NotRecommended {
            id: "a1".to_owned(),
            state: "approved".to_owned(),
        };
        assert_answers_saying::<BatchError>(vec![
            (BatchError::NotFound, 404, "not-found", "batch not found"),
            (
                BatchForbidden::NotStaff.into(),
                403,
                "forbidden",
                "only editors and admins compose recommendation batches",
            ),
            (
                BatchError::Sent { id: 3 },
                409,
                "batch-sent",
                "batch 3 was already sent",
            ),
            (
                BatchError::NoSuchItem("a1".to_owned()),
                404,
                "not-found",
                "asset a1 not found",
            ),
            (
                InvalidBatch::NoTitle.into(),
                400,
                "invalid-field",
                "a batch needs a title",
            ),
            (
                InvalidBatch::NoDesk.into(),
                400,
                "invalid-field",
                "an admin names the batch's desk",
            ),
            (
                not_recommended.into(),
                422,
                "invalid",
                "asset a1 is approved, not recommended",
            ),
            (
                InvalidBatch::Twice("a1".to_owned()).into(),
                422,
                "invalid",
                "asset a1 is listed twice",
            ),
            (
                InvalidBatch::Empty.into(),
                422,
                "invalid",
                "an empty batch cannot be sent",
            ),
            (
                BatchError::Database(DbError::Corrupt("a bad row".to_owned())),
                500,
                "internal",
                "internal error",
            ),
        ]);
        let unknown_desk = InvalidBatch::Desk(Desk::parse("finance").unwrap_err());
        assert_answer(BatchError::from(unknown_desk), 422, "unknown-value");
        let earlier = EarlierSending {
            asset_id: "a1".to_owned(),
            batch_id: 2,
            batch_title: "第一批推荐".to_owned(),
            sent_at: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
        };
        let again = assert_answer(
            BatchError::AlreadySentItems(vec![earlier]),
            409,
            "already-sent-item",
        );
        assert!(
            again.message.contains("asset a1 in batch 2"),
            "{}",
            again.message
        );
        assert_eq!(
            again.details,
            serde_json::json!({ "items": [{
                "asset_id": "a1",
                "batch_id": 2,
                "batch_title": "第一批推荐",
                "sent_at": "1970-01-01T00:00:00Z",
            }] })
        );
    }
}
