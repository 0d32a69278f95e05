use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpRequest, HttpServer, web};

use crate::middleware::{
    catch_panic, localize_errors, record_metrics, request_span, security_headers,
};
use crate::{ApiError, AppState, route_table, routes};

/// How long an idle keep-alive connection stays open.
pub const KEEP_ALIVE_SECONDS: u64 = 75;

/// How long a client may take to send a request's head.
pub const CLIENT_REQUEST_TIMEOUT_SECONDS: u64 = 30;

/// Routes mounted next to the API: the web pages (`vocweek-web`), and tests' own.
pub type ExtraRoutes = Arc<dyn Fn(&mut web::ServiceConfig) + Send + Sync>;

/// Builds the HTTP server on an already bound listener, so tests can bind port 0.
pub fn build_server(
    listener: TcpListener,
    state: AppState,
    http_workers: usize,
    extra: Option<ExtraRoutes>,
) -> std::io::Result<Server> {
    let origin = web::Data::from(state.origin.clone());
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        let extra = extra.clone();
        App::new()
            .app_data(data.clone())
            .app_data(origin.clone())
            .app_data(
                web::JsonConfig::default()
                    .limit(64 * 1024)
                    .error_handler(json_error),
            )
            .app_data(web::QueryConfig::default().error_handler(query_error))
            .app_data(web::PathConfig::default().error_handler(path_error))
            .wrap(from_fn(catch_panic))
            .wrap(from_fn(localize_errors))
            .wrap(from_fn(record_metrics))
            .wrap(from_fn(request_span))
            // Outermost, so every answer gets the headers, the panic and localized ones too.
            .wrap(from_fn(security_headers))
            .configure(routes::configure)
            .configure(crate::tus::configure)
            .configure(crate::openapi::configure)
            .configure(crate::distribution::configure)
            .configure(crate::reporting::configure)
            .configure(move |cfg| {
                if let Some(extra) = &extra {
                    extra(cfg);
                }
            })
            .default_service(web::to(route_table::not_found))
    })
    .workers(http_workers.max(1))
    // Idle connections stay open longer than actix's 5 s default: a client that reuses one
    // just as the server closes it gets a transport error on a request it cannot know was
    // not received (most HTTP clients keep idle connections 60–90 s; nginx's default is 75).
    .keep_alive(std::time::Duration::from_secs(KEEP_ALIVE_SECONDS))
    // A request's head may take up to 30 s to arrive instead of actix's 5 s: with fifty units
    // uploading and both cores busy, heads from slow school networks were answered 408 (the
    // 50-uploader load run, RELIABILITY.md). A slow client holds only a connection, not a thread.
    .client_request_timeout(std::time::Duration::from_secs(
        CLIENT_REQUEST_TIMEOUT_SECONDS,
    ))
    .listen(listener)?
    .run();
    Ok(server)
}

fn json_error(err: JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    ApiError::bad_request(
        "invalid-json",
        format!("the request body is not valid JSON: {err}"),
    )
    .into()
}

fn query_error(err: QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    ApiError::bad_request(
        "invalid-query",
        format!("the query string is invalid: {err}"),
    )
    .into()
}

fn path_error(err: PathError, _: &HttpRequest) -> actix_web::Error {
    ApiError::bad_request("invalid-path", format!("the path is invalid: {err}")).into()
}
