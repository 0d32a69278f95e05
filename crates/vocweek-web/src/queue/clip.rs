//! `POST /queue/{id}/clips`: a video item's 剪辑片段 form (in- and out-points, set from the
//! player or typed), through the same editorial service as `POST /api/v1/assets/{id}/clips`.
//! Asked: back to the item, which says the clip is on its way and links to it; refused: back
//! with the reason.

use actix_web::{HttpResponse, web};
use vocweek_api::AppState;
use vocweek_app::{EditorialError, Invalid, NotAllowed};

use super::back::Back;
use super::{back_to_item, editorial_error, see_other};
use crate::staff::{StaffForm, urlencode};

pub async fn clip(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: StaffForm,
) -> HttpResponse {
    let back = form.field("back").as_deref().and_then(Back::parse);
    // An empty or garbled number is no point on the player: refused as a range.
    let point = |name: &str| {
        form.field(name)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    let (from, to) = (point("from_seconds"), point("to_seconds"));
    match state
        .editorial
        .request_clip(&form.staff.actor(), &id, from, to)
        .await
    {
        Ok(queued) => {
            let mut location = format!(
                "/queue/{}?clip={}",
                urlencode(&id),
                urlencode(&queued.clip_id)
            );
            if let Some(back) = back {
                location.push('&');
                location.push_str(&back.param());
            }
            see_other(&location)
        }
        Err(EditorialError::Invalid(Invalid::ClipRange { .. })) => {
            back_to_item(&id, "clip-range", back.as_ref())
        }
        Err(EditorialError::NotAllowed(NotAllowed::NotAVideo | NotAllowed::StillProcessing)) => {
            back_to_item(&id, "clip-state", back.as_ref())
        }
        Err(err) => editorial_error(err),
    }
}
