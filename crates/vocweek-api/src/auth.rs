//! `Authorization: Bearer <token>` → who is calling.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use vocweek_db::assets::Scope;
use vocweek_db::tokens::{Principal, TokenRejection};
use vocweek_domain::Role;
use vocweek_pipeline::Uploader;

use crate::session_cookie;
use crate::{ApiError, AppState};

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

fn unauthorized(code: &'static str, message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, code, message)
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let presented = presented_token(req);
        Box::pin(async move {
            let (state, token) = presented?;
            principal(&state, &token).await.map(Caller)
        })
    }
}

/// The caller of `POST /api/v1/session/password`: like [`Caller`], but a user who must change
/// their password is let through too — changing it is what they are sent to do.
#[derive(Debug, Clone)]
pub struct PasswordOwner(pub Principal);

impl FromRequest for PasswordOwner {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let presented = presented_token(req);
        Box::pin(async move {
            let (state, token) = presented?;
            principal_even_if_password_must_change(&state, &token)
                .await
                .map(PasswordOwner)
        })
    }
}

/// The token a request presents: its bearer header, or else the session cookie (a staff
/// member's, or a unit person's from `/unit/login`). A state-changing request made with the
/// cookie must also carry the session's CSRF token in the `X-CSRF-Token` header, which only
/// the site's own pages can read (`<meta name="csrf">`).
fn presented_token(req: &HttpRequest) -> Result<(web::Data<AppState>, String), ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal(&"application state missing"))?;
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .map(|value| value.to_str().map(str::to_owned));
    let token = match (header, session_cookie::token(req)) {
        (Some(Ok(value)), _) => bearer_token(&value)
            .map(str::to_owned)
            .ok_or_else(missing_token)?,
        (Some(Err(_)), _) => {
            return Err(unauthorized("invalid-token", "the token is not valid"));
        }
        (None, Some(session)) => {
            let safe_method = matches!(req.method().as_str(), "GET" | "HEAD" | "OPTIONS");
            let csrf_valid = req
                .headers()
                .get(session_cookie::CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|c| session_cookie::csrf_ok(&session, c));
            if !safe_method && !csrf_valid {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf-failed",
                    "this request needs the page's CSRF token; reload the page",
                ));
            }
            session
        }
        (None, None) => return Err(missing_token()),
    };
    Ok((state, token))
}

/// The token of an `Authorization: Bearer <token>` header value.
pub fn bearer_token(value: &str) -> Option<&str> {
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// Who holds `token`, or why it is refused (401 with a code saying which). A user who signed
/// in with a generated password is refused (403 `password-change-required`) until they choose
/// their own: only [`PasswordOwner`] lets them through, to change it.
pub async fn principal(state: &AppState, token: &str) -> Result<Principal, ApiError> {
    let principal = principal_even_if_password_must_change(state, token).await?;
    if principal.must_change_password() {
        return Err(password_change_required());
    }
    Ok(principal)
}

/// The answer to a user who must change their password first, on every route but that one.
pub fn password_change_required() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "password-change-required",
        "sign-in with a generated password: change it first (POST /api/v1/session/password)",
    )
}

async fn principal_even_if_password_must_change(
    state: &AppState,
    token: &str,
) -> Result<Principal, ApiError> {
    match state.db.authenticate(token).await? {
        // An editor is scoped by its desk; one without a desk (a row edited by hand: the command
        // line refuses to make one) would otherwise read as if it saw everything.
        Ok(Principal::User {
            role: Role::Editor,
            desk: None,
            ..
        }) => Err(ApiError::forbidden(
            "this editor account has no desk; an admin must give it one",
        )),
        Ok(principal) => Ok(principal),
        Err(TokenRejection::Unknown) => {
            Err(unauthorized("invalid-token", "the token is not valid"))
        }
        Err(TokenRejection::Revoked) => Err(unauthorized(
            "token-revoked",
            "the token was revoked; ask the provincial office for a new one",
        )),
        Err(TokenRejection::Expired) => Err(unauthorized(
            "token-expired",
            "the session has expired; sign in again",
        )),
    }
}

/// The answer to a request without a token.
pub fn missing_token() -> ApiError {
    unauthorized("missing-token", "send 'Authorization: Bearer <token>'")
}

impl Caller {
    /// Only units upload: with their shared token or a person's session, which the upload
    /// then names.
    pub fn uploader(&self) -> Result<Uploader, ApiError> {
        match &self.0 {
            Principal::Unit {
                id,
                desk,
                city,
                member,
                ..
            } => Ok(Uploader {
                unit_id: *id,
                desk: *desk,
                city: city.clone(),
                member_id: member.as_ref().map(|person| person.id),
            }),
            _ => Err(ApiError::forbidden("uploading needs a unit's upload token")),
        }
    }

    /// The unit's person behind the call (a personal account's session); `None` for the unit's
    /// shared token and for everyone else.
    pub fn member_id(&self) -> Option<i32> {
        self.0.unit_person().map(|person| person.id)
    }

    /// The caller as the use cases of `vocweek_app` check it.
    pub fn actor(&self) -> vocweek_app::Actor {
        vocweek_app::Actor::from(&self.0)
    }

    /// Units see their own view of an asset; editors and admins the staff view.
    pub fn audience(&self) -> crate::json::Audience {
        match self.0 {
            Principal::Unit { .. } | Principal::Partner { .. } => crate::json::Audience::Unit,
            Principal::User { .. } => crate::json::Audience::Staff,
        }
    }

    /// What the caller may read: its own unit's items, its desk's, or everything (admins).
    pub fn read_scope(&self) -> Result<Scope, ApiError> {
        match &self.0 {
            Principal::Unit { id, .. } => Ok(Scope::Unit(*id)),
            Principal::User {
                role: Role::Admin, ..
            } => Ok(Scope::Everything),
            Principal::User {
                desk: Some(desk), ..
            } => Ok(Scope::Desk(*desk)),
            // An editor without a desk (a row edited by hand) reaches nothing, as on the pages
            // and in the use cases, rather than everything.
            Principal::User { desk: None, .. } => Err(ApiError::forbidden(
                "this account has no desk; an administrator must assign one",
            )),
            Principal::Partner { .. } => Err(ApiError::forbidden(
                "partners read approved assets through the partner feed",
            )),
        }
    }
}
