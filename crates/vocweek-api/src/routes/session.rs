use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use vocweek_db::accounts::SESSION_HOURS;

use crate::json::{SessionJson, SignInRequest};
use crate::{ApiError, AppState};

/// Signs an editor or admin in; the token goes in `Authorization: Bearer`.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = SignInRequest,
    responses((status = 200, body = SessionJson),
              (status = 401, description = "invalid-credentials", body = crate::json::ErrorEnvelope),
              (status = 429, description = "`too-many-attempts`: too many failed sign-ins for this username; `details.retry_after_seconds` and `Retry-After` say when to try again", body = crate::json::ErrorEnvelope)))]
pub async fn sign_in(
    state: web::Data<AppState>,
    body: web::Json<SignInRequest>,
) -> Result<HttpResponse, ApiError> {
    let attempt = state
        .sign_in_throttle
        .begin(&body.username)
        .map_err(too_many_attempts)?;
    let signed_in = state.db.sign_in(&body.username, &body.password).await;
    state
        .sign_in_throttle
        .finish(attempt, signed_in.as_ref().ok().map(Option::is_some));
    match signed_in? {
        Some(token) => Ok(HttpResponse::Ok().json(SessionJson {
            token,
            expires_in_seconds: SESSION_HOURS * 3600,
        })),
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid-credentials",
            "wrong username or password",
        )),
    }
}

/// 429 with the wait, for the API and the login page alike.
pub fn too_many_attempts(seconds: u64) -> ApiError {
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too-many-attempts",
        format!("too many failed sign-ins; try again in {seconds} seconds"),
    )
    .with_details(serde_json::json!({ "retry_after_seconds": seconds }))
}
