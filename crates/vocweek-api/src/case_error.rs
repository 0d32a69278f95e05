//! The cases and briefs services' refusals as the API answers them: one status and one stable
//! code for each case a client tells apart.

use actix_web::http::StatusCode;
use serde_json::json;
use vocweek_app::{BriefError, CaseError, InvalidCase};
use vocweek_pipeline::word::WordError;

use crate::ApiError;

impl From<CaseError> for ApiError {
    fn from(err: CaseError) -> Self {
        match err {
            CaseError::NotAUnit => ApiError::forbidden(err.to_string()),
            CaseError::Invalid(invalid) => invalid_case(invalid),
            CaseError::Attachment(ref id) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "attachment-not-allowed",
                err.to_string(),
            )
            .with_details(json!({ "asset_id": id })),
            CaseError::Ingest(err) => err.into(),
            CaseError::Document(err) => document_error(err),
            CaseError::Database(err) => err.into(),
        }
    }
}

fn invalid_case(invalid: InvalidCase) -> ApiError {
    let details = match &invalid {
        InvalidCase::SummaryTooLong { max }
        | InvalidCase::BodyTooLong { max }
        | InvalidCase::TooManyContacts { max }
        | InvalidCase::TooManyAttachments { max } => json!({ "max": max }),
        InvalidCase::ContactTooLong { index, field, max } => {
            json!({ "contact": index, "field": field, "max": max })
        }
        InvalidCase::ContactWithoutName { index } => json!({ "contact": index }),
        InvalidCase::AttachedTwice(id) => json!({ "asset_id": id }),
        InvalidCase::ControlCharacter(field) => json!({ "field": field }),
        InvalidCase::NoSummary | InvalidCase::NoBody => serde_json::Value::Null,
    };
    ApiError::bad_request(invalid.code(), invalid.to_string()).with_details(details)
}

/// A document that could not be written: a full disk (507), an unavailable store (503), or
/// ours (500).
fn document_error(err: WordError) -> ApiError {
    match err {
        WordError::Io(io) => ApiError::from_io(&io),
        WordError::Storage(storage) => storage.into(),
        WordError::Database(db) => db.into(),
        other => ApiError::internal(&other),
    }
}

impl From<BriefError> for ApiError {
    fn from(err: BriefError) -> Self {
        match err {
            BriefError::NotStaff | BriefError::NoDesk => ApiError::forbidden(err.to_string()),
            BriefError::Day(domain) => domain.into(),
            BriefError::NotACampaignDay { .. } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "not-a-campaign-day",
                err.to_string(),
            ),
            BriefError::NotYet { .. } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "day-not-yet",
                err.to_string(),
            ),
            BriefError::Document(err) => document_error(err),
            BriefError::Database(err) => err.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use vocweek_domain::parse_date;

    use crate::error_mapping_tests::{assert_answer, assert_answers};

    #[test]
    fn each_refusal_keeps_its_status_and_code() {
        assert_answers::<CaseError>(vec![
            (CaseError::NotAUnit, 403, "forbidden"),
            (
                InvalidCase::SummaryTooLong { max: 2000 }.into(),
                400,
                "summary-too-long",
            ),
            (
                InvalidCase::TooManyAttachments { max: 30 }.into(),
                400,
                "too-many-attachments",
            ),
            (
                CaseError::Attachment("a1".to_owned()),
                422,
                "attachment-not-allowed",
            ),
        ]);
        let contact = assert_answer(
            CaseError::from(InvalidCase::ContactTooLong {
                index: 2,
                field: "phone",
                max: 30,
            }),
            400,
            "contact-too-long",
        );
        assert_eq!(contact.details["field"], "phone");
        let full = CaseError::Document(WordError::Io(std::io::Error::from_raw_os_error(28)));
        assert_answer(full, 507, "insufficient-storage");

        let day = NaiveDate::from_ymd_opt(2021, 6, 1).unwrap_or_default();
        assert_answers::<BriefError>(vec![
            (BriefError::NotStaff, 403, "forbidden"),
            (BriefError::NoDesk, 403, "forbidden"),
            (
                BriefError::Day(parse_date("day", "tomorrow").unwrap_err()),
                422,
                "invalid-value",
            ),
            (
                BriefError::NotACampaignDay {
                    day,
                    starts_on: day,
                    ends_on: day,
                },
                422,
                "not-a-campaign-day",
            ),
        ]);
    }
}
