//! `POST /queue/{id}/review`: an item page's decision form, through the same editorial service
//! as the API (`vocweek_app::Editorial::decide`); a refusal goes back to the item with its
//! message.

use actix_web::{HttpResponse, web};
use vocweek_api::AppState;
use vocweek_app::{DecisionInput, EditorialError, Invalid};

use super::{back_to_item, editorial_error, see_other};
use crate::staff::StaffForm;

pub async fn decide(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: StaffForm,
) -> HttpResponse {
    let action = form.field("action").unwrap_or_default();
    let note = form.field("note");
    // A version the page did not send matches no item: answered as the conflict it would be.
    let version = form
        .field("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1);
    let input = DecisionInput {
        action: &action,
        note: note.as_deref(),
        version,
    };
    match state
        .editorial
        .decide(&form.staff.actor(), &id, input)
        .await
    {
        Ok(_) => see_other("/queue"),
        Err(EditorialError::Invalid(Invalid::NoteRequired(_))) => back_to_item(&id, "note"),
        Err(EditorialError::Invalid(_)) => back_to_item(&id, "action"),
        Err(EditorialError::Conflict { .. }) => back_to_item(&id, "conflict"),
        Err(EditorialError::NotAllowed(_)) => back_to_item(&id, "state"),
        Err(err) => editorial_error(err),
    }
}
