//! The pictures kept with an article, on its item page (`templates/queue/article_pictures.html`):
//! each shown, with a button that chooses it into the review queue as a photo item (or a link
//! to the item it became).

use actix_web::{HttpResponse, web};
use vocweek_api::AppState;
use vocweek_db::assets::Asset;
use vocweek_db::audit::Actor;

use crate::error_page::ErrorPage;
use crate::staff::{StaffForm, urlencode};

/// Formats a browser shows by itself; others (TIFF, HEIC) get a word instead of a broken image.
const SHOWN_INLINE: [&str; 5] = [
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/avif",
];

/// The "稿件配图" section of an article's page.
pub struct PicturesSection {
    /// The article's id.
    pub id: String,
    pub csrf: String,
    pub count: usize,
    pub figures: Vec<Figure>,
}

/// One picture, numbered from 1 as the choose route counts them.
pub struct Figure {
    pub number: usize,
    pub rendition: String,
    /// The browser can show it; otherwise it is offered as a download.
    pub inline: bool,
    pub name: String,
    /// The photo item it became, once chosen.
    pub chosen: Option<String>,
}

/// The section for `asset`, whose forms carry `csrf`; `None` when it keeps no pictures.
pub fn section(asset: &Asset, csrf: &str) -> Option<PicturesSection> {
    let pictures = asset
        .metadata
        .pointer("/article/pictures")
        .and_then(|v| v.as_array())
        .filter(|pictures| !pictures.is_empty())?;
    let figures: Vec<Figure> = pictures
        .iter()
        .enumerate()
        .map(|(index, picture)| {
            let text = |field: &str| picture[field].as_str().unwrap_or_default().to_owned();
            Figure {
                number: index + 1,
                rendition: text("rendition"),
                inline: SHOWN_INLINE.contains(&text("mime").as_str()),
                name: text("name"),
                chosen: picture["asset_id"].as_str().map(str::to_owned),
            }
        })
        .collect();
    Some(PicturesSection {
        id: asset.id.clone(),
        csrf: csrf.to_owned(),
        count: figures.len(),
        figures,
    })
}

/// `POST /queue/{id}/pictures/{number}`: the picture becomes a photo item; back to the
/// article's page, which then links to it.
pub async fn choose(
    state: web::Data<AppState>,
    path: web::Path<(String, usize)>,
    form: StaffForm,
) -> HttpResponse {
    let (id, number) = path.into_inner();
    let article = match crate::queue::visible_record(&state, &form.staff, &id).await {
        Ok(article) => article,
        Err(answer) => return answer,
    };
    match state
        .choose_picture(&article, number, Actor::User(form.staff.user_id))
        .await
    {
        Ok(_) => HttpResponse::SeeOther()
            .insert_header(("Location", format!("/queue/{}", urlencode(&id))))
            .finish(),
        Err(err) => err.page(),
    }
}
