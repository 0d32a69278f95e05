//! A unit and its people over the API: who the calling unit is (`GET /api/v1/units/me`, the
//! unit pages' header), and the unit's personal accounts — listed, invited (a generated
//! one-time password, answered once) and disabled (their sessions end). `me` is the calling
//! unit; a provincial administrator names a unit by its id. Who may is
//! `vocweek_app::Members`'s rule.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vocweek_app::Invitation;
use vocweek_db::members::UnitMember;
use vocweek_db::tokens::Principal;

use crate::auth::Caller;
use crate::{ApiError, AppState};

/// The calling unit, and the person signed in when it is a person's session.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitMeJson {
    pub id: i32,
    pub name: String,
    /// `higher_vocational_college`, `city_bureau`, …
    pub kind: String,
    pub city: String,
    /// The desk the unit reports to: `edu` or `hr`.
    pub desk: String,
    /// The person signed in (`/unit/login`); `null` for the unit's shared upload token.
    pub member: Option<SignedInPersonJson>,
}

/// A unit person signed in.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedInPersonJson {
    pub username: String,
    pub display_name: String,
    /// `member` or `unit_admin` (who may invite the unit's people).
    pub role: String,
}

/// A person of a unit with a personal account.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitMemberJson {
    pub username: String,
    pub display_name: String,
    /// `member` or `unit_admin`.
    pub role: String,
    /// Not signed in with their own password yet.
    pub must_change_password: bool,
    /// Disabled: cannot sign in.
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

impl From<UnitMember> for UnitMemberJson {
    fn from(member: UnitMember) -> Self {
        UnitMemberJson {
            username: member.username,
            display_name: member.display_name,
            role: member.role.as_str().to_owned(),
            must_change_password: member.must_change_password,
            disabled: member.disabled_at.is_some(),
            created_at: member.created_at,
        }
    }
}

/// A person to invite.
#[derive(Debug, Deserialize, ToSchema)]
pub struct InviteRequest {
    /// 3 to 32 Latin letters, digits, `.`, `_` or `-` (stored lowercase; unique among the
    /// units' people).
    pub username: String,
    /// The person's name as the pages show it (上传人): one line, at most 40 characters.
    pub display_name: String,
    /// `member` (default) or `unit_admin`.
    #[serde(default)]
    pub role: Option<String>,
}

/// The invited person and their one-time password.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitedJson {
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// A generated one-time password, shown only in this answer: hand it to the person, who
    /// signs in at `/unit/login` and must choose their own first.
    pub password: String,
}

/// The calling unit's id: `me` is for units (their token or a person's session).
fn my_unit(caller: &Caller) -> Result<i32, ApiError> {
    match &caller.0 {
        Principal::Unit { id, .. } => Ok(*id),
        _ => Err(ApiError::forbidden(
            "'me' names the calling unit; administrators name a unit by its id",
        )),
    }
}

/// Who is calling, as the unit pages show it: the unit, and the person if one signed in.
#[utoipa::path(get, path = "/api/v1/units/me", tag = "units",
    security(("bearer" = [])),
    responses((status = 200, body = UnitMeJson),
              (status = 403, description = "`forbidden`: not a unit (staff, partners)", body = crate::json::ErrorEnvelope)))]
pub async fn unit_me(caller: Caller) -> Result<HttpResponse, ApiError> {
    let Principal::Unit {
        id,
        name,
        kind,
        city,
        desk,
        member,
    } = caller.0
    else {
        return Err(ApiError::forbidden(
            "only a unit's token or a unit person's session is a unit",
        ));
    };
    Ok(HttpResponse::Ok().json(UnitMeJson {
        id,
        name,
        kind: kind.as_str().to_owned(),
        city,
        desk: desk.as_str().to_owned(),
        member: member.map(|person| SignedInPersonJson {
            username: person.username,
            display_name: person.display_name,
            role: person.role.as_str().to_owned(),
        }),
    }))
}

async fn list(state: &AppState, caller: &Caller, unit: i32) -> Result<HttpResponse, ApiError> {
    let people = state.members.list(&caller.0, unit).await?;
    Ok(HttpResponse::Ok().json(
        people
            .into_iter()
            .map(UnitMemberJson::from)
            .collect::<Vec<_>>(),
    ))
}

async fn invite(
    state: &AppState,
    caller: &Caller,
    unit: i32,
    body: InviteRequest,
) -> Result<HttpResponse, ApiError> {
    let invited = state
        .members
        .invite(
            &caller.0,
            unit,
            Invitation {
                username: body.username,
                display_name: body.display_name,
                role: body.role,
            },
        )
        .await?;
    tracing::info!(
        unit,
        username = %invited.member.username,
        role = invited.member.role.as_str(),
        "unit person invited"
    );
    Ok(HttpResponse::Created()
        // A password in the body: no cache, shared or private, keeps a copy.
        .insert_header(("Cache-Control", "no-store"))
        .json(InvitedJson {
            username: invited.member.username,
            display_name: invited.member.display_name,
            role: invited.member.role.as_str().to_owned(),
            password: invited.password,
        }))
}

