//! `GET /api/v1/briefs/{day}.docx`: the 每日简报 of a day of the active campaign's week, as a
//! Word document. Whose and which day is `vocweek_app::Briefs`'s rule; this answers the file.

use actix_web::{HttpResponse, web};

use crate::auth::Caller;
use crate::disposition::content_disposition;
use crate::{ApiError, AppState};

/// The day's brief for the caller's desk (an admin's: both desks): what the daily-reporting
/// units sent that day by kind and by city (as the tracker counts), the units that sent
/// nothing, the items approved or recommended that day, and the recommended photos.
#[utoipa::path(get, path = "/api/v1/briefs/{day}.docx", tag = "reporting", security(("bearer" = [])),
    params(("day" = String, Path, description = "YYYY-MM-DD, a day of the active campaign's week (Beijing)")),
    responses((status = 200, description = "The brief", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (status = 403, description = "Units and partners read no brief", body = crate::json::ErrorEnvelope),
        (status = 404, description = "No day in the path", body = crate::json::ErrorEnvelope),
        (status = 422, description = "`invalid-value`: not YYYY-MM-DD; `not-a-campaign-day`", body = crate::json::ErrorEnvelope),
        (status = 503, description = "The database or the store is unavailable for a moment", body = crate::json::ErrorEnvelope),
        (status = 507, description = "The server's disk is full", body = crate::json::ErrorEnvelope)))]
pub async fn daily_brief(
    caller: Caller,
    state: web::Data<AppState>,
    day: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let brief = state.briefs.daily(&caller.actor(), &day).await?;
    let stream = tokio_util::io::ReaderStream::with_capacity(brief.file, 256 * 1024);
    Ok(HttpResponse::Ok()
        .content_type(vocweek_pipeline::word::DOCX_MIME)
        .insert_header((
            "Content-Disposition",
            content_disposition("attachment", &brief.filename),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .no_chunking(brief.size)
        .streaming(stream))
}
