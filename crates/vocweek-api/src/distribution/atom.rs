//! `GET /api/v1/feed.atom`: the newest approved items as an Atom feed (RFC 4287) for feed
//! readers. Readers rarely send headers, so the API key may also come as `?key=` — it then
//! appears in access logs; prefer the header where the reader allows it.
//!
//! An item's credit (作者/摄影) is its entry's `<author><name>`: Atom's person who made the
//! entry's content, which readers show as the byline. `<rights>` would be the place for a
//! copyright statement, which the units do not give; the portrait consent is in the JSON feed.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use vocweek_db::feed::is_public;

use super::caller::reader;
use super::feed::{base_url, media_base_url};
use crate::auth::Caller;
use crate::{ApiError, AppState};

const ENTRIES: u64 = 50;

/// XML's five predefined entities, for text and attribute values alike.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            other => out.push(other),
        }
    }
    out
}

#[derive(Deserialize)]
pub struct AtomQuery {
    key: Option<String>,
}

/// Text for the feed: escaped, and without the characters XML 1.0 forbids (controls other
/// than tab, newline and carriage return): one `\x01` in a unit's title would otherwise make
/// the whole feed ill-formed for every reader.
fn xml_text(text: &str) -> String {
    let allowed: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .filter(|c| !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        .collect();
    escape(&allowed)
}

/// The newest approved items (50 at most) as an Atom feed (RFC 4287), for feed readers. The
/// partner key goes in `Authorization: Bearer`, or in `?key=` for readers that send no headers
/// (it then appears in access logs).
#[utoipa::path(get, path = "/api/v1/feed.atom", tag = "distribution",
    params(("key" = Option<String>, Query, description = "The partner's API key, for feed readers that cannot send `Authorization`")),
    security(("bearer" = []), ()),
    responses((status = 200, description = "The Atom feed", content_type = "application/atom+xml"),
              (status = 401, description = "No valid key: `missing-token`, `invalid-token`, `token-revoked`, `token-expired`", body = crate::json::ErrorEnvelope),
              (status = 403, description = "A key that is neither a partner's nor an admin's; `password-change-required`", body = crate::json::ErrorEnvelope),
              (status = 429, description = "`rate-limited`: the partner key's request budget is spent; `Retry-After`", body = crate::json::ErrorEnvelope)))]
pub async fn get_atom(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<AtomQuery>,
) -> Result<HttpResponse, ApiError> {
    // A key in the query answers as the same key in a header would (one check for both: a
    // staff session that must change its password is refused here too).
    let caller = match query.into_inner().key {
        Some(key) => Caller(crate::auth::principal(&state, &key).await?),
        None => <Caller as actix_web::FromRequest>::extract(&req).await?,
    };
    reader(&caller, &state)?;
    let base = base_url(&req);
    let media = media_base_url(&req, &state);
    let events = state.db.feed_latest(ENTRIES).await?;
    let ids: Vec<String> = events.iter().map(|e| e.asset_id.clone()).collect();
    let records: std::collections::HashMap<String, _> = state
        .db
        .assets_by_ids(&ids)
        .await?
        .into_iter()
        .filter(|r| is_public(r.asset.state))
        .map(|r| (r.asset.id.clone(), r))
        .collect();
    let mut entries = String::new();
    let mut updated = None;
    for event in &events {
        let Some(record) = records.get(&event.asset_id) else {
            continue;
        };
        let asset = &record.asset;
        updated = updated.max(Some(event.created_at));
        let link = format!("{media}/media/{}/original", asset.id);
        let thumb = format!("{media}/media/{}/thumb", asset.id);
        let credit = xml_text(&asset.credit);
        // A blank credit (or one of characters XML forbids only) names nobody: no empty name.
        let author = if credit.trim().is_empty() {
            String::new()
        } else {
            format!("<author><name>{credit}</name></author>")
        };
        entries.push_str(&format!(
            "<entry><id>urn:vocweek:asset:{id}</id><title>{title}</title>\
             <updated>{at}</updated><published>{at}</published>{author}\
             <link rel=\"enclosure\" type=\"{mime}\" length=\"{size}\" href=\"{link}\"/>\
             <link rel=\"related\" href=\"{thumb}\"/>\
             <category term=\"{kind}\"/><category term=\"{city}\"/>\
             <summary>{summary}</summary></entry>",
            id = xml_text(&asset.id),
            title = xml_text(&asset.title),
            at = event.created_at.to_rfc3339(),
            mime = xml_text(&asset.mime),
            size = asset.size,
            link = escape(&link),
            thumb = escape(&thumb),
            kind = xml_text(asset.kind.as_str()),
            city = xml_text(&asset.city),
            summary = xml_text(&asset.description),
        ));
    }
    let updated = updated.unwrap_or_else(chrono::Utc::now).to_rfc3339();
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\
         <feed xmlns=\"http://www.w3.org/2005/Atom\">\
         <id>urn:vocweek:feed</id><title>职业教育活动周 · 已审核素材</title>\
         <updated>{updated}</updated>\
         <link rel=\"self\" href=\"{self_link}\"/>{entries}</feed>",
        self_link = escape(&format!("{base}/api/v1/feed.atom")),
    );
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body))
}

#[cfg(test)]
mod tests {
    use super::xml_text;

    #[test]
    fn control_characters_never_reach_the_feed() {
        assert_eq!(xml_text("技能\u{1}大赛\u{b}\u{c}"), "技能大赛");
        assert_eq!(xml_text("a\tb\nc"), "a\tb\nc");
        assert_eq!(xml_text("<b>&\"\u{FFFF}"), "&lt;b&gt;&amp;&quot;");
    }
}
