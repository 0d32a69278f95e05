//! `Authorization: Bearer <token>` → who is calling.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use vocweek_db::assets::Scope;
use vocweek_db::tokens::{Principal, TokenRejection};
use vocweek_domain::Role;
use vocweek_pipeline::Uploader;

use crate::web::session_cookie;
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
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let header = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .map(|value| value.to_str().map(str::to_owned));
        // The web queue's pages authenticate with the session cookie. A state-changing request
        // made with the cookie must also carry the session's CSRF token in a header.
        let cookie = session_cookie::token(req);
        let safe_method = matches!(req.method().as_str(), "GET" | "HEAD" | "OPTIONS");
        let csrf = req
            .headers()
            .get(session_cookie::CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(&"application state missing"))?;
            let token = match (header, cookie) {
                (Some(Ok(value)), _) => bearer_token(&value)
                    .map(str::to_owned)
                    .ok_or_else(missing_token)?,
                (Some(Err(_)), _) => {
                    return Err(unauthorized("invalid-token", "the token is not valid"));
                }
                (None, Some(session)) => {
                    let csrf_valid = csrf.is_some_and(|c| session_cookie::csrf_ok(&session, &c));
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
            principal(&state, &token).await.map(Caller)
        })
    }
}

/// The token of an `Authorization: Bearer <token>` header value.
pub fn bearer_token(value: &str) -> Option<&str> {
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// Who holds `token`, or why it is refused (401 with a code saying which).
pub async fn principal(state: &AppState, token: &str) -> Result<Principal, ApiError> {
    match state.db.authenticate(token).await? {
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
    /// Only units upload.
    pub fn uploader(&self) -> Result<Uploader, ApiError> {
        match &self.0 {
            Principal::Unit { id, desk, city, .. } => Ok(Uploader {
                unit_id: *id,
                desk: *desk,
                city: city.clone(),
            }),
            _ => Err(ApiError::forbidden("uploading needs a unit's upload token")),
        }
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
            Principal::User { desk: None, .. } => Ok(Scope::Everything),
            Principal::Partner { .. } => Err(ApiError::forbidden(
                "partners read approved assets through the partner feed",
            )),
        }
    }
}
