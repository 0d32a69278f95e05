//! `POST /queue/bulk`: approve, reject (one reason for all), recommend or re-tag the cards the
//! editor ticked, each at the version the page showed; items someone else moved meanwhile, or
//! whose new tags do not validate, are skipped and counted.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use vocweek_api::AppState;
use vocweek_db::DbError;
use vocweek_db::assets::AssetRecord;
use vocweek_db::audit::Actor;
use vocweek_db::review::{AssetEdit, Decision};
use vocweek_domain::{ReviewAction, TagChange};

use super::{db_error, find_visible, see_other};
use crate::layout::error_message;
use crate::staff::{Staff, StaffForm};

pub async fn bulk(state: web::Data<AppState>, form: StaffForm) -> HttpResponse {
    // The re-tag button sends `action=retag` after the select's `action`: the last one wins.
    let action_name = form
        .pairs
        .iter()
        .rev()
        .find(|(k, _)| k == "action")
        .map(|(_, v)| v.trim().to_owned());
    let outcome = if action_name.as_deref() == Some("retag") {
        let change = RetagChange {
            city: form.field("retag_city").filter(|v| !v.is_empty()),
            category: form.field("retag_category").filter(|v| !v.is_empty()),
            theme: form.field("retag_theme").filter(|v| !v.is_empty()),
        };
        retag_each(&state, &form, &change).await
    } else {
        let Some(action) = action_name.and_then(|a| ReviewAction::parse(&a).ok()) else {
            return error_message(StatusCode::BAD_REQUEST, "请求无效", "未知的操作。");
        };
        let note = form.field("note").filter(|n| !n.is_empty());
        if action.needs_note() && note.is_none() {
            return error_message(
                StatusCode::BAD_REQUEST,
                "请求无效",
                "不通过时必须填写原因。",
            );
        }
        decide_each(&state, &form, action, note.as_deref()).await
    };
    match outcome {
        Ok(Counted { done, skipped }) => {
            see_other(&format!("/queue?done={done}&skipped={skipped}"))
        }
        Err(answer) => answer,
    }
}

/// Items changed, and items refused or skipped.
struct Counted {
    done: usize,
    skipped: usize,
}

/// The cards the form selected (`ids` = `<id>:<version shown>`) that this editor may see, with
/// the number of values that were malformed or not visible.
async fn selected_cards(
    state: &AppState,
    staff: &Staff,
    pairs: &[(String, String)],
) -> Result<(Vec<(AssetRecord, i32)>, usize), HttpResponse> {
    let mut cards = Vec::new();
    let mut refused = 0usize;
    for value in pairs.iter().filter(|(k, _)| k == "ids").map(|(_, v)| v) {
        let parsed = value
            .split_once(':')
            .and_then(|(id, version)| Some((id, version.parse::<i32>().ok()?)));
        let Some((id, version)) = parsed else {
            refused += 1;
            continue;
        };
        match find_visible(state, staff.scope, id)
            .await
            .map_err(db_error)?
        {
            Some(record) => cards.push((record, version)),
            None => refused += 1,
        }
    }
    Ok((cards, refused))
}

/// One decision for every selected card.
async fn decide_each(
    state: &AppState,
    form: &StaffForm,
    action: ReviewAction,
    note: Option<&str>,
) -> Result<Counted, HttpResponse> {
    let (cards, mut skipped) = selected_cards(state, &form.staff, &form.pairs).await?;
    let mut done = 0usize;
    for (record, version) in cards {
        let decision = Decision {
            asset_id: &record.asset.id,
            action,
            note,
            version,
            actor: Actor::User(form.staff.user_id),
        };
        match state.decide(decision).await {
            Ok(_) => done += 1,
            Err(DbError::Conflict(_) | DbError::Domain(_)) => skipped += 1,
            // Some items may already be decided: the count tells the editor, the log us.
            Err(err) => {
                tracing::error!(error = %err, "bulk decision failed");
                skipped += 1;
            }
        }
    }
    Ok(Counted { done, skipped })
}

/// What a bulk re-tag changes; `None` leaves that tag as each item has it.
struct RetagChange {
    city: Option<String>,
    /// A new category clears the subcategory (it belonged to the old one).
    category: Option<String>,
    /// Added to each item's themes.
    theme: Option<String>,
}

/// Re-tags each selected card through the same validation and edit as the item form.
async fn retag_each(
    state: &AppState,
    form: &StaffForm,
    change: &RetagChange,
) -> Result<Counted, HttpResponse> {
    let campaign = state.ingestor.campaign();
    let vocabulary = &campaign.vocabulary;
    let (cards, mut skipped) = selected_cards(state, &form.staff, &form.pairs).await?;
    let mut done = 0usize;
    for (record, version) in cards {
        let tag_change = TagChange {
            city: change.city.clone(),
            category: change.category.clone(),
            add_themes: change.theme.iter().cloned().collect(),
            ..TagChange::default()
        };
        let input = tag_change.over(&vocweek_api::current_tags(&record));
        let Ok(tags) = vocabulary.validate(&input, &record.asset.city) else {
            skipped += 1;
            continue;
        };
        let edit = AssetEdit {
            title: None,
            description: None,
            tags: Some(tags),
        };
        match state
            .db
            .edit_asset(
                &record.asset.id,
                version,
                edit,
                Actor::User(form.staff.user_id),
                false,
            )
            .await
        {
            Ok(_) => done += 1,
            Err(DbError::Conflict(_) | DbError::Domain(_)) => skipped += 1,
            // As for decisions: some items may already be re-tagged.
            Err(err) => {
                tracing::error!(error = %err, "bulk re-tag failed");
                skipped += 1;
            }
        }
    }
    Ok(Counted { done, skipped })
}
