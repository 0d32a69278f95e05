//! A channel's live HLS: the master playlist of its latest event (`master.m3u8`, or with DVR
//! windows `dvr.m3u8`), each rendition's playlist and its segments under the event's id, so
//! a segment a player was given stays the same file whatever the channel does next. Served
//! from the shared store and the segment rows: any node serves any channel.

use actix_web::{HttpRequest, HttpResponse, web};

use vocweek_app::Viewer;

use crate::auth::Caller;
use crate::{ApiError, AppState};

const PLAYLIST: &str = "application/vnd.apple.mpegurl";

/// The channel's live master playlist (`master.m3u8`) or its DVR master (`dvr.m3u8`).
#[utoipa::path(get, path = "/api/v1/channels/{id}/live/{master}", tag = "channels",
    params(("id" = String, Path, description = "Channel id"), ("master" = String, Path, description = "`master.m3u8` or `dvr.m3u8`")),
    security(("bearer" = [])),
    responses((status = 200, description = "The master playlist", content_type = "application/vnd.apple.mpegurl"),
              (status = 404, description = "No such channel, or not live yet (`channel-not-live`)", body = crate::json::ErrorEnvelope)))]
pub async fn live_master(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, master) = path.into_inner();
    let dvr = match master.as_str() {
        "master.m3u8" => false,
        "dvr.m3u8" => true,
        _ => return Err(ApiError::not_found("live playlist")),
    };
    let text = state
        .channels
        .live_master(Viewer::Actor(&caller.actor()), &id, dvr)
        .await?;
    Ok(playlist(text))
}

/// A rendition's playlist (`720p.m3u8`, `720p_dvr.m3u8`) or a segment (`720p_00003.ts`) of
/// one of the channel's events.
#[utoipa::path(get, path = "/api/v1/channels/{id}/live/{event}/{file}", tag = "channels",
    params(("id" = String, Path, description = "Channel id"), ("event" = String, Path, description = "Event id"),
           ("file" = String, Path, description = "`720p.m3u8`, `720p_dvr.m3u8`, `720p_00003.ts`…")),
    security(("bearer" = [])),
    responses((status = 200, description = "The playlist or segment", content(("application/vnd.apple.mpegurl"), ("video/mp2t"))),
              (status = 404, body = crate::json::ErrorEnvelope)))]
pub async fn live_file(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, event, file) = path.into_inner();
    let answer = state
        .channels
        .live_file(Viewer::Actor(&caller.actor()), &id, &event, &file)
        .await?;
    match answer {
        vocweek_app::LiveFile::Playlist(text) => {
            state.live_viewers.seen(&id, viewer(&req, &caller));
            Ok(playlist(text))
        }
        vocweek_app::LiveFile::Segment { key } => {
            let (reader, size) = state.store.open(&key).await.map_err(|e| match e {
                vocweek_storage::StorageError::NotFound(_) => ApiError::not_found("segment"),
                other => ApiError::internal(&other),
            })?;
            Ok(HttpResponse::Ok()
                .content_type("video/mp2t")
                // A listed segment never changes.
                .insert_header(("Cache-Control", "private, max-age=86400, immutable"))
                .insert_header(("X-Content-Type-Options", "nosniff"))
                .no_chunking(size)
                .streaming(tokio_util::io::ReaderStream::with_capacity(
                    reader,
                    crate::ranged::STREAM_CHUNK,
                )))
        }
    }
}

fn playlist(text: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(PLAYLIST)
        // A live playlist changes every segment.
        .insert_header(("Cache-Control", "no-cache"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(text)
}

/// Who is watching: the caller's account or key, from the client's address.
fn viewer(req: &HttpRequest, caller: &Caller) -> String {
    crate::live_viewers::viewer_name(Some(&caller.0), req.peer_addr().map(|a| a.ip()))
}
