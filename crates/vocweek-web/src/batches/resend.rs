//! 仍然报送: a send refused because items of the batch were already sent in another batch
//! (someone sent that batch after the page was shown, or the box was not ticked). The page
//! names each item and the batch that sent it, and asks for the confirmation (409).

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;
use vocweek_api::AppState;
use vocweek_app::batches::EarlierSending;

use super::frame;
use crate::layout::{Frame, beijing, html};
use crate::staff::Staff;

#[derive(Template)]
#[template(path = "batches/resend.html")]
struct ResendPage {
    frame: Frame,
    csrf: String,
    id: i32,
    title: String,
    rows: Vec<ResendRow>,
}

struct ResendRow {
    item: String,
    batch_id: i32,
    batch_title: String,
    /// Beijing time.
    sent_at: String,
}

/// The confirmation asked of `staff` for batch `id`, whose items `earlier` other batches sent.
pub(super) async fn confirmation(
    state: &AppState,
    staff: &Staff,
    id: i32,
    earlier: &[EarlierSending],
) -> HttpResponse {
    // The batch was just read by the send: read again for the items' titles; an item whose
    // title cannot be read is named by its id rather than the page failing.
    let batch = state.batches.batch(&staff.actor(), id).await.ok();
    let title_of = |asset_id: &str| {
        batch
            .as_ref()
            .and_then(|batch| batch.items.iter().find(|item| item.asset.id == asset_id))
            .map_or_else(|| asset_id.to_owned(), |item| item.asset.title.clone())
    };
    let rows = earlier
        .iter()
        .map(|sending| ResendRow {
            item: title_of(sending.asset_id.as_str()),
            batch_id: sending.batch_id,
            batch_title: sending.batch_title.clone(),
            sent_at: beijing(sending.sent_at),
        })
        .collect();
    html(
        StatusCode::CONFLICT,
        &ResendPage {
            frame: frame(staff),
            csrf: staff.csrf(),
            id,
            title: batch
                .as_ref()
                .map(|batch| batch.batch.title.clone())
                .unwrap_or_default(),
            rows,
        },
    )
}
