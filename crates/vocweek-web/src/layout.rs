//! The frame every page shares (`templates/base.html`) and the one way a page becomes an
//! answer. Page text lives in the templates, which escape every value unless told otherwise.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use vocweek_api::session_cookie;
pub use vocweek_api::shanghai_time::beijing;

use crate::menu::{NavLink, Place, menu};
use crate::staff::Staff;

/// Whose page it is: decides the header, and whether the queue's keyboard script loads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    /// Signed out (login, errors before sign-in).
    Public,
    /// A signed-in editor or admin: header with the menu, 修改密码 and 退出, the CSRF token
    /// for scripts.
    Staff,
    /// A unit's pages (素材报送).
    Unit,
}

/// The frame's values: the title (text) and, on a staff page, the session's CSRF token, the
/// menu of what the staff member may open and who is signed in.
pub struct Frame {
    pub title: String,
    pub csrf: Option<String>,
    /// The staff menu (`crate::menu`); empty off the staff pages.
    pub nav: Vec<NavLink>,
    /// Who is signed in, on a staff page; empty elsewhere.
    pub user: String,
    side: Side,
}

impl Frame {
    /// A page anyone may see.
    pub fn public(title: impl Into<String>) -> Frame {
        Frame {
            title: title.into(),
            csrf: None,
            nav: Vec::new(),
            user: String::new(),
            side: Side::Public,
        }
    }

    /// A signed-in staff member's page in the menu's section `place`: the menu is the one of
    /// their role, the CSRF token the one of their session.
    pub fn staff(staff: &Staff, title: impl Into<String>, place: Place) -> Frame {
        Frame {
            title: title.into(),
            csrf: Some(staff.csrf()),
            nav: menu(staff.role, staff.desk(), place),
            user: staff.username.clone(),
            side: Side::Staff,
        }
    }

    /// A page of the units' side: its own header, nothing of the editors' queue. When the
    /// browser holds a session cookie (a unit person's, from `/unit/login`), the page carries
    /// that session's CSRF token for its script (`static/unit_session.js`), which sends it with
    /// every state-changing API call it makes on the cookie. Only this site's pages can read
    /// it; the API decides whose session it is.
    pub fn unit(title: impl Into<String>, req: &HttpRequest) -> Frame {
        Frame {
            title: title.into(),
            csrf: session_cookie::token(req).map(|session| session_cookie::csrf_token(&session)),
            nav: Vec::new(),
            user: String::new(),
            side: Side::Unit,
        }
    }

    pub fn is_staff(&self) -> bool {
        self.side == Side::Staff
    }

    pub fn is_unit(&self) -> bool {
        self.side == Side::Unit
    }
}

/// A page with one sentence: `class` is `error` or `notice` (see `site.css`).
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub frame: Frame,
    pub class: &'static str,
    pub text: String,
}

/// `page` rendered as the answer with `status`. A template that fails to render (a value whose
/// `Display` failed) is our bug: logged, answered 500 without internals.
pub fn html(status: StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(body),
        Err(err) => {
            tracing::error!(error = %err, "rendering a page failed");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("系统错误")
        }
    }
}

/// `page` answered 200.
pub fn ok(page: &impl Template) -> HttpResponse {
    html(StatusCode::OK, page)
}

/// A one-sentence error page for anyone.
pub fn error_message(status: StatusCode, title: &str, text: impl Into<String>) -> HttpResponse {
    html(
        status,
        &MessagePage {
            frame: Frame::public(title),
            class: "error",
            text: text.into(),
        },
    )
}

/// The Chinese word for an asset state.
pub fn state_zh(state: &str) -> &'static str {
    match state {
        "processing" => "处理中",
        "pending_review" => "待审核",
        "approved" => "已通过",
        "rejected" => "未通过",
        "returned" => "已退回",
        "recommended" => "已推荐",
        "failed" => "处理失败",
        _ => "未知",
    }
}

/// The Chinese word for an asset kind.
pub fn kind_zh(kind: &str) -> &'static str {
    match kind {
        "photo" => "照片",
        "video" => "视频",
        "article" => "稿件",
        "case" => "典型案例",
        _ => "其他",
    }
}
