//! Resumable uploads: a tus 1.0.0 server at `/api/v1/uploads/` (creation, creation-with-upload,
//! creation-defer-length, termination, expiration, checksum). The upload's state lives in the
//! database and its bytes beside the store, so successive requests may reach different nodes.

mod checksum;
mod complete;
mod create;
mod head_gate;
mod lease;
mod metadata;
mod options;
mod patch;
mod protocol;
mod receive;
mod status;
mod write;

use actix_web::http::StatusCode;
use actix_web::middleware::DefaultHeaders;
use actix_web::web;
use vocweek_db::resumable_uploads::{RECEIVING, ResumableUpload};
use vocweek_pipeline::Uploader;

pub(crate) use create::__path_create;
pub(crate) use options::__path_options;
pub(crate) use patch::__path_patch;
pub(crate) use status::{__path_head, __path_terminate};

use crate::auth::Caller;
use crate::{ApiError, AppState};

pub fn configure(cfg: &mut web::ServiceConfig) {
    // Every answer names the protocol and lets browser clients on other origins read it. `*`
    // is safe: a client on another origin presents a bearer token; the session cookie (the
    // unit pages of this site) is SameSite=Lax, a browser never exposes a credentialed answer
    // to `*`, and a cookie's PATCH, POST or DELETE also needs the page's CSRF token.
    let headers = || {
        DefaultHeaders::new()
            .add(("Tus-Resumable", protocol::VERSION))
            // Required on 412; harmless (and informative) on every other answer.
            .add(("Tus-Version", protocol::VERSION))
            .add(("Access-Control-Allow-Origin", "*"))
            .add((
                "Access-Control-Expose-Headers",
                protocol::CORS_EXPOSE_HEADERS,
            ))
    };
    for path in ["/api/v1/uploads", "/api/v1/uploads/"] {
        cfg.service(
            crate::route_table::resource(path)
                .wrap(headers())
                .route(web::post().to(create::create))
                .route(web::method(actix_web::http::Method::OPTIONS).to(options::options)),
        );
    }
    cfg.service(
        crate::route_table::resource("/api/v1/uploads/{id}")
            .wrap(headers())
            .route(web::head().to(status::head))
            .route(web::patch().to(patch::patch))
            .route(web::delete().to(status::terminate))
            .route(web::method(actix_web::http::Method::OPTIONS).to(options::options)),
    );
}

/// The caller's unit and its upload `id`: another unit's upload is not found, an expired one
/// is gone.
async fn owned(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<(Uploader, ResumableUpload), ApiError> {
    let uploader = caller.uploader()?;
    let upload = state
        .db
        .resumable(id)
        .await?
        .filter(|u| u.unit_id == uploader.unit_id)
        .ok_or_else(|| ApiError::not_found("upload"))?;
    if upload.state == RECEIVING && upload.expires_at < vocweek_db::now_millis() {
        return Err(ApiError::new(
            StatusCode::GONE,
            "upload-expired",
            "this upload expired; start it again",
        ));
    }
    Ok((uploader, upload))
}
