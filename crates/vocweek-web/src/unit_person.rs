//! The unit person of a page request (the session cookie from `/unit/login`), for the pages
//! only they open: 修改密码 (`/unit/password`) and 单位账号 (`/unit/members`). Anyone else — no
//! session, a staff member's, the unit's token, a disabled person's — is sent to the sign-in.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use vocweek_api::AppState;
use vocweek_api::session_cookie::{csrf_token, token};
use vocweek_db::tokens::{Principal, UnitPerson};

use crate::unit_login::{LOGIN, PASSWORD};

/// The unit person of this browser's session cookie.
pub struct SignedIn {
    pub unit_id: i32,
    pub unit_name: String,
    pub person: UnitPerson,
    pub session: String,
    /// As the use cases take the caller (`vocweek_app::Members`).
    pub principal: Principal,
}

impl SignedIn {
    /// The CSRF token of this person's session, for the page's forms.
    pub fn csrf(&self) -> String {
        csrf_token(&self.session)
    }
}

fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", to))
        .finish()
}

/// The person signed in, whether or not they must change their password; otherwise the
/// redirect to `/unit/login`.
pub async fn signed_in(req: &HttpRequest, state: &AppState) -> Result<SignedIn, HttpResponse> {
    let Some(session) = token(req) else {
        return Err(redirect(LOGIN));
    };
    match state.db.authenticate(&session).await {
        Ok(Ok(principal)) => {
            let (unit_id, unit_name, person) = match &principal {
                Principal::Unit {
                    id,
                    name,
                    member: Some(person),
                    ..
                } => (*id, name.clone(), person.clone()),
                _ => return Err(redirect(LOGIN)),
            };
            Ok(SignedIn {
                unit_id,
                unit_name,
                person,
                session,
                principal,
            })
        }
        Ok(Err(_)) => Err(redirect(LOGIN)),
        Err(err) => {
            tracing::error!(error = %err, "reading a unit person's session failed");
            Err(crate::layout::error_message(
                StatusCode::SERVICE_UNAVAILABLE,
                "出错了",
                "系统暂时不可用，请稍后再试。",
            ))
        }
    }
}

/// As [`signed_in`], and sent to 修改密码 first while they must change a generated password.
pub async fn signed_in_with_own_password(
    req: &HttpRequest,
    state: &AppState,
) -> Result<SignedIn, HttpResponse> {
    let who = signed_in(req, state).await?;
    if who.person.must_change_password {
        return Err(redirect(PASSWORD));
    }
    Ok(who)
}
