//! 推荐批次: compose a batch for the Ministry from recommended items, order it, send it, export it.
//! Who may see and change which batch is `vocweek_app::Batches`'s, as for the JSON API; these
//! pages read the forms and tell the outcome. Each item is shown with its thumbnail, kind, unit
//! and city (`rows`), marked 已报送过 when another batch already sent it; sending such an item
//! again asks for 仍然报送 (`resend`); a sent batch lists what changed after it (`changes`).

mod changes;
mod resend;
mod rows;

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use vocweek_api::{ApiError, AppState};
use vocweek_app::{BatchError, NewBatch};
use vocweek_db::batches::{DRAFT, SENT};

use crate::error_page::ErrorPage;
use crate::layout::{Frame, MessagePage, beijing, html, ok};
use crate::menu::Place;
use crate::staff::{Staff, StaffForm};
use changes::ChangeRow;
use rows::{ItemRow, RowContext};

const TITLE: &str = "推荐批次";

#[derive(Template)]
#[template(path = "batches/list.html")]
struct ListPage {
    frame: Frame,
    csrf: String,
    rows: Vec<BatchRow>,
    /// An admin picks the desk; an editor's batch is their desk's.
    choose_desk: bool,
}

struct BatchRow {
    id: i32,
    title: String,
    state: &'static str,
    created: String,
}

#[derive(Template)]
#[template(path = "batches/show.html")]
struct ShowPage {
    frame: Frame,
    csrf: String,
    id: i32,
    title: String,
    note: String,
    /// A draft is edited on the page; a sent batch is read-only.
    draft: bool,
    items: Vec<ItemRow>,
    /// The desk's recommended items not in the batch yet (a draft's only).
    candidates: Vec<ItemRow>,
    sent_at: String,
    /// How many of a draft's items another batch already sent: sending asks for 仍然报送.
    resend_count: usize,
    /// 报送后修改: what was done to a sent batch's items after it was sent.
    changes: Vec<ChangeRow>,
}

#[derive(Template)]
#[template(path = "batches/missing.html")]
struct MissingPage {
    frame: Frame,
}

fn frame(staff: &Staff) -> Frame {
    Frame::staff(staff, TITLE, Place::Batches)
}

/// Why the form was not taken, one sentence on a page of 推荐批次.
fn refusal(status: StatusCode, staff: &Staff, text: impl Into<String>) -> HttpResponse {
    html(
        status,
        &MessagePage {
            frame: frame(staff),
            class: "error",
            text: text.into(),
        },
    )
}

fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", to.to_owned()))
        .finish()
}

pub async fn list(staff: Staff, state: web::Data<AppState>) -> HttpResponse {
    let batches = match state.batches.list(&staff.actor()).await {
        Ok(batches) => batches,
        Err(err) => return ApiError::from(err).page(),
    };
    let rows = batches
        .iter()
        .map(|b| BatchRow {
            id: b.batch.id,
            title: b.batch.title.clone(),
            state: if b.batch.state == SENT {
                "已报送"
            } else {
                "草稿"
            },
            created: beijing(b.batch.created_at),
        })
        .collect();
    ok(&ListPage {
        frame: frame(&staff),
        csrf: staff.csrf(),
        rows,
        choose_desk: staff.desk().is_none(),
    })
}

pub async fn create(state: web::Data<AppState>, form: StaffForm) -> HttpResponse {
    let staff = &form.staff;
    let title = form.field("title").unwrap_or_default();
    let note = form.field("note").unwrap_or_default();
    let desk = form.field("desk");
    let new = NewBatch {
        title: &title,
        note: &note,
        desk: desk.as_deref(),
    };
    match state.batches.create(&staff.actor(), new).await {
        Ok(batch) => redirect(&format!("/batches/{}", batch.batch.id)),
        // No title, or an admin's batch without a desk (or with one that is not a desk).
        Err(BatchError::Invalid(_)) => {
            refusal(StatusCode::BAD_REQUEST, staff, "批次需要标题和处室。")
        }
        Err(err) => ApiError::from(err).page(),
    }
}

