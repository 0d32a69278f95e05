//! `POST /queue/{id}/edit`: the item page's title, description, tags, credit (作者/摄影) and
//! portrait consent, checked (the tags against the campaign's vocabulary) and saved at the
//! version the page showed, through the same editorial service as the API
//! (`vocweek_app::Editorial::edit`); the item's page then opens again, in the queue it was
//! opened from.

use actix_web::{HttpResponse, web};
use vocweek_api::AppState;
use vocweek_app::{EditInput, EditorialError, Invalid, TagEdit};
use vocweek_domain::TagInput;

use super::back::{Back, item_page};
use super::{back_to_item, editorial_error, see_other};
use crate::staff::StaffForm;

pub async fn edit(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: StaffForm,
) -> HttpResponse {
    let tags = TagInput {
        city: form.field("city"),
        category: form.field("category"),
        subcategory: form.field("subcategory"),
        themes: form
            .pairs
            .iter()
            .filter(|(k, _)| k == "themes")
            .map(|(_, v)| v.clone())
            .collect(),
    };
    // A version the page did not send matches no item: answered as the conflict it would be.
    let version = form
        .field("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1);
    // The page's form has the credit box beside the consent checkbox: an unticked box sends
    // nothing, so a form without the credit (an older page) leaves the consent as it is.
    let credit = form.field("credit");
    let portrait_consent = credit
        .is_some()
        .then(|| crate::form::ticked(&form.pairs, "portrait_consent"));
    let input = EditInput {
        version,
        // The form always has the title: an empty one is refused, not left as it was.
        title: Some(form.field("title").unwrap_or_default()),
        description: form.field("description"),
        tags: TagEdit::Replace(tags),
        credit,
        portrait_consent,
    };
    // The queue the page was opened from: the item's page stays in it after saving.
    let back = form.field("back").as_deref().and_then(Back::parse);
    let campaign = state.ingestor.campaign();
    match state
        .editorial
        .edit(&form.staff.actor(), &id, input, &campaign.vocabulary)
        .await
    {
        Ok(_) => see_other(&item_page(&id, back.as_ref())),
        Err(EditorialError::Invalid(Invalid::ControlCharacter { .. })) => {
            back_to_item(&id, "control", back.as_ref())
        }
        Err(EditorialError::Invalid(Invalid::Tags(_))) => back_to_item(&id, "tags", back.as_ref()),
        Err(EditorialError::Invalid(Invalid::Credit)) => back_to_item(&id, "credit", back.as_ref()),
        Err(EditorialError::Invalid(_)) => back_to_item(&id, "title", back.as_ref()),
        Err(EditorialError::Conflict { .. }) => back_to_item(&id, "conflict", back.as_ref()),
        Err(EditorialError::NotAllowed(_)) => back_to_item(&id, "state", back.as_ref()),
        Err(err) => editorial_error(err),
    }
}
