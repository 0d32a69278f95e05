//! `POST /queue/{id}/review`: an item page's decision form, through the same editorial service
//! as the API (`vocweek_app::Editorial::decide`). A decision goes on to the next item of the
//! queue the page was opened from (the form's `back`), or back to that queue when it has no
//! more; a refusal goes back to the item with its message.

use actix_web::{HttpResponse, web};
use vocweek_api::AppState;
use vocweek_app::{DecisionInput, EditorialError, Invalid, NotAllowed};

use super::back::Back;
use super::{back_to_item, editorial_error, see_other};
use crate::staff::{Staff, StaffForm};

pub async fn decide(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: StaffForm,
) -> HttpResponse {
    let action = form.field("action").unwrap_or_default();
    let note = form.field("note");
    let back = form.field("back").as_deref().and_then(Back::parse);
    // A version the page did not send matches no item: answered as the conflict it would be.
    let version = form
        .field("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1);
    let input = DecisionInput {
        action: &action,
        note: note.as_deref(),
        version,
        // The 推荐 form's checkbox, there only when the item lacks portrait consent.
        confirm_without_consent: crate::form::ticked(&form.pairs, "confirm_without_consent"),
    };
    match state
        .editorial
        .decide(&form.staff.actor(), &id, input)
        .await
    {
        Ok(_) => onward(&state, &form.staff, &id, back.as_ref()).await,
        Err(EditorialError::Invalid(Invalid::NoteRequired(_))) => {
            back_to_item(&id, "note", back.as_ref())
        }
        Err(EditorialError::Invalid(_)) => back_to_item(&id, "action", back.as_ref()),
        Err(EditorialError::Conflict { .. }) => back_to_item(&id, "conflict", back.as_ref()),
        Err(EditorialError::NotAllowed(NotAllowed::ConsentUnconfirmed)) => {
            back_to_item(&id, "consent", back.as_ref())
        }
        Err(EditorialError::NotAllowed(_)) => back_to_item(&id, "state", back.as_ref()),
        Err(err) => editorial_error(err),
    }
}

/// Where the editor goes after deciding on `id`: the next item of their queue, that queue when
/// it has no more, the default queue for a page opened without one. The decision is made
/// whatever the lookup does, so a failed lookup goes to the queue rather than an error page.
async fn onward(state: &AppState, staff: &Staff, id: &str, back: Option<&Back>) -> HttpResponse {
    let Some(back) = back else {
        return see_other("/queue");
    };
    match back.next_after(state, staff, id).await {
        Ok(Some(next)) => see_other(&back.item_link(&next)),
        Ok(None) => see_other(&back.queue_link()),
        Err(err) => {
            tracing::warn!(asset = %id, error = %err, "finding the queue's next item failed");
            see_other(&back.queue_link())
        }
    }
}
