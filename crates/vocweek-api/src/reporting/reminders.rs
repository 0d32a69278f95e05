//! The desk's reminder from the daily tracker: every unit of the desk that has sent nothing
//! today is told so, on its page and by its liaison's email, once a day. Who may and whom it
//! reaches are `vocweek_app::Notices`'s rules.

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::{ApiError, AppState};

#[derive(Debug, Serialize, ToSchema)]
pub struct RemindedJson {
    /// Today, Beijing time.
    pub day: NaiveDate,
    /// Units reminded now.
    pub reminded: usize,
    /// Units that sent nothing today but had been reminded already today (not again).
    pub already_reminded: usize,
}

/// `POST /api/v1/tracker/reminders`: reminds the units of the caller's desk (every desk for an
/// admin) that have sent nothing today; a unit is reminded at most once a day.
#[utoipa::path(post, path = "/api/v1/tracker/reminders", tag = "reporting", security(("bearer" = [])),
    responses((status = 200, body = RemindedJson), (status = 403, description = "Not a member of a desk", body = crate::json::ErrorEnvelope), (status = 409, description = "`not-a-campaign-day`: today is not a day of the active campaign's week", body = crate::json::ErrorEnvelope)))]
pub async fn post_reminders(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let reminded = state.notices.remind_missing_today(&caller.actor()).await?;
    Ok(HttpResponse::Ok().json(RemindedJson {
        day: reminded.day,
        reminded: reminded.new,
        already_reminded: reminded.already,
    }))
}
