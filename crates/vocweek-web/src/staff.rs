//! The signed-in editor or admin of a page request (from the session cookie), as handler
//! arguments: `Staff` for pages, `StaffForm` for form posts (sign-in and CSRF checked once,
//! here, for every handler).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::InternalError;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use vocweek_api::AppState;
use vocweek_api::session_cookie;
use vocweek_db::assets::Scope;
use vocweek_db::tokens::Principal;
use vocweek_domain::Role;

use crate::form::{field, form_pairs, stale_form};
use crate::layout::error_message;

pub struct Staff {
    pub user_id: i32,
    pub username: String,
    pub scope: Scope,
    pub role: Role,
    pub session: String,
    /// Signed in with a generated password, not changed yet.
    pub must_change_password: bool,
}

/// Where a staff member who must change their password is sent, from every other page.
pub const PASSWORD_PAGE: &str = "/account/password";

/// The staff member, or the redirect to the login page (with a way back). One who signed in
/// with a generated password is sent to 修改密码 until they have chosen their own.
pub async fn signed_in(
    req: &HttpRequest,
    state: &web::Data<AppState>,
) -> Result<Staff, HttpResponse> {
    let staff = signed_in_even_if_password_must_change(req, state).await?;
    if staff.must_change_password {
        return Err(HttpResponse::SeeOther()
            .insert_header(("Location", PASSWORD_PAGE))
            .finish());
    }
    Ok(staff)
}

/// The staff member, whether or not they must change their password: only for the 修改密码
/// page itself.
pub async fn signed_in_even_if_password_must_change(
    req: &HttpRequest,
    state: &web::Data<AppState>,
) -> Result<Staff, HttpResponse> {
    let to_login = || {
        let next = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/queue");
        HttpResponse::SeeOther()
            .insert_header(("Location", format!("/login?next={}", urlencode(next))))
            .finish()
    };
    let Some(session) = session_cookie::token(req) else {
        return Err(to_login());
    };
    match state.db.authenticate(&session).await {
        // An editor without a desk (a row edited by hand) sees nothing rather than everything.
        Ok(Ok(Principal::User {
            role: Role::Editor,
            desk: None,
            ..
        })) => Err(to_login()),
        Ok(Ok(Principal::User {
            id,
            username,
            role,
            desk,
            must_change_password,
        })) => Ok(Staff {
            user_id: id,
            username,
            scope: match desk {
                Some(desk) if role == Role::Editor => Scope::Desk(desk),
                _ => Scope::Everything,
            },
            role,
            session,
            must_change_password,
        }),
        _ => Err(to_login()),
    }
}

impl Staff {
    /// The desk whose units this person sees; `None` is every desk.
    pub fn desk(&self) -> Option<vocweek_domain::Desk> {
        match self.scope {
            Scope::Desk(desk) => Some(desk),
            _ => None,
        }
    }

    /// This person as the use cases of `vocweek_app` check them.
    pub fn actor(&self) -> vocweek_app::Actor {
        vocweek_app::Actor::Staff {
            user_id: self.user_id,
            role: self.role,
            desk: self.desk(),
        }
    }

    /// The CSRF token the forms of this person's pages carry.
    pub fn csrf(&self) -> String {
        session_cookie::csrf_token(&self.session)
    }
}

type Extracted<T> = Pin<Box<dyn Future<Output = Result<T, actix_web::Error>>>>;

/// An answer given instead of running the handler (a redirect, a refusal page).
fn instead(answer: HttpResponse) -> actix_web::Error {
    InternalError::from_response("answered by the page's extractor", answer).into()
}

fn app_state(req: &HttpRequest) -> Result<web::Data<AppState>, actix_web::Error> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| {
            tracing::error!("a page was served without the application's state");
            instead(error_message(
                actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
                "出错了",
                "系统错误",
            ))
        })
}

/// A page's reader: signed in, password chosen; otherwise the handler does not run and the
/// browser goes to the login page (or 修改密码).
impl FromRequest for Staff {
    type Error = actix_web::Error;
    type Future = Extracted<Staff>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = app_state(&req)?;
            signed_in(&req, &state).await.map_err(instead)
        })
    }
}

/// A form post of a signed-in staff member whose `csrf` field belongs to their session: the
/// form's fields in order (checkboxes and buttons repeat a name). A missing or foreign token
/// is answered 403 with 页面已过期 before the handler runs.
pub struct StaffForm {
    pub staff: Staff,
    pub pairs: Vec<(String, String)>,
}

impl StaffForm {
    /// The first value of `name`, trimmed.
    pub fn field(&self, name: &str) -> Option<String> {
        field(&self.pairs, name)
    }
}

impl FromRequest for StaffForm {
    type Error = actix_web::Error;
    type Future = Extracted<StaffForm>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = String::from_request(&req, payload);
        Box::pin(async move {
            let state = app_state(&req)?;
            let staff = signed_in(&req, &state).await.map_err(instead)?;
            let pairs = form_pairs(&body.await?);
            let fresh = field(&pairs, "csrf")
                .is_some_and(|token| session_cookie::csrf_ok(&staff.session, &token));
            if !fresh {
                return Err(instead(stale_form()));
            }
            Ok(StaffForm { staff, pairs })
        })
    }
}

/// Characters left as they are in a link's path or query value: RFC 3986's unreserved ones,
/// and `/` so a `next=` path stays readable.
const LINK_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// `text` percent-encoded for a link (a Location header, a query value).
pub fn urlencode(text: &str) -> String {
    utf8_percent_encode(text, LINK_VALUE).to_string()
}
