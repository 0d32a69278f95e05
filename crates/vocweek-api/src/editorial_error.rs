//! The editorial service's refusals as the API answers them: one status and one stable code
//! for each case a client tells apart.

use actix_web::http::StatusCode;
use serde_json::json;
use vocweek_app::{EditorialError, Forbidden, Invalid, NotAllowed};

use crate::ApiError;

impl From<EditorialError> for ApiError {
    fn from(err: EditorialError) -> Self {
        match err {
            EditorialError::NotFound => ApiError::not_found("asset"),
            EditorialError::Forbidden(Forbidden::NotYourUnit) => ApiError::new(
                StatusCode::FORBIDDEN,
                "not-your-unit",
                Forbidden::NotYourUnit.to_string(),
            ),
            EditorialError::Forbidden(other) => ApiError::forbidden(other.to_string()),
            // What the item looks like now, so the editor can decide again.
            EditorialError::Conflict { current, .. } => ApiError::new(
                StatusCode::CONFLICT,
                "version-conflict",
                "someone changed this item since you loaded it; reload and decide again",
            )
            .with_details(json!({
                "current_state": current.as_ref().map(|c| c.state.clone()),
                "current_version": current.as_ref().map(|c| c.version),
            })),
            EditorialError::NotAllowed(refusal) => not_allowed(refusal),
            EditorialError::Invalid(invalid) => invalid_input(invalid),
            // Another kind of file, the same file, another item's file, a size limit…
            EditorialError::Ingest(err) => err.into(),
            EditorialError::Storage(err) => err.into(),
            EditorialError::Database(err) => err.into(),
        }
    }
}

fn not_allowed(refusal: NotAllowed) -> ApiError {
    let code = match refusal {
        NotAllowed::Transition(domain) => return domain.into(),
        NotAllowed::NotReturned => "not-returned",
        NotAllowed::StillProcessing => "still-processing",
        NotAllowed::Decided => "asset-decided",
        NotAllowed::ConsentUnconfirmed => "consent-unconfirmed",
        NotAllowed::CaseHasNoFile => "case-has-no-file",
        NotAllowed::SharedFile => "shared-file",
        NotAllowed::NotAVideo => "not-a-video",
    };
    ApiError::new(StatusCode::CONFLICT, code, refusal.to_string())
}

fn invalid_input(invalid: Invalid) -> ApiError {
    let message = invalid.to_string();
    match invalid {
        Invalid::Action(domain) => domain.into(),
        Invalid::NoteRequired(_) => ApiError::bad_request("note-required", message),
        Invalid::Title => ApiError::bad_request("invalid-field", message),
        // The same code as an upload's over-long credit.
        Invalid::Credit => ApiError::bad_request("credit-too-long", message)
            .with_details(json!({ "field": "credit" })),
        Invalid::ControlCharacter { field, .. } => {
            ApiError::bad_request("invalid-field", message).with_details(json!({ "field": field }))
        }
        Invalid::ClipRange { length } => ApiError::bad_request("invalid-clip-range", message)
            .with_details(json!({ "field": "to_seconds", "duration_seconds": length })),
        Invalid::Tags(domain) => {
            let details = domain.details();
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "unknown-tag", message)
                .with_details(details)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vocweek_app::Conflicted;
    use vocweek_domain::ReviewAction;

    use crate::error_mapping_tests::{assert_answer, assert_answers};

    #[test]
    fn each_refusal_keeps_its_status_and_code() {
        assert_answers::<EditorialError>(vec![
            (EditorialError::NotFound, 404, "not-found"),
            (Forbidden::NotStaff.into(), 403, "forbidden"),
            (Forbidden::NotYourUnit.into(), 403, "not-your-unit"),
            (NotAllowed::NotReturned.into(), 409, "not-returned"),
            (NotAllowed::StillProcessing.into(), 409, "still-processing"),
            (NotAllowed::Decided.into(), 409, "asset-decided"),
            (NotAllowed::CaseHasNoFile.into(), 409, "case-has-no-file"),
            (NotAllowed::SharedFile.into(), 409, "shared-file"),
            (
                NotAllowed::ConsentUnconfirmed.into(),
                409,
                "consent-unconfirmed",
            ),
            (
                Invalid::NoteRequired(ReviewAction::Reject).into(),
                400,
                "note-required",
            ),
            (Invalid::Title.into(), 400, "invalid-field"),
            (Forbidden::NotSender.into(), 403, "forbidden"),
            (
                EditorialError::Ingest(vocweek_pipeline::IngestError::SameFile),
                409,
                "same-file",
            ),
            (Invalid::Credit.into(), 400, "credit-too-long"),
            (NotAllowed::NotAVideo.into(), 409, "not-a-video"),
            (
                Invalid::ClipRange { length: 60.0 }.into(),
                400,
                "invalid-clip-range",
            ),
        ]);
        let conflict = assert_answer(
            EditorialError::Conflict {
                id: "a".to_owned(),
                version: 2,
                current: Some(Conflicted {
                    state: "approved".to_owned(),
                    version: 3,
                }),
            },
            409,
            "version-conflict",
        );
        assert_eq!(conflict.details["current_state"], "approved");
        assert_eq!(conflict.details["current_version"], 3);
        let control = assert_answer(
            EditorialError::from(Invalid::ControlCharacter {
                field: "title",
                character: '\u{0}',
            }),
            400,
            "invalid-field",
        );
        assert_eq!(control.details["field"], "title");
        assert!(control.message.contains("U+0000"), "{}", control.message);
    }
}
