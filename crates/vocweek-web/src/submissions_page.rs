//! 我的报送: every item a unit sent, any day, newest first, with the editors' decisions and
//! notes. 今日报送 on the upload page only lists today's activity date, so a returned or
//! rejected item fell out of sight; here the unit reads why, and corrects a returned item — its
//! text and tags, or its file (更换文件, `PUT /api/v1/assets/{id}/file`) — which goes back to
//! review. Like the upload page it signs in with the unit's token or a person's session
//! (`static/unit_session.js`) and drives the JSON API from `static/submissions.js`.

use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use vocweek_domain::{AssetKind, AssetState};

use crate::choices::Select;
use crate::layout::{Frame, kind_zh, ok, state_zh};

/// The state filter's order as a unit thinks of its items: waiting, then the editors'
/// decisions, then what the machine still holds or could not read.
const STATE_ORDER: [AssetState; 7] = [
    AssetState::PendingReview,
    AssetState::Approved,
    AssetState::Recommended,
    AssetState::Returned,
    AssetState::Rejected,
    AssetState::Processing,
    AssetState::Failed,
];

/// The list is filled in by the script; the filters are rendered here so their values are the
/// API's own state and kind slugs, and the script reads the Chinese names from these options.
#[derive(Template)]
#[template(path = "unit/submissions.html")]
struct SubmissionsPage {
    frame: Frame,
    filters: Vec<Select>,
}

pub async fn show(req: HttpRequest) -> HttpResponse {
    let states = STATE_ORDER.map(|s| (s.as_str(), state_zh(s.as_str())));
    let kinds = AssetKind::ALL.map(|k| (k.as_str(), kind_zh(k.as_str())));
    ok(&SubmissionsPage {
        frame: Frame::unit("我的报送", &req),
        filters: vec![
            Select::new("状态", "state", Some("全部"), states, None),
            Select::new("类型", "kind", Some("全部"), kinds, None),
        ],
    })
}
