//! 审核队列: the desk's items with filters and keyset pages, an item's detail with its facts,
//! a case's fields and attachments (`case_section`), probable duplicates (side by side on their
//! own page), earlier files and history, and the
//! decision forms (same service as `POST /api/v1/assets/{id}/review`), which go on to the next
//! item of the queue the item was opened from. The pages' markup is in `templates/queue/`.

mod back;
mod bulk;
mod cards;
mod case_section;
mod clip;
mod compare;
mod decide;
mod decisions;
mod detail;
mod edit;
mod edit_form;
mod facts;
mod filters;
mod history;
mod list;
mod media_view;
mod names;
mod similar;
mod versions;

pub use bulk::bulk;
pub use clip::clip;
pub use compare::compare;
pub use decide::decide;
pub use detail::detail;
pub use edit::edit;
pub use list::list;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;
use vocweek_api::{ApiError, AppState};
use vocweek_app::EditorialError;
use vocweek_db::DbError;
use vocweek_db::assets::AssetRecord;

use self::back::Back;
use crate::error_page::ErrorPage;
use crate::layout::{Frame, html};
use crate::staff::{Staff, urlencode};

pub async fn home() -> HttpResponse {
    see_other("/queue")
}

/// The item if it exists and the staff member may see it (their desk's, or any for an admin:
/// `vocweek_app::Editorial::visible_asset`); otherwise the 404 page, as if an item of the other
/// desk did not exist (or the error page when the database could not say).
pub(crate) async fn visible_record(
    state: &AppState,
    staff: &Staff,
    id: &str,
) -> Result<AssetRecord, HttpResponse> {
    state
        .editorial
        .visible_asset(&staff.actor(), id)
        .await
        .map_err(editorial_error)
}

/// The answer for an item that is missing or of another desk.
#[derive(Template)]
#[template(path = "queue/not_found.html")]
struct NotFoundPage {
    frame: Frame,
}

/// The page for an item that is missing or of another desk.
fn not_found() -> HttpResponse {
    html(
        StatusCode::NOT_FOUND,
        &NotFoundPage {
            frame: Frame::public("未找到"),
        },
    )
}

/// A database error as the page that answers it.
fn db_error(err: DbError) -> HttpResponse {
    ApiError::from(err).page()
}

/// A refusal of the editorial service that the form's handler does not send back to the item
/// with a message: the not-found page for an item that is missing or of another desk, the
/// error page (with the API's status) otherwise.
fn editorial_error(err: EditorialError) -> HttpResponse {
    match err {
        EditorialError::NotFound => not_found(),
        other => ApiError::from(other).page(),
    }
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .finish()
}

/// Back to the item's page with the message `error` names (see `detail::error_message`), in
/// the queue it was opened from.
fn back_to_item(id: &str, error: &str, back: Option<&Back>) -> HttpResponse {
    let mut location = format!("/queue/{}?error={error}", urlencode(id));
    if let Some(back) = back {
        location.push('&');
        location.push_str(&back.param());
    }
    see_other(&location)
}
