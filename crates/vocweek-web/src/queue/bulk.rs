//! `POST /queue/bulk`: approve, reject (one reason for all), recommend or re-tag the cards the
//! editor ticked, each at the version the page showed, through the editorial service
//! (`vocweek_app::Editorial::decide_many`, `retag_many`); items someone else moved meanwhile,
//! or whose new tags do not validate, are skipped and counted, and so are the photos and videos
//! without portrait consent a recommendation did not confirm (counted apart).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use vocweek_api::AppState;
use vocweek_app::{BulkItem, BulkOutcome, EditorialError, Invalid};
use vocweek_domain::TagChange;

use super::{editorial_error, see_other};
use crate::layout::error_message;
use crate::staff::StaffForm;

pub async fn bulk(state: web::Data<AppState>, form: StaffForm) -> HttpResponse {
    // The re-tag button sends `action=retag` after the select's `action`: the last one wins.
    let action = form
        .pairs
        .iter()
        .rev()
        .find(|(k, _)| k == "action")
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    let (items, malformed) = selected(&form.pairs);
    let actor = form.staff.actor();
    let outcome = if action == "retag" {
        let chosen = |name: &str| form.field(name).filter(|v| !v.is_empty());
        // A new category clears the subcategory (it belonged to the old one); the theme is
        // added to each item's themes.
        let change = TagChange {
            city: chosen("retag_city"),
            category: chosen("retag_category"),
            add_themes: chosen("retag_theme").into_iter().collect(),
            ..TagChange::default()
        };
        let campaign = state.ingestor.campaign();
        state
            .editorial
            .retag_many(&actor, &items, &change, &campaign.vocabulary)
            .await
    } else {
        let note = form.field("note");
        let confirmed = crate::form::ticked(&form.pairs, "confirm_without_consent");
        state
            .editorial
            .decide_many(&actor, &items, &action, note.as_deref(), confirmed)
            .await
    };
    match outcome {
        Ok(BulkOutcome {
            done,
            skipped,
            without_consent,
        }) => {
            let mut location = format!("/queue?done={done}&skipped={}", skipped + malformed);
            if without_consent > 0 {
                location.push_str(&format!("&unconsented={without_consent}"));
            }
            see_other(&location)
        }
        Err(EditorialError::Invalid(Invalid::NoteRequired(_))) => error_message(
            StatusCode::BAD_REQUEST,
            "请求无效",
            "不通过时必须填写原因。",
        ),
        Err(EditorialError::Invalid(_)) => {
            error_message(StatusCode::BAD_REQUEST, "请求无效", "未知的操作。")
        }
        Err(err) => editorial_error(err),
    }
}

/// The cards the form selected (`ids` = `<id>:<version shown>`), and how many values were
/// malformed (counted as skipped).
fn selected(pairs: &[(String, String)]) -> (Vec<BulkItem>, usize) {
    let mut items = Vec::new();
    let mut malformed = 0usize;
    for value in pairs.iter().filter(|(k, _)| k == "ids").map(|(_, v)| v) {
        let parsed = value
            .split_once(':')
            .and_then(|(id, version)| Some((id, version.parse::<i32>().ok()?)));
        match parsed {
            Some((id, version)) => items.push(BulkItem {
                id: id.to_owned(),
                version,
            }),
            None => malformed += 1,
        }
    }
    (items, malformed)
}
