//! Who may read the distribution endpoints: a partner's API key (within its request budget),
//! or an administrator checking what partners see.

use actix_web::http::StatusCode;
use vocweek_db::tokens::Principal;
use vocweek_domain::Role;

use crate::auth::Caller;
use crate::{ApiError, AppState};

/// A partner's key, or an admin (`partner` is `None`).
pub struct Reader {
    pub partner: Option<i32>,
}

pub fn reader(caller: &Caller, state: &AppState) -> Result<Reader, ApiError> {
    match &caller.0 {
        Principal::Partner { id, .. } => {
            within_budget(state, *id)?;
            Ok(Reader { partner: Some(*id) })
        }
        Principal::User {
            role: Role::Admin, ..
        } => Ok(Reader { partner: None }),
        _ => Err(ApiError::forbidden(
            "the distribution API is for media partners' API keys",
        )),
    }
}

/// 429 with `Retry-After` once the partner's budget is spent.
pub fn within_budget(state: &AppState, partner: i32) -> Result<(), ApiError> {
    state.distribution.limiter.check(partner).map_err(|wait| {
        let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            format!("too many requests for this API key; retry in {seconds} s"),
        )
        .with_details(serde_json::json!({ "retry_after_seconds": seconds }))
    })
}