async fn disable(
    state: &AppState,
    caller: &Caller,
    unit: i32,
    username: &str,
) -> Result<HttpResponse, ApiError> {
    let ended = state.members.disable(&caller.0, unit, username).await?;
    tracing::info!(
        unit,
        username,
        sessions_ended = ended,
        "unit person disabled"
    );
    Ok(HttpResponse::NoContent().finish())
}

/// The calling unit's people (for its unit admins).
#[utoipa::path(get, path = "/api/v1/units/me/members", tag = "units",
    security(("bearer" = [])),
    responses((status = 200, body = [UnitMemberJson]),
              (status = 403, description = "`forbidden`: not a unit admin's session (the unit's token, a plain member, staff)", body = crate::json::ErrorEnvelope)))]
pub async fn list_my_members(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    list(&state, &caller, my_unit(&caller)?).await
}

/// A unit admin invites a person of their unit; the answer holds the one-time password.
#[utoipa::path(post, path = "/api/v1/units/me/members", tag = "units",
    request_body = InviteRequest,
    security(("bearer" = [])),
    responses((status = 201, body = InvitedJson),
              (status = 403, description = "`forbidden`: not a unit admin's session", body = crate::json::ErrorEnvelope),
              (status = 409, description = "`already-exists`: the username is taken", body = crate::json::ErrorEnvelope),
              (status = 422, description = "`invalid-member` (username, name or role refused), `too-many-members`", body = crate::json::ErrorEnvelope)))]
pub async fn invite_my_member(
    caller: Caller,
    state: web::Data<AppState>,
    body: web::Json<InviteRequest>,
) -> Result<HttpResponse, ApiError> {
    let unit = my_unit(&caller)?;
    invite(&state, &caller, unit, body.into_inner()).await
}

/// A unit admin disables a person of their unit: they cannot sign in any more, and every
/// session of theirs ends at once. Disabling someone disabled already changes nothing.
#[utoipa::path(delete, path = "/api/v1/units/me/members/{username}", tag = "units",
    params(("username" = String, Path, description = "The person's username")),
    security(("bearer" = [])),
    responses((status = 204, description = "Disabled; their sessions have ended"),
              (status = 403, description = "`forbidden`: not a unit admin's session", body = crate::json::ErrorEnvelope),
              (status = 404, description = "`not-found`: no such person in this unit", body = crate::json::ErrorEnvelope),
              (status = 409, description = "`own-account`: a unit admin does not disable themselves", body = crate::json::ErrorEnvelope)))]
pub async fn disable_my_member(
    caller: Caller,
    state: web::Data<AppState>,
    username: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let unit = my_unit(&caller)?;
    disable(&state, &caller, unit, &username).await
}

/// A unit's people, for provincial administrators (and the unit's own admins).
#[utoipa::path(get, path = "/api/v1/units/{id}/members", tag = "units",
    params(("id" = i32, Path, description = "Unit id")),
    security(("bearer" = [])),
    responses((status = 200, body = [UnitMemberJson]),
              (status = 403, description = "`forbidden`: neither an administrator nor the unit's admin", body = crate::json::ErrorEnvelope),
              (status = 404, description = "`not-found`: no such unit (or, to another unit, not theirs)", body = crate::json::ErrorEnvelope)))]
pub async fn list_members(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    list(&state, &caller, id.into_inner()).await
}

/// Invites a person into a unit: how a provincial administrator gives a unit its first unit
/// admin (`"role": "unit_admin"`). The answer holds the one-time password.
#[utoipa::path(post, path = "/api/v1/units/{id}/members", tag = "units",
    params(("id" = i32, Path, description = "Unit id")),
    request_body = InviteRequest,
    security(("bearer" = [])),
    responses((status = 201, body = InvitedJson),
              (status = 403, description = "`forbidden`: neither an administrator nor the unit's admin", body = crate::json::ErrorEnvelope),
              (status = 404, description = "`not-found`: no such unit (or, to another unit, not theirs)", body = crate::json::ErrorEnvelope),
              (status = 409, description = "`already-exists`: the username is taken", body = crate::json::ErrorEnvelope),
              (status = 422, description = "`invalid-member` (username, name or role refused), `too-many-members`", body = crate::json::ErrorEnvelope)))]
pub async fn invite_member(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: web::Json<InviteRequest>,
) -> Result<HttpResponse, ApiError> {
    invite(&state, &caller, id.into_inner(), body.into_inner()).await
}

/// Disables a person of a unit (a departed unit admin, say); their sessions end at once.
#[utoipa::path(delete, path = "/api/v1/units/{id}/members/{username}", tag = "units",
    params(("id" = i32, Path, description = "Unit id"),
           ("username" = String, Path, description = "The person's username")),
    security(("bearer" = [])),
    responses((status = 204, description = "Disabled; their sessions have ended"),
              (status = 403, description = "`forbidden`: neither an administrator nor the unit's admin", body = crate::json::ErrorEnvelope),
              (status = 404, description = "`not-found`: no such unit, or no such person in it", body = crate::json::ErrorEnvelope),
              (status = 409, description = "`own-account`: a unit admin does not disable themselves", body = crate::json::ErrorEnvelope)))]
pub async fn disable_member(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(i32, String)>,
) -> Result<HttpResponse, ApiError> {
    let (unit, username) = path.into_inner();
    disable(&state, &caller, unit, &username).await
}
