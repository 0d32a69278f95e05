//! The signed-in editor or admin of a page request (from the session cookie).

use actix_web::{HttpRequest, HttpResponse, web};
use vocweek_db::assets::Scope;
use vocweek_db::tokens::Principal;
use vocweek_domain::Role;

use super::session_cookie;
use crate::AppState;

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
}

pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}
