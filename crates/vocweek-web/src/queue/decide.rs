//! `POST /queue/{id}/review`: an item page's decision form, through the same review service as
//! the API; a refusal goes back to the item with its message.

use actix_web::{HttpResponse, web};
use vocweek_api::AppState;
use vocweek_db::DbError;
use vocweek_db::audit::Actor;
use vocweek_db::review::Decision;
use vocweek_domain::ReviewAction;

use super::{back_to_item, db_error, see_other, visible_record};
use crate::staff::StaffForm;

pub async fn decide(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: StaffForm,
) -> HttpResponse {
    let staff = &form.staff;
    if let Err(answer) = visible_record(&state, staff, &id).await {
        return answer;
    }
    let Some(action) = form
        .field("action")
        .and_then(|a| ReviewAction::parse(&a).ok())
    else {
        return back_to_item(&id, "action");
    };
    let note = form.field("note").filter(|n| !n.is_empty());
    if action.needs_note() && note.is_none() {
        return back_to_item(&id, "note");
    }
    // A version the page did not send matches no item: answered as the conflict it would be.
    let version = form
        .field("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1);
    let decision = Decision {
        asset_id: &id,
        action,
        note: note.as_deref(),
        version,
        actor: Actor::User(staff.user_id),
    };
    match state.decide(decision).await {
        Ok(_) => see_other("/queue"),
        Err(DbError::Conflict(_)) => back_to_item(&id, "conflict"),
        Err(DbError::Domain(_)) => back_to_item(&id, "state"),
        Err(err) => db_error(err),
    }
}
