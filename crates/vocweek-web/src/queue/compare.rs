//! `GET /queue/{id}/compare/{other}`: two items side by side (their pictures and 基本信息),
//! to tell whether a 疑似重复 is the same photo. Both must be the editor's to see: an item of
//! another desk answers the same 404 as on its own page.

use actix_web::{HttpResponse, web};
use askama::Template;
use vocweek_api::AppState;
use vocweek_db::assets::{Asset, AssetRecord};
use vocweek_domain::{AssetKind, Vocabulary};

use super::cards::missing_picture;
use super::facts::{Fact, facts};
use super::names::Names;
use super::{db_error, visible_record};
use crate::layout::{Frame, kind_zh, ok, state_zh};
use crate::menu::Place;
use crate::staff::Staff;

#[derive(Template)]
#[template(path = "queue/compare.html")]
struct ComparePage {
    frame: Frame,
    /// The item the comparison was opened from (the way back).
    id: String,
    sides: Vec<Side>,
}

/// One of the two items.
struct Side {
    /// 当前素材 or 对比素材.
    role: &'static str,
    id: String,
    title: String,
    kind: &'static str,
    state: &'static str,
    /// The state's slug, for the badge's colour class (`state-<slug>` in site.css).
    state_slug: &'static str,
    /// The rendition shown (`preview` of a photo, `poster` of a video)…
    rendition: &'static str,
    /// …or the word shown instead when there is no picture.
    missing_picture: Option<&'static str>,
    facts: Vec<Fact>,
}

pub async fn compare(
    state: web::Data<AppState>,
    staff: Staff,
    ids: web::Path<(String, String)>,
) -> HttpResponse {
    let (id, other) = ids.into_inner();
    page(&state, &staff, &id, &other)
        .await
        .unwrap_or_else(|answer| answer)
}

async fn page(
    state: &AppState,
    staff: &Staff,
    id: &str,
    other: &str,
) -> Result<HttpResponse, HttpResponse> {
    let current = visible_record(state, staff, id).await?;
    let compared = visible_record(state, staff, other).await?;
    let names = Names::load(&state.db).await.map_err(db_error)?;
    let current_sender = names
        .sender_of(&state.db, &current)
        .await
        .map_err(db_error)?;
    let compared_sender = names
        .sender_of(&state.db, &compared)
        .await
        .map_err(db_error)?;
    let campaign = state.ingestor.campaign();
    let vocabulary = &campaign.vocabulary;
    let page = ComparePage {
        frame: Frame::staff(staff, "并排对比", Place::Queue),
        id: current.asset.id.clone(),
        sides: vec![
            Side::of("当前素材", &current, &names, &current_sender, vocabulary),
            Side::of("对比素材", &compared, &names, &compared_sender, vocabulary),
        ],
    };
    Ok(ok(&page))
}

impl Side {
    fn of(
        role: &'static str,
        record: &AssetRecord,
        names: &Names,
        sender: &str,
        vocabulary: &Vocabulary,
    ) -> Side {
        let asset = &record.asset;
        Side {
            role,
            id: asset.id.clone(),
            title: asset.title.clone(),
            kind: kind_zh(asset.kind.as_str()),
            state: state_zh(asset.state.as_str()),
            state_slug: asset.state.as_str(),
            rendition: rendition(asset),
            missing_picture: missing_picture(asset),
            facts: facts(record, &names.unit(asset.unit_id), sender, vocabulary),
        }
    }
}

/// The largest picture an item has for the page: a photo's preview, a video's poster frame.
fn rendition(asset: &Asset) -> &'static str {
    match asset.kind {
        AssetKind::Photo => "preview",
        _ => "poster",
    }
}