pub async fn show(staff: Staff, state: web::Data<AppState>, id: web::Path<i32>) -> HttpResponse {
    let actor = staff.actor();
    let batch = match state.batches.batch(&actor, *id).await {
        Ok(batch) => batch,
        Err(err) => return unreached(err, &staff),
    };
    // The desk's recommended items not in the batch yet (none for a sent batch).
    let candidates = match state.batches.candidates(&actor, &batch).await {
        Ok(candidates) => candidates,
        Err(err) => return unreached(err, &staff),
    };
    let marks = match state.batches.marks(&actor, &batch, &candidates).await {
        Ok(marks) => marks,
        Err(err) => return unreached(err, &staff),
    };
    // A few hundred rows at most, as on the queue's page.
    let units: HashMap<i32, String> = match state.db.units().await {
        Ok(units) => units.into_iter().map(|unit| (unit.id, unit.name)).collect(),
        Err(err) => return ApiError::from(err).page(),
    };
    let campaign = state.ingestor.campaign();
    let context = RowContext {
        vocabulary: &campaign.vocabulary,
        units: &units,
        already_sent: &marks.already_sent,
    };
    let items: Vec<ItemRow> = batch
        .items
        .iter()
        .map(|item| ItemRow::new(item, &context))
        .collect();
    let titles: HashMap<&str, &str> = batch
        .items
        .iter()
        .map(|item| (item.asset.id.as_str(), item.asset.title.as_str()))
        .collect();
    ok(&ShowPage {
        frame: frame(&staff),
        csrf: staff.csrf(),
        id: batch.batch.id,
        title: batch.batch.title.clone(),
        note: batch.batch.note.clone(),
        draft: batch.batch.state == DRAFT,
        resend_count: items
            .iter()
            .filter(|item| !item.sent_before.is_empty())
            .count(),
        items,
        candidates: candidates
            .iter()
            .map(|item| ItemRow::new(item, &context))
            .collect(),
        sent_at: batch.batch.sent_at.map(beijing).unwrap_or_default(),
        changes: marks
            .changed_after_send
            .iter()
            .map(|event| ChangeRow::new(event, &titles, &campaign.vocabulary))
            .collect(),
    })
}

/// 没有这个批次 (404) for a batch that is missing or of another desk; the error page for
/// anything else, so an outage is never told as a missing batch.
fn unreached(err: BatchError, staff: &Staff) -> HttpResponse {
    match err {
        BatchError::NotFound => html(
            StatusCode::NOT_FOUND,
            &MissingPage {
                frame: frame(staff),
            },
        ),
        other => ApiError::from(other).page(),
    }
}

/// A change refused (a sent batch, an item no longer recommended, an empty batch to send) is
/// told on the page with 422; a missing batch is 没有这个批次; a failure of the database itself
/// is the error page.
fn refused(err: BatchError, staff: &Staff) -> HttpResponse {
    match err {
        BatchError::Sent { .. } | BatchError::NoSuchItem(_) | BatchError::Invalid(_) => {
            refusal(StatusCode::UNPROCESSABLE_ENTITY, staff, err.to_string())
        }
        // What the data layer refused as it wrote (an item moved meanwhile) is a refusal too.
        BatchError::Database(err) => {
            let text = err.to_string();
            let api_error = ApiError::from(err);
            if api_error.status.is_server_error() {
                return api_error.page();
            }
            refusal(StatusCode::UNPROCESSABLE_ENTITY, staff, text)
        }
        other => unreached(other, staff),
    }
}

/// Saves the order (`pos_<id>`), removals (`drop`) and additions (`add`, appended in order).
pub async fn save_items(
    state: web::Data<AppState>,
    id: web::Path<i32>,
    form: StaffForm,
) -> HttpResponse {
    let staff = &form.staff;
    let pairs = &form.pairs;
    let dropped: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "drop")
        .map(|(_, v)| v.as_str())
        .collect();
    let mut kept: Vec<(f64, usize, String)> = pairs
        .iter()
        .filter(|(k, _)| k == "ids")
        .map(|(_, v)| v.clone())
        .filter(|v| !dropped.contains(&v.as_str()))
        .enumerate()
        .map(|(n, v)| {
            let position = form
                .field(&format!("pos_{v}"))
                .and_then(|p| p.parse().ok())
                .unwrap_or(n as f64 + 1.0);
            (position, n, v)
        })
        .collect();
    kept.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut ids: Vec<String> = kept.into_iter().map(|(_, _, v)| v).collect();
    ids.extend(
        pairs
            .iter()
            .filter(|(k, _)| k == "add")
            .map(|(_, v)| v.clone()),
    );
    match state.batches.set_items(&staff.actor(), *id, &ids).await {
        Ok(_) => redirect(&format!("/batches/{id}")),
        Err(err) => refused(err, staff),
    }
}

/// Sends the batch; `confirm_resend` (the 仍然报送 box, or the confirmation page's button)
/// sends items another batch already sent. Without it such items are refused with a page that
/// names them and asks for the confirmation.
pub async fn send(state: web::Data<AppState>, id: web::Path<i32>, form: StaffForm) -> HttpResponse {
    let staff = &form.staff;
    let confirm_resend = form
        .field("confirm_resend")
        .is_some_and(|value| !value.is_empty());
    match state
        .batches
        .send(&staff.actor(), *id, confirm_resend)
        .await
    {
        Ok(_) => redirect(&format!("/batches/{id}")),
        Err(BatchError::AlreadySentItems(earlier)) => {
            resend::confirmation(&state, staff, *id, &earlier).await
        }
        Err(err) => refused(err, staff),
    }
}
