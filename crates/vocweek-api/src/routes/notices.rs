//! A unit's notices as JSON (its 我的报送 page reads them with the unit's token): what editors
//! decided on its items, the desk's reminders, the days it sent nothing and the reports it
//! owes. Who reads and marks which notice is `vocweek_app::Notices`'s.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use vocweek_app::UnitNotice;
use vocweek_domain::NoticeKind;

use crate::auth::Caller;
use crate::{ApiError, AppState};

/// One notice.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeJson {
    pub id: i32,
    /// `item-returned`, `item-rejected`, `daily-reminder`, `daily-missed` or `report-overdue`.
    pub kind: NoticeKind,
    /// What it says, in Chinese.
    pub sentence: String,
    /// The item a returned or rejected notice is about.
    pub asset_id: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Marked read on the unit's page.
    pub read: bool,
}

impl From<UnitNotice> for NoticeJson {
    fn from(notice: UnitNotice) -> Self {
        NoticeJson {
            id: notice.id,
            kind: notice.kind,
            sentence: notice.sentence,
            asset_id: notice.asset_id,
            created_at: notice.created_at,
            read: notice.read,
        }
    }
}

/// `GET /api/v1/notices`.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeListJson {
    /// Newest first, the latest 50.
    pub notices: Vec<NoticeJson>,
    /// How many of them are unread.
    pub unread: usize,
}

/// The calling unit's notices, newest first.
#[utoipa::path(get, path = "/api/v1/notices", tag = "notices", security(("bearer" = [])),
    responses((status = 200, body = NoticeListJson), (status = 403, description = "Not a unit: notices belong to units", body = crate::json::ErrorEnvelope)))]
pub async fn list_notices(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let notices = state.notices.unit_notices(&caller.actor()).await?;
    let unread = notices.iter().filter(|n| !n.read).count();
    Ok(HttpResponse::Ok().json(NoticeListJson {
        notices: notices.into_iter().map(NoticeJson::from).collect(),
        unread,
    }))
}

/// Marks one of the calling unit's notices read (again: no change).
#[utoipa::path(post, path = "/api/v1/notices/{id}/read", tag = "notices", security(("bearer" = [])),
    params(("id" = i32, Path, description = "the notice's id")),
    responses((status = 204, description = "Marked read"), (status = 403, description = "Not a unit", body = crate::json::ErrorEnvelope), (status = 404, description = "The unit has no such notice", body = crate::json::ErrorEnvelope)))]
pub async fn mark_notice_read(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    state
        .notices
        .mark_read(&caller.actor(), path.into_inner())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
