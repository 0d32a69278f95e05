//! `GET /queue`: the desk's cards under the filter line, inside the bulk form, a page at a time.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use vocweek_api::AppState;
use vocweek_domain::{AssetState, Vocabulary};

use super::cards::{Card, CardContext};
use super::db_error;
use super::filters::{Filters, QueueQuery};
use crate::choices::{self, Select};
use crate::layout::{Frame, ok};
use crate::menu::Place;
use crate::staff::{Staff, urlencode};

#[derive(Template)]
#[template(path = "queue/list.html")]
struct ListPage {
    frame: Frame,
    csrf: String,
    filters: Vec<Select>,
    day: String,
    q: String,
    bulk_done: Option<BulkDone>,
    password_changed: bool,
    retag: Vec<Select>,
    cards: Vec<Card>,
    next_page: Option<String>,
    /// This queue's filters, percent-encoded for the cards' links (`/queue/{id}?back=…`): the
    /// item's page comes back here and goes on to the next item of the same queue.
    back: String,
}

/// The outcome of the bulk action the editor comes back from
/// (`?done=N&skipped=M&unconsented=K`).
struct BulkDone {
    done: usize,
    skipped: usize,
    /// Of the skipped, recommendations of items without portrait consent, not confirmed.
    unconsented: usize,
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<QueueQuery>,
) -> HttpResponse {
    page(&req, &state, &staff, Filters::read(query.into_inner()))
        .await
        .unwrap_or_else(|answer| answer)
}

async fn page(
    req: &HttpRequest,
    state: &AppState,
    staff: &Staff,
    filters: Filters,
) -> Result<HttpResponse, HttpResponse> {
    let campaign = state.ingestor.campaign();
    let vocabulary = &campaign.vocabulary;
    let listed = state
        .db
        .list_assets(staff.scope, &filters.asset_filter(vocabulary))
        .await
        .map_err(db_error)?;
    let processing: Vec<&str> = listed
        .items
        .iter()
        .filter(|r| r.asset.state == AssetState::Processing)
        .map(|r| r.asset.id.as_str())
        .collect();
    let progress = state.db.progress_of(&processing).await.map_err(db_error)?;
    // A few hundred rows at most (DOMAIN.md): cheaper than a join in the keyset query, and the
    // unit filter lists the desk's units from the same read.
    let all_units = state.db.units().await.map_err(db_error)?;
    let unit_names: HashMap<i32, String> =
        all_units.iter().map(|u| (u.id, u.name.clone())).collect();
    let context = CardContext {
        vocabulary,
        units: &unit_names,
        progress: &progress,
    };
    let csrf = staff.csrf();
    let page = ListPage {
        frame: Frame::staff(staff, "审核队列", Place::Queue),
        csrf,
        filters: filters.selects(vocabulary, &all_units, staff.scope),
        day: filters.day.clone().unwrap_or_default(),
        q: filters.q.clone().unwrap_or_default(),
        bulk_done: bulk_done(req),
        password_changed: crate::password_page::changed_notice(req),
        retag: retag_selects(vocabulary),
        cards: listed
            .items
            .iter()
            .map(|item| Card::new(item, &context))
            .collect(),
        next_page: listed
            .next_cursor
            .as_deref()
            .map(|cursor| filters.next_page(cursor)),
        back: urlencode(&filters.query()),
    };
    Ok(ok(&page))
}

/// The bulk form's re-tag selects: each starts at "leave as it is".
fn retag_selects(vocabulary: &Vocabulary) -> Vec<Select> {
    let cities = choices::cities(vocabulary);
    let categories = choices::categories(vocabulary);
    let themes = choices::themes(vocabulary);
    vec![
        Select::new("城市", "retag_city", Some("不变"), cities, None),
        Select::new("类别", "retag_category", Some("不变"), categories, None),
        Select::new("加主题", "retag_theme", Some("不加"), themes, None),
    ]
}

/// `?done=N&skipped=M&unconsented=K`, as the bulk action redirects.
fn bulk_done(req: &HttpRequest) -> Option<BulkDone> {
    let number = |key: &str| {
        req.query_string()
            .split('&')
            .find_map(|pair| pair.strip_prefix(key))
            .and_then(|v| v.parse::<usize>().ok())
    };
    let done = number("done=")?;
    Some(BulkDone {
        done,
        skipped: number("skipped=").unwrap_or(0),
        unconsented: number("unconsented=").unwrap_or(0),
    })
}
