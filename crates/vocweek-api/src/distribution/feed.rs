//! `GET /api/v1/feed`: approved items in approval order, resumable by cursor, optionally
//! waiting for the next one (long-poll).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vocweek_db::assets::AssetRecord;
use vocweek_db::feed::{ENDED, FeedEvent, FeedQuery, LIVE, PUBLISHED, is_public};
use vocweek_db::renditions::Rendition;
use vocweek_domain::{AssetKind, parse_date, parse_timestamp};

use super::caller::reader;
use super::feed_channel::partner_channel;
use super::feed_item::{FeedItemJson, Links, cursor_of, item, parse_cursor};
use crate::auth::Caller;
use crate::tag_filters::TagFilters;
use crate::{ApiError, AppState};

const DEFAULT_LIMIT: u64 = 100;
const MAX_LIMIT: u64 = 500;

#[derive(Debug, Deserialize, IntoParams)]
pub struct FeedParams {
    /// `next_cursor` of the previous answer; leave out to start from the beginning.
    cursor: Option<String>,
    /// 1–500, default 100.
    limit: Option<u64>,
    /// `photo`, `video` or `article`.
    kind: Option<String>,
    city: Option<String>,
    category: Option<String>,
    theme: Option<String>,
    /// Without a cursor: start at this time (RFC 3339) or day (`2021-05-24`, Asia/Shanghai).
    since: Option<String>,
    /// Seconds to wait for a new entry when there is none (long-poll), at most 60.
    wait: Option<u64>,
}

/// One page of the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedJson {
    pub items: Vec<FeedItemJson>,
    /// Pass it as `cursor` next time (also when `items` is empty).
    pub next_cursor: String,
    /// More entries are waiting: ask again at once.
    pub has_more: bool,
}

/// The partner feed. Every approval appears exactly once, in approval order, also while
/// approvals happen concurrently; an item withdrawn after approval (rejected, reopened,
/// deleted) appears as a `withdrawn` tombstone, and only its latest event is shown. Live
/// events appear as `live` (with their channel's playlists) and then `ended` (with the replay
/// item's id), under the id the replay item takes.
#[utoipa::path(get, path = "/api/v1/feed", tag = "distribution",
    params(FeedParams),
    security(("bearer" = [])),
    responses((status = 200, body = FeedJson),
              (status = 400, body = crate::json::ErrorEnvelope),
              (status = 403, body = crate::json::ErrorEnvelope),
              (status = 422, body = crate::json::ErrorEnvelope),
              (status = 429, body = crate::json::ErrorEnvelope)))]
pub async fn get_feed(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    params: web::Query<FeedParams>,
) -> Result<HttpResponse, ApiError> {
    reader(&caller, &state)?;
    let params = params.into_inner();
    let wait =
        Duration::from_secs(params.wait.unwrap_or(0)).min(state.distribution.settings.max_wait);
    let query = feed_query(&state, params)?;
    let deadline = Instant::now() + wait;
    let mut events = page(&state, &query).await?;
    while events.is_empty() && Instant::now() < deadline {
        // Woken by this node's approvals; other nodes' are found by looking again.
        let nap = deadline
            .saturating_duration_since(Instant::now())
            .min(Duration::from_secs(1));
        let _ = tokio::time::timeout(nap, state.distribution.feed_changed.notified()).await;
        events = page(&state, &query).await?;
    }
    let has_more = events.len() as u64 > query.limit;
    events.truncate(query.limit as usize);
    let base = media_base_url(&req, &state);
    let items = items(&state, &events, &base).await?;
    let next_cursor = cursor_of(events.last().map_or(query.after, |e| e.id));
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(FeedJson {
            items,
            next_cursor,
            has_more,
        }))
}

/// One more than asked, to tell whether more are waiting.
async fn page(state: &AppState, query: &FeedQuery) -> Result<Vec<FeedEvent>, ApiError> {
    let mut bigger = query.clone();
    bigger.limit = query.limit + 1;
    Ok(state.db.feed_page(&bigger).await?)
}

fn feed_query(state: &AppState, params: FeedParams) -> Result<FeedQuery, ApiError> {
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid-query",
            format!("limit must be between 1 and {MAX_LIMIT}"),
        ));
    }
    let after = match params.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(cursor) => parse_cursor(cursor).ok_or_else(|| {
            ApiError::bad_request(
                "invalid-cursor",
                "the cursor is not one this feed handed out",
            )
        })?,
        None => 0,
    };
    let tags = TagFilters::checked(
        &state.ingestor.campaign().vocabulary,
        params.city,
        params.category,
        params.theme,
    )?;
    Ok(FeedQuery {
        after,
        limit,
        kind: params
            .kind
            .as_deref()
            .filter(|k| !k.is_empty())
            .map(AssetKind::parse)
            .transpose()?,
        city: tags.city,
        category: tags.category,
        theme: tags.theme,
        since: params
            .since
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(parse_since)
            .transpose()?,
    })
}

