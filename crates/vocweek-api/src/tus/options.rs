//! OPTIONS: what this server supports (no token needed), and the CORS preflight of browsers.

use actix_web::{HttpRequest, HttpResponse, web};

use super::checksum::ALGORITHMS;
use super::protocol::{CORS_ALLOW_HEADERS, CORS_ALLOW_METHODS, EXTENSIONS, VERSION, header};
use crate::AppState;

/// tus OPTIONS (no token needed) and the CORS preflight.
#[utoipa::path(options, path = "/api/v1/uploads/", tag = "resumable uploads",
    responses((status = 204, description = "`Tus-Version`, `Tus-Extension`, `Tus-Max-Size`, `Tus-Checksum-Algorithm`")))]
pub async fn options(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let mut response = HttpResponse::NoContent();
    response
        .insert_header(("Tus-Version", VERSION))
        .insert_header(("Tus-Extension", EXTENSIONS))
        .insert_header((
            "Tus-Max-Size",
            state.ingestor.limits().largest().to_string(),
        ))
        .insert_header(("Tus-Checksum-Algorithm", ALGORITHMS));
    if header(&req, "Access-Control-Request-Method").is_some() {
        response
            .insert_header(("Access-Control-Allow-Methods", CORS_ALLOW_METHODS))
            .insert_header(("Access-Control-Allow-Headers", CORS_ALLOW_HEADERS))
            .insert_header(("Access-Control-Max-Age", "86400"));
    }
    response.finish()
}
