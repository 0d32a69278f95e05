//! `GET /queue/{id}`: an item's page — its media, a case's fields and attachments (and the cases
//! that attach the item), 基本信息, the items it probably duplicates,
//! the decisions its state allows, the edit form, the files its unit replaced (文件版本) and the
//! history of everything done to it —
//! and, when it was opened from a filtered queue (`?back=`), the way back to that queue and on
//! to its next item.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use vocweek_api::{ApiError, AppState};
use vocweek_messages::Lang;

use super::back::Back;
use super::case_section::CaseSection;
use super::decisions::{DecisionForm, decisions};
use super::edit_form::EditForm;
use super::facts::{Fact, facts};
use super::history::{HistoryRow, history};
use super::media_view::{ClipForm, MediaView};
use super::names::Names;
use super::similar::{SimilarItem, similar_items};
use super::versions::{VersionRow, versions};
use super::{db_error, visible_record};
use crate::article_pictures::{self, PicturesSection};
use crate::error_page::ErrorPage;
use crate::layout::{Frame, kind_zh, ok, state_zh};
use crate::menu::Place;
use crate::staff::Staff;

#[derive(Template)]
#[template(path = "queue/detail.html")]
struct DetailPage {
    frame: Frame,
    id: String,
    version: i32,
    csrf: String,
    title: String,
    description: String,
    error: Option<&'static str>,
    kind: &'static str,
    state: &'static str,
    /// The state's slug, for the badge's colour class (`state-<slug>` in site.css).
    state_slug: &'static str,
    failure: Option<String>,
    media: MediaView,
    /// 剪辑片段, for a video that plays.
    clip: Option<ClipForm>,
    article_pictures: Option<PicturesSection>,
    /// A case's fields and attachments; the cases that attach the item.
    cases: CaseSection,
    facts: Vec<Fact>,
    similar: Vec<SimilarItem>,
    decisions: Vec<DecisionForm>,
    edit: EditForm,
    /// 文件版本: empty when the unit never replaced the file.
    versions: Vec<VersionRow>,
    history: Vec<HistoryRow>,
    /// The queue the page was opened from, as its forms send it back (`back`, a query string).
    back: Option<String>,
    /// Where 返回队列 goes: that queue, or the default one.
    queue_link: String,
    /// That queue's item after this one (`rel="next"`, the n key).
    next: Option<String>,
}

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
) -> HttpResponse {
    page(&req, &state, &staff, &id)
        .await
        .unwrap_or_else(|answer| answer)
}

async fn page(
    req: &HttpRequest,
    state: &AppState,
    staff: &Staff,
    id: &str,
) -> Result<HttpResponse, HttpResponse> {
    let record = visible_record(state, staff, id).await?;
    let trail = state.db.audit_trail(id).await.map_err(db_error)?;
    let earlier = state.db.asset_versions(id).await.map_err(db_error)?;
    let names = Names::load(&state.db).await.map_err(db_error)?;
    let sender = names
        .sender_of(&state.db, &record)
        .await
        .map_err(db_error)?;
    let similar = similar_items(state, staff, &record.asset).await?;
    let links = state
        .cases
        .links(&staff.actor(), &record)
        .await
        .map_err(|err| ApiError::from(err).page())?;
    let back = Back::of_page(req.query_string());
    let next = match &back {
        Some(back) => back
            .next_after(state, staff, id)
            .await
            .map_err(db_error)?
            .map(|next| back.item_link(&next)),
        None => None,
    };
    let asset = &record.asset;
    let csrf = staff.csrf();
    let campaign = state.ingestor.campaign();
    let vocabulary = &campaign.vocabulary;
    let page = DetailPage {
        frame: Frame::staff(staff, asset.title.clone(), Place::Queue),
        id: asset.id.clone(),
        version: asset.version,
        title: asset.title.clone(),
        description: asset.description.clone(),
        error: error_message(req),
        kind: kind_zh(asset.kind.as_str()),
        state: state_zh(asset.state.as_str()),
        state_slug: asset.state.as_str(),
        failure: asset
            .failure_code
            .as_deref()
            .map(|code| vocweek_messages::failure(Lang::ZhCn, code)),
        media: MediaView::of(asset),
        clip: ClipForm::of(asset, req.query_string()),
        article_pictures: article_pictures::section(asset, &csrf),
        cases: CaseSection::of(&links),
        facts: facts(&record, &names.unit(asset.unit_id), &sender, vocabulary),
        similar,
        decisions: decisions(asset.state, vocweek_app::consent_missing(asset)),
        edit: EditForm::of(&record, vocabulary),
        versions: versions(&earlier, asset),
        history: history(&trail, &names),
        queue_link: back
            .as_ref()
            .map_or_else(|| "/queue".to_owned(), Back::queue_link),
        back: back.as_ref().map(Back::query),
        next,
        csrf,
    };
    Ok(ok(&page))
}

/// The sentence for `?error=…`, where a refused decision or edit sends the editor back.
fn error_message(req: &HttpRequest) -> Option<&'static str> {
    let code = req
        .query_string()
        .split('&')
        .find_map(|pair| pair.strip_prefix("error="))?;
    Some(match code {
        "conflict" => "该素材已被他人处理，页面已刷新，请重新决定。",
        "note" => "不通过或退回时必须填写原因。",
        "tags" => "标签不在本届活动的词表中，请重新选择。",
        "title" => "标题需要 1 到 200 个字。",
        "control" => "标题、说明和作者/摄影中不能含有不可见的控制字符（作者/摄影只能写一行）。",
        "credit" => "作者/摄影最多填写 100 个字。",
        "consent" => "该素材未确认肖像使用授权，确认后再推荐。",
        "clip-range" => "片段的起点不能早于 0 秒，终点须在视频时长之内，且片段至少 1 秒。",
        "clip-state" => "只能从已处理完成的视频中剪辑片段。",
        _ => "当前状态下不能执行该操作。",
    })
}
