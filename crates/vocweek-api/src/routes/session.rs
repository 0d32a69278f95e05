use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use vocweek_db::accounts::SESSION_HOURS;

use crate::json::{SessionJson, SignInRequest};
use crate::{ApiError, AppState};

/// Signs an editor or admin in; the token goes in `Authorization: Bearer`.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = SignInRequest,
    responses((status = 200, body = SessionJson),
              (status = 401, description = "invalid-credentials", body = crate::json::ErrorEnvelope)))]
pub async fn sign_in(
    state: web::Data<AppState>,
    body: web::Json<SignInRequest>,
) -> Result<HttpResponse, ApiError> {
    match state.db.sign_in(&body.username, &body.password).await? {
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
