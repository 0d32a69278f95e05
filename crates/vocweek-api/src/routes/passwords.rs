//! Passwords over the API: a signed-in editor or admin changes their own
//! (`POST /api/v1/session/password`), an administrator resets someone's to a generated one-time
//! password (`POST /api/v1/users/{username}/password`). Either way every session of that user
//! ends, so a leaked password or a stolen session stops working at once.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vocweek_db::DbResult;
use vocweek_db::passwords::{Account, PasswordChanged, PasswordRefusal};
use vocweek_db::secrets::new_password;
use vocweek_db::tokens::Principal;
use vocweek_domain::Role;

use super::session::too_many_attempts;
use crate::auth::{Caller, PasswordOwner};
use crate::sign_in_throttle::unit_person_key;
use crate::{ApiError, AppState};

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordChangeRequest {
    pub current_password: String,
    /// At least 10 characters, not the username, not the current password.
    pub new_password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordResetJson {
    pub username: String,
    /// A generated one-time password, shown only in this answer: hand it to the user, who must
    /// choose their own at the next sign-in (until then every other route answers 403
    /// `password-change-required`).
    pub password: String,
}

/// A refused change: `wrong-password` (403) or `weak-password` (422), with the rule's part in
/// `details.reason`.
fn refused(refusal: PasswordRefusal) -> ApiError {
    let status = match refusal {
        PasswordRefusal::WrongPassword => StatusCode::FORBIDDEN,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    ApiError::new(status, refusal.code(), refusal.explanation())
        .with_details(serde_json::json!({ "reason": refusal.reason() }))
}

/// Whose own password changes: a staff user's or a unit person's, by id.
enum Own {
    Staff(i32),
    UnitPerson(i32),
}

/// How a password change ends for the sign-in throttle: the current password was proven (even
/// if the new one is refused), was wrong, or could not be checked (`None`: the database).
pub fn proven(changed: &DbResult<Result<PasswordChanged, PasswordRefusal>>) -> Option<bool> {
    changed
        .as_ref()
        .ok()
        .map(|outcome| !matches!(outcome, Err(PasswordRefusal::WrongPassword)))
}

/// Changes the caller's own password: an editor's or admin's, or a unit person's (signed in at
/// `/unit/login`). Also open to someone who signed in with a generated password and must
/// change it (every other route refuses them).
#[utoipa::path(post, path = "/api/v1/session/password", tag = "session",
    request_body = PasswordChangeRequest,
    security(("bearer" = [])),
    responses((status = 204, description = "Changed. Every session of the user has ended, the caller's own included: sign in again with the new password (`POST /api/v1/session`)"),
              (status = 401, body = crate::json::ErrorEnvelope),
              (status = 403, description = "`wrong-password`: the current password is wrong; `forbidden`: the token is not a person's session (a unit's upload token, a partner's key)", body = crate::json::ErrorEnvelope),
              (status = 422, description = "`weak-password`; `details.reason`: `password-too-short`, `password-same-as-username` or `password-unchanged`", body = crate::json::ErrorEnvelope),
              (status = 429, description = "`too-many-attempts`: wrong current passwords count as failed sign-ins", body = crate::json::ErrorEnvelope)))]
pub async fn change_own_password(
    owner: PasswordOwner,
    state: web::Data<AppState>,
    body: web::Json<PasswordChangeRequest>,
) -> Result<HttpResponse, ApiError> {
    // A staff member's account, or a unit person's (`/unit/login`): the unit's shared token
    // has no password.
    let (account, throttled_as) = match &owner.0 {
        Principal::User { id, username, .. } => (Own::Staff(*id), username.clone()),
        Principal::Unit {
            member: Some(person),
            ..
        } => (
            Own::UnitPerson(person.id),
            unit_person_key(&person.username),
        ),
        _ => {
            return Err(ApiError::forbidden(
                "only a signed-in person's session has a password to change",
            ));
        }
    };
    // Guessing the current password with a stolen session is password guessing: the same
    // throttle as the sign-in.
    let attempt = state
        .sign_in_throttle
        .begin(&throttled_as)
        .map_err(too_many_attempts)?;
    let changed = match account {
        Own::Staff(user_id) => {
            state
                .db
                .change_own_password(user_id, &body.current_password, &body.new_password)
                .await
        }
        Own::UnitPerson(member_id) => {
            state
                .db
                .change_own_member_password(member_id, &body.current_password, &body.new_password)
                .await
        }
    };
    state.sign_in_throttle.finish(attempt, proven(&changed));
    match changed? {
        Ok(_) => Ok(HttpResponse::NoContent().finish()),
        Err(refusal) => Err(refused(refusal)),
    }
}

/// An administrator resets a user's password to a generated one-time password, which the user
/// must change at their next sign-in. Every session of the user ends.
#[utoipa::path(post, path = "/api/v1/users/{username}/password", tag = "session",
    params(("username" = String, Path, description = "The editor's or administrator's username")),
    security(("bearer" = [])),
    responses((status = 200, body = PasswordResetJson, description = "The new one-time password, shown only now; the user's sessions have ended"),
              (status = 401, body = crate::json::ErrorEnvelope),
              (status = 403, description = "`forbidden`: not an administrator", body = crate::json::ErrorEnvelope),
              (status = 404, description = "`not-found`: no such user", body = crate::json::ErrorEnvelope),
              (status = 422, description = "`weak-password`: the generated password was refused by the password rule (not expected: a generated password passes it)", body = crate::json::ErrorEnvelope)))]
pub async fn reset_password(
    caller: Caller,
    state: web::Data<AppState>,
    username: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    if !matches!(
        caller.0,
        Principal::User {
            role: Role::Admin,
            ..
        }
    ) {
        return Err(ApiError::forbidden(
            "only an administrator resets passwords",
        ));
    }
    let password = new_password();
    match state
        .db
        .change_password(Account::Username(&username), &password, true)
        .await?
    {
        Ok(changed) => Ok(HttpResponse::Ok()
            // A password in the body: no cache, shared or private, keeps a copy.
            .insert_header(("Cache-Control", "no-store"))
            .json(PasswordResetJson {
                username: changed.username,
                password,
            })),
        // A generated password passes the rule; answered all the same should that ever change.
        Err(refusal) => Err(refused(refusal)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_wrong_current_password_counts_as_a_failed_attempt() {
        let changed = PasswordChanged {
            user_id: 1,
            username: "editor".to_owned(),
            sessions_ended: 2,
        };
        assert_eq!(proven(&Ok(Ok(changed))), Some(true));
        assert_eq!(
            proven(&Ok(Err(PasswordRefusal::WrongPassword))),
            Some(false)
        );
        assert_eq!(proven(&Ok(Err(PasswordRefusal::TooShort))), Some(true));
        let outage = vocweek_db::DbError::Corrupt("x".to_owned());
        assert_eq!(proven(&Err(outage)), None);
    }

    #[test]
    fn refusals_answer_403_or_422_with_the_reason() {
        let wrong = refused(PasswordRefusal::WrongPassword);
        assert_eq!(
            (wrong.status, wrong.code),
            (StatusCode::FORBIDDEN, "wrong-password")
        );
        let weak = refused(PasswordRefusal::SameAsUsername);
        assert_eq!(
            (weak.status, weak.code),
            (StatusCode::UNPROCESSABLE_ENTITY, "weak-password")
        );
        assert_eq!(weak.details["reason"], "password-same-as-username");
    }
}