/// RFC 3339, a Beijing time, or a day (from its midnight in Asia/Shanghai).
fn parse_since(text: &str) -> Result<DateTime<Utc>, ApiError> {
    let text = text.trim();
    if parse_date("since", text).is_ok() {
        return Ok(parse_timestamp("since", &format!("{text} 00:00:00"))?);
    }
    Ok(parse_timestamp("since", text)?)
}

/// `scheme://host` of this service for links: `public_url`, or what a trusted proxy says, never
/// an untrusted client's `X-Forwarded-*` (see `crate::origin`).
pub(crate) fn base_url(req: &HttpRequest) -> String {
    crate::origin::of(req).to_string()
}

/// Where partners fetch `/media`: `partners.media_url` when set; else, when this node has a
/// media port and the feed's origin (`crate::origin`) is plain HTTP, that port of its host;
/// else the origin itself. A feed read over HTTPS never links to plain HTTP: the key in a
/// partner's `Authorization` header would cross the network in clear, and players on HTTPS
/// pages would refuse the links.
pub(crate) fn media_base_url(req: &HttpRequest, state: &AppState) -> String {
    let distribution = &state.distribution;
    if let Some(url) = &distribution.settings.media_url {
        return url.trim_end_matches('/').to_owned();
    }
    let origin = state.origin.of(req);
    match distribution.media_port.get() {
        Some(port) if !origin.is_https() => {
            format!("http://{}:{port}", host_without_port(&origin.host))
        }
        _ => origin.to_string(),
    }
}

/// `example.org:8080` → `example.org`, `[::1]:8080` → `[::1]`.
fn host_without_port(host: &str) -> &str {
    match host.rsplit_once(':') {
        Some((name, port))
            if port.bytes().all(|b| b.is_ascii_digit())
                && (!name.contains(':') || name.ends_with(']')) =>
        {
            name
        }
        _ => host,
    }
}

/// Publications with their item; tombstones bare. A publication whose item is no longer
/// public by the time it is read (its withdrawal is being committed) is shown as withdrawn:
/// partners never see an item that is not approved.
async fn items(
    state: &AppState,
    events: &[FeedEvent],
    base: &str,
) -> Result<Vec<FeedItemJson>, ApiError> {
    let published: Vec<String> = events
        .iter()
        .filter(|e| e.event == PUBLISHED)
        .map(|e| e.asset_id.clone())
        .collect();
    let records: HashMap<String, AssetRecord> = state
        .db
        .assets_by_ids(&published)
        .await?
        .into_iter()
        .map(|record| (record.asset.id.clone(), record))
        .collect();
    let ids: Vec<String> = records.keys().cloned().collect();
    let renditions: HashMap<String, Vec<Rendition>> = state.db.renditions_of_many(&ids).await?;
    let settings = &state.distribution.settings;
    let links = Links {
        base,
        signer: &state.distribution.signer,
        expires: Utc::now()
            + chrono::Duration::from_std(settings.signed_url_ttl).unwrap_or_default(),
    };
    let mut entries = Vec::with_capacity(events.len());
    for event in events {
        if event.event == LIVE || event.event == ENDED {
            entries.push(live_entry(state, event, &links).await?);
            continue;
        }
        let record = records
            .get(&event.asset_id)
            .filter(|_| event.event == PUBLISHED)
            .filter(|r| is_public(r.asset.state));
        entries.push(match record {
            Some(record) => {
                let files = renditions
                    .get(&event.asset_id)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                item(event, Some((record, files)), &links)
            }
            None => tombstone(event, &links),
        });
    }
    Ok(entries)
}

/// A live event's entry with its channel as it stands now (few per page: a lookup each).
async fn live_entry(
    state: &AppState,
    event: &FeedEvent,
    links: &Links<'_>,
) -> Result<FeedItemJson, ApiError> {
    let Some(live) = state.db.live_event(&event.asset_id).await? else {
        return Ok(tombstone(event, links));
    };
    let Some(channel) = state.db.live_channel(&live.channel_id).await? else {
        return Ok(tombstone(event, links));
    };
    let mut entry = item(event, None, links);
    entry.channel = Some(partner_channel(&channel, &live, links));
    Ok(entry)
}

/// An entry whose item (or event) partners may no longer see.
fn tombstone(event: &FeedEvent, links: &Links<'_>) -> FeedItemJson {
    let mut tombstone = event.clone();
    tombstone.event = vocweek_db::feed::WITHDRAWN.to_owned();
    item(&tombstone, None, links)
}

#[cfg(test)]
mod tests {
    use super::host_without_port;

    #[test]
    fn the_port_is_taken_off_a_host() {
        assert_eq!(host_without_port("example.org:8080"), "example.org");
        assert_eq!(host_without_port("example.org"), "example.org");
        assert_eq!(host_without_port("[::1]:8080"), "[::1]");
        assert_eq!(host_without_port("[::1]"), "[::1]");
        assert_eq!(host_without_port("127.0.0.1:80"), "127.0.0.1");
    }
}
