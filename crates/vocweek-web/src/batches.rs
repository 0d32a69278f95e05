//! 推荐批次: compose a batch for the Ministry from recommended items, order it, send it, export it.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use vocweek_api::{ApiError, AppState};
use vocweek_db::DbError;
use vocweek_db::assets::{AssetFilter, AssetRecord, Scope};
use vocweek_db::audit::Actor;
use vocweek_db::batches::{BatchRecord, DRAFT, SENT};
use vocweek_domain::{AssetState, Desk};

use crate::error_page::ErrorPage;
use crate::layout::{Frame, MessagePage, beijing, html, ok};
use crate::staff::{Staff, StaffForm};

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
    items: Vec<Item>,
    /// The desk's recommended items not in the batch yet (a draft's only).
    candidates: Vec<Item>,
    sent_at: String,
}

struct Item {
    id: String,
    title: String,
}

impl Item {
    fn of(record: &AssetRecord) -> Item {
        Item {
            id: record.asset.id.clone(),
            title: record.asset.title.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "batches/missing.html")]
struct MissingPage {
    frame: Frame,
}

fn frame(staff: &Staff) -> Frame {
    Frame::staff(TITLE, staff.csrf())
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
    let batches = match state.db.batches(staff.desk()).await {
        Ok(batches) => batches,
        Err(err) => return ApiError::from(err).page(),
    };
    let rows = batches
        .iter()
        .map(|b| BatchRow {
            id: b.id,
            title: b.title.clone(),
            state: if b.state == SENT {
                "已报送"
            } else {
                "草稿"
            },
            created: beijing(b.created_at),
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
    let desk = staff
        .desk()
        .or_else(|| form.field("desk").and_then(|d| Desk::parse(&d).ok()));
    let (Some(desk), false) = (desk, title.is_empty()) else {
        return refusal(StatusCode::BAD_REQUEST, staff, "批次需要标题和处室。");
    };
    let campaign = state.ingestor.campaign().campaign.id;
    let note = form.field("note").unwrap_or_default();
    match state
        .db
        .create_batch(campaign, desk, &title, &note, staff.user_id)
        .await
    {
        Ok(batch) => redirect(&format!("/batches/{}", batch.id)),
        Err(err) => ApiError::from(err).page(),
    }
}

pub async fn show(staff: Staff, state: web::Data<AppState>, id: web::Path<i32>) -> HttpResponse {
    let batch = match own(&state, &staff, *id).await {
        Ok(batch) => batch,
        Err(answer) => return answer,
    };
    let draft = batch.batch.state == DRAFT;
    let candidates = if draft {
        match candidates(&state, &batch).await {
            Ok(candidates) => candidates,
            Err(err) => return ApiError::from(err).page(),
        }
    } else {
        Vec::new()
    };
    ok(&ShowPage {
        frame: frame(&staff),
        csrf: staff.csrf(),
        id: batch.batch.id,
        title: batch.batch.title.clone(),
        note: batch.batch.note.clone(),
        draft,
        items: batch.items.iter().map(Item::of).collect(),
        candidates,
        sent_at: batch.batch.sent_at.map(beijing).unwrap_or_default(),
    })
}

/// Recommended items of the batch's desk not in the batch yet.
async fn candidates(state: &AppState, batch: &BatchRecord) -> Result<Vec<Item>, DbError> {
    let filter = AssetFilter {
        state: Some(AssetState::Recommended),
        limit: 200,
        ..AssetFilter::default()
    };
    let scope = Scope::Desk(Desk::parse(&batch.batch.desk).unwrap_or(Desk::Edu));
    let page = state.db.list_assets(scope, &filter).await?;
    Ok(page
        .items
        .iter()
        .filter(|item| !batch.items.iter().any(|i| i.asset.id == item.asset.id))
        .map(Item::of)
        .collect())
}

/// The batch if this person's desk may see it; else 没有这个批次 (404), or the error page when
/// the database failed, so an outage is never told as a missing batch.
async fn own(state: &AppState, staff: &Staff, id: i32) -> Result<BatchRecord, HttpResponse> {
    let desk = staff.desk();
    match state.db.batch(id).await {
        Ok(Some(batch)) if desk.is_none_or(|d| batch.batch.desk == d.as_str()) => Ok(batch),
        Ok(_) => Err(html(
            StatusCode::NOT_FOUND,
            &MissingPage {
                frame: frame(staff),
            },
        )),
        Err(err) => Err(ApiError::from(err).page()),
    }
}

/// A change the database refused (a sent batch, an item no longer recommended) is told on the
/// page with 422; a failure of the database itself is the error page.
fn refused(err: DbError, staff: &Staff) -> HttpResponse {
    let text = err.to_string();
    let api_error = ApiError::from(err);
    if api_error.status.is_server_error() {
        return api_error.page();
    }
    refusal(StatusCode::UNPROCESSABLE_ENTITY, staff, text)
}

/// Saves the order (`pos_<id>`), removals (`drop`) and additions (`add`, appended in order).
pub async fn save_items(
    state: web::Data<AppState>,
    id: web::Path<i32>,
    form: StaffForm,
) -> HttpResponse {
    let staff = &form.staff;
    if let Err(answer) = own(&state, staff, *id).await {
        return answer;
    }
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
    match state.db.set_batch_items(*id, &ids).await {
        Ok(_) => redirect(&format!("/batches/{id}")),
        Err(err) => refused(err, staff),
    }
}

pub async fn send(state: web::Data<AppState>, id: web::Path<i32>, form: StaffForm) -> HttpResponse {
    let staff = &form.staff;
    if let Err(answer) = own(&state, staff, *id).await {
        return answer;
    }
    match state.db.send_batch(*id, Actor::User(staff.user_id)).await {
        Ok(_) => redirect(&format!("/batches/{id}")),
        Err(err) => refused(err, staff),
    }
}
