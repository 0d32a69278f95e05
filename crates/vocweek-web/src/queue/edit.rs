//! `POST /queue/{id}/edit`: the item page's title, description and tags, validated against
//! the campaign's vocabulary and saved at the version the page showed.

use actix_web::{HttpResponse, web};
use vocweek_api::AppState;
use vocweek_db::DbError;
use vocweek_db::audit::Actor;
use vocweek_db::review::AssetEdit;
use vocweek_domain::TagInput;

use super::{back_to_item, db_error, see_other, visible_record};
use crate::staff::{StaffForm, urlencode};

/// The longest title, in characters.
const TITLE_MAX: usize = 200;

pub async fn edit(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: StaffForm,
) -> HttpResponse {
    let staff = &form.staff;
    let record = match visible_record(&state, staff, &id).await {
        Ok(record) => record,
        Err(answer) => return answer,
    };
    let title = form.field("title").unwrap_or_default();
    if title.is_empty() || title.chars().count() > TITLE_MAX {
        return back_to_item(&id, "title");
    }
    let description = form.field("description").unwrap_or_default();
    if [&title, &description]
        .iter()
        .any(|text| vocweek_api::refuse_control_characters("title", text).is_err())
    {
        return back_to_item(&id, "control");
    }
    let input = TagInput {
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
    let Ok(tags) = state
        .ingestor
        .campaign()
        .vocabulary
        .validate(&input, &record.asset.city)
    else {
        return back_to_item(&id, "tags");
    };
    // A version the page did not send matches no item: answered as the conflict it would be.
    let version = form
        .field("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1);
    let edit = AssetEdit {
        title: Some(title),
        description: form.field("description"),
        tags: Some(tags),
    };
    match state
        .db
        .edit_asset(&id, version, edit, Actor::User(staff.user_id), false)
        .await
    {
        Ok(_) => see_other(&format!("/queue/{}", urlencode(&id))),
        Err(DbError::Conflict(_)) => back_to_item(&id, "conflict"),
        Err(err) => db_error(err),
    }
}
