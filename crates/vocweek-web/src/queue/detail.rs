//! `GET /queue/{id}`: an item's page with its media, the decision buttons, the edit form and
//! the history of everything done to it.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use vocweek_api::AppState;
use vocweek_db::audit::AuditEvent;
use vocweek_domain::ReviewAction;
use vocweek_messages::Lang;

use super::edit_form::EditForm;
use super::media_view::MediaView;
use super::{db_error, visible_record};
use crate::article_pictures::{self, PicturesSection};
use crate::layout::{Frame, beijing, kind_zh, ok, state_zh};
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
    uploaded: String,
    failure: Option<String>,
    media: MediaView,
    article_pictures: Option<PicturesSection>,
    decisions: Vec<DecisionButton>,
    edit: EditForm,
    history: Vec<HistoryRow>,
}

/// One decision form: the action, its button's word, whether a reason is required.
struct DecisionButton {
    action: &'static str,
    label: &'static str,
    needs_note: bool,
}

/// One audit event, in Chinese.
struct HistoryRow {
    time: String,
    action: String,
    from_state: &'static str,
    to_state: &'static str,
    note: String,
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
    let asset = &record.asset;
    let csrf = staff.csrf();
    let campaign = state.ingestor.campaign();
    let page = DetailPage {
        frame: Frame::staff(staff, asset.title.clone(), Place::Queue),
        id: asset.id.clone(),
        version: asset.version,
        title: asset.title.clone(),
        description: asset.description.clone(),
        error: error_message(req),
        kind: kind_zh(asset.kind.as_str()),
        state: state_zh(asset.state.as_str()),
        uploaded: beijing(asset.created_at),
        failure: asset
            .failure_code
            .as_deref()
            .map(|code| vocweek_messages::failure(Lang::ZhCn, code)),
        media: MediaView::of(asset),
        article_pictures: article_pictures::section(asset, &csrf),
        decisions: decisions(),
        edit: EditForm::of(&record, &campaign.vocabulary),
        history: trail.iter().map(history_row).collect(),
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
        "control" => "标题和说明中不能含有不可见的控制字符。",
        _ => "当前状态下不能执行该操作。",
    })
}

/// The buttons in the order the keyboard script and editors know them.
fn decisions() -> Vec<DecisionButton> {
    [
        (ReviewAction::Approve, "通过"),
        (ReviewAction::Reject, "不通过"),
        (ReviewAction::Return, "退回修改"),
        (ReviewAction::Recommend, "推荐"),
        (ReviewAction::Reopen, "重新审核"),
    ]
    .into_iter()
    .map(|(action, label)| DecisionButton {
        action: action.as_str(),
        label,
        needs_note: action.needs_note(),
    })
    .collect()
}

fn history_row(event: &AuditEvent) -> HistoryRow {
    HistoryRow {
        time: beijing(event.created_at),
        action: vocweek_messages::action(Lang::ZhCn, &event.action),
        from_state: event.from_state.map_or("", |s| state_zh(s.as_str())),
        to_state: event.to_state.map_or("", |s| state_zh(s.as_str())),
        note: event
            .details
            .get("note")
            .and_then(|n| n.as_str())
            .unwrap_or_default()
            .to_owned(),
    }
}
