//! The authorization matrix (issue 17): every route the application registers — enumerated
//! from the router itself (`vocweek_api::registered_paths`, filled by `routes::resource`), not
//! from a list kept by hand — is run as each kind of caller, and every answer is checked
//! against one table. A route without a row fails the test, and so does a row without a route.
//!
//! Callers: no credentials, unit A (the objects' owner), unit B (a college of another city,
//! asking for unit A's objects), the editor of the objects' desk (edu), the editor of the other
//! desk (hr), an admin, a media partner's key, and a signed media URL of an approved item.
//! Beside the status, every refused answer, and every answer to a caller the objects are not
//! for, is searched for unit A's ids, titles, file names and name: a refusal must not tell
//! what it refuses.
//!
//! The older hand-written `authz.rs` stays: it checks a few routes with the other credential
//! styles (pages with each token as a cookie, uploads).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::time::Duration;

use base64::Engine;
use reqwest::Method;
use serde_json::{Value, json};
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::media::real_jpeg;
use vocweek_tests::web_session::csrf_from;
use vocweek_tests::{Backend, TestApp, Upload, both_databases, spawn_app};

/// The password `TestApp::user_session` gives the users it creates.
const TEST_PASSWORD: &str = "a long test password";
/// What the password-change rows change it to (10 characters or more, not the username).
const NEW_PASSWORD: &str = "a brand new matrix password";
/// The user whose password the admin's reset row resets (no one signs in as them).
const TARGET_USER: &str = "matrix-target";
const OFFSET_STREAM: &str = "application/offset+octet-stream";

/// The methods tried on every registered path to learn which it answers.
const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// The columns of the table, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Nobody,
    UnitA,
    UnitB,
    EduEditor,
    HrEditor,
    Admin,
    Partner,
    SignedUrl,
}

const CALLERS: [Who; 8] = [
    Who::Nobody,
    Who::UnitA,
    Who::UnitB,
    Who::EduEditor,
    Who::HrEditor,
    Who::Admin,
    Who::Partner,
    Who::SignedUrl,
];

impl Who {
    fn slug(self) -> &'static str {
        match self {
            Who::Nobody => "nobody",
            Who::UnitA => "unit-a",
            Who::UnitB => "unit-b",
            Who::EduEditor => "edu-editor",
            Who::HrEditor => "hr-editor",
            Who::Admin => "admin",
            Who::Partner => "partner",
            Who::SignedUrl => "signed-url",
        }
    }

    /// Callers unit A's objects are not for: nothing they receive may name them.
    fn outsider(self) -> bool {
        matches!(
            self,
            Who::Nobody | Who::UnitB | Who::HrEditor | Who::Partner | Who::SignedUrl
        )
    }

    /// The approved item is the partners' (feed, `/media`) and its signed URL's; not another
    /// unit's, the other desk's or an anonymous caller's.
    fn may_see_approved(self) -> bool {
        !matches!(self, Who::Nobody | Who::UnitB | Who::HrEditor)
    }

    /// The role and desk of a staff column (for fresh users of the same kind).
    fn staff(self) -> Option<(Role, Option<Desk>)> {
        match self {
            Who::EduEditor => Some((Role::Editor, Some(Desk::Edu))),
            Who::HrEditor => Some((Role::Editor, Some(Desk::Hr))),
            Who::Admin => Some((Role::Admin, None)),
            _ => None,
        }
    }
}

/// The answer a caller must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exp {
    /// Exactly this status.
    Is(u16),
    /// A page's refusal: 303 to the sign-in page.
    Login,
    /// A page's success: 303 to a page whose path starts with this (never the sign-in page).
    SeeOther(&'static str),
    /// 404 for something inside the object (a picture, an HLS file), not the object: the caller
    /// got past authorization, and the answer says so in these words.
    Missing(&'static str),
    /// A library build.rs embeds from npm: 200, or a 404 script comment when the build had none.
    Vendored,
}

impl Exp {
    /// A refusal: its body must not name what it refuses, whoever asks.
    fn refusal(self) -> bool {
        matches!(self, Exp::Is(401 | 403 | 404) | Exp::Login)
    }

    fn met(self, answer: &Answer) -> bool {
        let location = answer.location.as_deref().unwrap_or_default();
        match self {
            Exp::Is(status) => answer.status == status,
            Exp::Login => answer.status == 303 && location.starts_with("/login"),
            Exp::SeeOther(prefix) => {
                answer.status == 303
                    && location.starts_with(prefix)
                    && !location.starts_with("/login")
            }
            Exp::Missing(words) => answer.status == 404 && answer.body.contains(words),
            Exp::Vendored => {
                answer.status == 200 || (answer.status == 404 && answer.body.starts_with("// "))
            }
        }
    }
}

/// Exact statuses, named short so that a row of the table reads on one line.
const S200: Exp = Exp::Is(200);
const S201: Exp = Exp::Is(201);
const S204: Exp = Exp::Is(204);
const S400: Exp = Exp::Is(400);
const S401: Exp = Exp::Is(401);
const S403: Exp = Exp::Is(403);
const S404: Exp = Exp::Is(404);
const S409: Exp = Exp::Is(409);
const S422: Exp = Exp::Is(422);
/// Past authorization into an item without the thing asked for.
const NO_PICTURE: Exp = Exp::Missing("picture not found");
const NO_HLS: Exp = Exp::Missing("HLS file not found");
/// Past authorization to a channel that is not live.
const NOT_LIVE: Exp = Exp::Missing("channel-not-live");
/// The pages' not-found (the message catalog's), not the other desk's "not yours" page.
const NOTHING_THERE: Exp = Exp::Missing("没有找到");
/// Pages' successes: back to the item, the queue, the batch, the campaigns; the queue telling
/// the password was changed.
const TO_ITEM: Exp = Exp::SeeOther("/queue/");
const TO_QUEUE: Exp = Exp::SeeOther("/queue");
const TO_BATCH: Exp = Exp::SeeOther("/batches/");
const TO_CAMPAIGNS: Exp = Exp::SeeOther("/campaigns");
const TO_CHANNEL: Exp = Exp::SeeOther("/channels/");
const PASSWORD_CHANGED: Exp = Exp::SeeOther("/queue?password=changed");
/// The unit people's sign-in page: where their pages send anyone who is not a unit person.
const TO_UNIT_LOGIN: Exp = Exp::SeeOther("/unit/login");
/// Past authorization to a person the unit does not have.
const NO_PERSON: Exp = Exp::Missing("unit person not found");

/// What a cell sends besides its credential.
enum Body {
    Empty,
    Json(Value),
    /// A page's form; the caller's CSRF token is added as `csrf`, so that a refusal is the
    /// page's authorization and not a stale form.
    Form(Vec<(&'static str, String)>),
    /// A multipart form of text fields only (no file part).
    Multipart(Vec<(&'static str, String)>),
    /// tus: the protocol header only.
    Tus,
    /// tus: the creation of a 100-byte photo.
    TusCreate,
    /// tus: a chunk at an offset the upload is not at (answered 409, nothing written).
    TusChunk,
}

/// Objects a row needs anew for every cell, because a success changes them (a deletion, a
/// password change, a sign-out): the cell's `{id}` is then the fresh object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fresh {
    Nothing,
    /// A new photo of unit A, in review.
    Asset,
    /// A new tus upload of unit A, in progress.
    Upload,
    /// A new webhook of the partner.
    Webhook,
    /// New users (with new sessions) in the staff columns.
    Staff,
}

struct Row {
    method: &'static str,
    path: &'static str,
    body: fn(Who) -> Body,
    fresh: Fresh,
    /// For: nobody, unit A, unit B, edu editor, hr editor, admin, partner, signed URL.
    expect: [Exp; 8],
}

impl Row {
    fn fresh(mut self, fresh: Fresh) -> Row {
        self.fresh = fresh;
        self
    }
}

fn row(method: &'static str, path: &'static str, body: fn(Who) -> Body, expect: [Exp; 8]) -> Row {
    Row {
        method,
        path,
        body,
        fresh: Fresh::Nothing,
        expect,
    }
}

fn empty(_: Who) -> Body {
    Body::Empty
}

fn csrf_only(_: Who) -> Body {
    Body::Form(Vec::new())
}

fn tus(_: Who) -> Body {
    Body::Tus
}

/// THE table: one row per registered (method, path), each caller's expected answer.
///
/// Success codes are the route's own where a caller may act; where a real success would need
/// more than authorization is about (a file for an upload form, a picture in a photo), the
/// expected answer is the validation error that only a caller past authorization reaches
/// (400, 409, 422, or `Missing`). Pages answer refusals with a redirect to `/login` (no
/// session) or 403/404 pages (a session without the right).
fn table() -> Vec<Row> {
    use Exp::{Login, Vendored};
    /// Open to anyone.
    const PUBLIC: [Exp; 8] = [S200; 8];
    /// A staff page: editors of either desk and admins.
    const STAFF_PAGE: [Exp; 8] = [Login, Login, Login, S200, S200, S200, Login, Login];
    /// A staff JSON route without an object: editors of either desk and admins.
    const STAFF_API: [Exp; 8] = [S401, S403, S403, S200, S200, S200, S403, S401];
    /// A live channel's page: staff (and a unit person's session, not a unit's token).
    const CHANNEL_PAGE: [Exp; 8] = [
        Login,
        TO_UNIT_LOGIN,
        TO_UNIT_LOGIN,
        S200,
        S200,
        S200,
        Login,
        Login,
    ];
    /// Reading unit A's item: unit A, its desk's editor and admins; another unit and the other
    /// desk are told it does not exist; partners read the feed instead.
    const ASSET_READ: [Exp; 8] = [S401, S200, S404, S200, S404, S200, S403, S401];
    /// The edu desk's batch: the edu editor and admins; the hr desk is told it does not exist.
    const BATCH_READ: [Exp; 8] = [S401, S403, S403, S200, S404, S200, S403, S401];
    /// The partner's webhooks: the partner and admins.
    const PARTNER_API: [Exp; 8] = [S401, S403, S403, S403, S403, S200, S200, S401];
    /// Unit A's reports: unit A, its desk's editor and admins read; unit B learns nothing.
    const REPORT_READ: [Exp; 8] = [S401, S200, S404, S200, S403, S200, S403, S401];
    /// The edu desk's item as a page.
    const QUEUE_ITEM: [Exp; 8] = [Login, Login, Login, S200, S404, S200, Login, Login];
    /// An admin's page.
    const ADMIN_PAGE: [Exp; 8] = [Login, Login, Login, S403, S403, S200, Login, Login];
    /// `/media` of the approved item: the partner's key, an admin's, or the signed URL.
    const MEDIA: [Exp; 8] = [S401, S403, S403, S403, S403, S200, S200, S200];
    /// The unit's own tus creation; staff and partners do not upload.
    const TUS_CREATE: [Exp; 8] = [S401, S201, S201, S403, S403, S403, S403, S401];
    fn sign_in(who: Who) -> Body {
        Body::Json(json!({
            "username": format!("nobody-{}", who.slug()),
            "password": "not the password"
        }))
    }
    fn login_form(who: Who) -> Body {
        Body::Form(vec![
            ("username", format!("nobody-{}", who.slug())),
            ("password", "not the password".to_owned()),
        ])
    }
    fn own_password(_: Who) -> Body {
        Body::Json(json!({ "current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD }))
    }
    fn password_form(_: Who) -> Body {
        Body::Form(vec![
            ("current_password", TEST_PASSWORD.to_owned()),
            ("new_password", NEW_PASSWORD.to_owned()),
            ("new_password_again", NEW_PASSWORD.to_owned()),
        ])
    }
    fn text_only(_: Who) -> Body {
        Body::Multipart(vec![("title", "没有文件的表单".to_owned())])
    }
    fn invitation(who: Who) -> Body {
        Body::Json(json!({
            "username": format!("matrix-{}", who.slug()),
            "display_name": "矩阵联络员"
        }))
    }
    fn decide_form(_: Who) -> Body {
        Body::Form(vec![
            ("action", "none".to_owned()),
            ("version", "2".to_owned()),
        ])
    }
    // Columns: nobody, unit A, unit B, edu editor, hr editor, admin, partner, signed URL.
    vec![
        // Operations, open to anyone.
        row("GET", "/healthz", empty, PUBLIC),
        row("GET", "/readyz", empty, PUBLIC),
        row("GET", "/metrics", empty, PUBLIC),
        row("GET", "/api/v1/openapi.json", empty, PUBLIC),
        row("GET", "/api/v1/vocabularies", empty, PUBLIC),
        // Signing in is for anyone; a wrong password is refused whoever sends it.
        row("POST", "/api/v1/session", sign_in, [S401; 8]),
        row(
            "POST",
            "/api/v1/session/password",
            own_password,
            [S401, S403, S403, S204, S204, S204, S403, S401],
        )
        .fresh(Fresh::Staff),
        row(
            "POST",
            "/api/v1/users/{username}/password",
            empty,
            [S401, S403, S403, S403, S403, S200, S403, S401],
        ),
        // Units and their people. The matrix's unit columns hold the units' shared tokens, which
        // name no person and manage no accounts (a unit admin's session does: unit_members.rs).
        row(
            "GET",
            "/api/v1/units/me",
            empty,
            [S401, S200, S200, S403, S403, S403, S403, S401],
        ),
        row(
            "GET",
            "/api/v1/units/me/members",
            empty,
            [S401, S403, S403, S403, S403, S403, S403, S401],
        ),
        row(
            "POST",
            "/api/v1/units/me/members",
            invitation,
            [S401, S403, S403, S403, S403, S403, S403, S401],
        ),
        row(
            "DELETE",
            "/api/v1/units/me/members/{username}",
            empty,
            [S401, S403, S403, S403, S403, S403, S403, S401],
        ),
        // A provincial administrator gives a unit its first unit admin.
        row(
            "GET",
            "/api/v1/units/{id}/members",
            empty,
            [S401, S403, S403, S403, S403, S200, S403, S401],
        ),
        row(
            "POST",
            "/api/v1/units/{id}/members",
            invitation,
            [S401, S403, S403, S403, S403, S201, S403, S401],
        ),
        row(
            "DELETE",
            "/api/v1/units/{id}/members/{username}",
            empty,
            [S401, S403, S403, S403, S403, NO_PERSON, S403, S401],
        ),
        // Resumable uploads (tus): a unit's own uploads only.
        row("POST", "/api/v1/uploads", |_| Body::TusCreate, TUS_CREATE),
        row("OPTIONS", "/api/v1/uploads", tus, [S204; 8]),
        row("POST", "/api/v1/uploads/", |_| Body::TusCreate, TUS_CREATE),
        row("OPTIONS", "/api/v1/uploads/", tus, [S204; 8]),
        row(
            "HEAD",
            "/api/v1/uploads/{id}",
            tus,
            [S401, S200, S404, S403, S403, S403, S403, S401],
        ),
        row(
            "PATCH",
            "/api/v1/uploads/{id}",
            |_| Body::TusChunk,
            [S401, S409, S404, S403, S403, S403, S403, S401],
        ),
        row(
            "DELETE",
            "/api/v1/uploads/{id}",
            tus,
            [S401, S204, S404, S403, S403, S403, S403, S401],
        )
        .fresh(Fresh::Upload),
        row("OPTIONS", "/api/v1/uploads/{id}", tus, [S204; 8]),
        // Assets.
        row(
            "GET",
            "/api/v1/assets",
            empty,
            [S401, S200, S200, S200, S200, S200, S403, S401],
        ),
        row(
            "POST",
            "/api/v1/assets",
            text_only,
            [S401, S400, S400, S403, S403, S403, S403, S401],
        ),
        // 典型案例: only units send them; an id that is not the unit's own photo is refused
        // past authorization (422), the same for both units.
        row(
            "POST",
            "/api/v1/cases",
            |_| {
                Body::Json(json!({
                    "title": "矩阵典型案例", "summary": "摘要", "body": "正文",
                    "attachments": ["not-an-item-of-this-unit"]
                }))
            },
            [S401, S422, S422, S403, S403, S403, S403, S401],
        ),
        // 每日简报: editors their desk's, admins both desks'.
        row("GET", "/api/v1/briefs/{day}.docx", empty, STAFF_API),
        row("GET", "/api/v1/assets/{id}", empty, ASSET_READ),
        // A stale version: the owner is told it cannot correct an item in review, editors that
        // someone changed it.
        row(
            "PATCH",
            "/api/v1/assets/{id}",
            |_| Body::Json(json!({ "version": -1, "title": "x" })),
            [S401, S409, S404, S409, S404, S409, S403, S401],
        ),
        row(
            "DELETE",
            "/api/v1/assets/{id}",
            empty,
            [S401, S204, S404, S403, S404, S204, S403, S401],
        )
        .fresh(Fresh::Asset),
        row(
            "POST",
            "/api/v1/assets/{id}/review",
            |_| Body::Json(json!({ "action": "none", "version": 2 })),
            [S401, S403, S403, S422, S404, S422, S403, S401],
        ),
        row(
            "POST",
            "/api/v1/assets/{id}/pictures/{number}/choose",
            empty,
            [S401, S403, S403, NO_PICTURE, S404, NO_PICTURE, S403, S401],
        ),
        // Clips are staff's: units and partners are refused before the item is looked up;
        // staff who see it are told a photo is not a video.
        row(
            "POST",
            "/api/v1/assets/{id}/clips",
            |_| Body::Json(json!({ "from_seconds": 0.0, "to_seconds": 5.0 })),
            [S401, S403, S403, S409, S404, S409, S403, S401],
        ),
        row("GET", "/api/v1/assets/{id}/audit", empty, ASSET_READ),
        // Only the unit that sent the item replaces its file, and only once it is returned:
        // unit A gets past authorization to "not returned" (the item is in review); staff and
        // partners are refused whatever the item's state.
        row(
            "PUT",
            "/api/v1/assets/{id}/file",
            |_| Body::Multipart(vec![("version", "1".to_owned())]),
            [S401, S409, S404, S403, S404, S403, S403, S401],
        ),
        row("GET", "/api/v1/assets/{id}/versions", empty, ASSET_READ),
        row("GET", "/api/v1/audit/export", empty, STAFF_API),
        // Notices are a unit's own: another unit is told unit A's does not exist.
        row(
            "GET",
            "/api/v1/notices",
            empty,
            [S401, S200, S200, S403, S403, S403, S403, S401],
        ),
        row(
            "POST",
            "/api/v1/notices/{id}/read",
            empty,
            [S401, S204, S404, S403, S403, S403, S403, S401],
        ),
        // Live channels: a unit opens its own (no unit named: staff are told to name one);
        // staff and partners see every channel, a unit its own; partners hold no keys. Not
        // live: whoever sees the channel is told so, another unit that it does not exist.
        row(
            "POST",
            "/api/v1/channels",
            |_| {
                Body::Json(
                    json!({ "title": "矩阵直播", "scheduled_start": "2021-05-22T01:00:00Z" }),
                )
            },
            [S401, S201, S201, S422, S422, S422, S403, S401],
        ),
        row(
            "GET",
            "/api/v1/channels",
            empty,
            [S401, S200, S200, S200, S200, S200, S200, S401],
        ),
        row(
            "GET",
            "/api/v1/channels/{id}",
            empty,
            [S401, S200, S404, S200, S200, S200, S200, S401],
        ),
        row(
            "POST",
            "/api/v1/channels/{id}/key",
            empty,
            [S401, S200, S404, S200, S200, S200, S403, S401],
        ),
        row(
            "DELETE",
            "/api/v1/channels/{id}/key",
            empty,
            [S401, S200, S404, S200, S200, S200, S403, S401],
        ),
        row(
            "GET",
            "/api/v1/channels/{id}/live/{master}",
            empty,
            [
                S401, NOT_LIVE, S404, NOT_LIVE, NOT_LIVE, NOT_LIVE, NOT_LIVE, S401,
            ],
        ),
        row(
            "GET",
            "/api/v1/channels/{id}/live/{event}/{file}",
            empty,
            [S401, S404, S404, S404, S404, S404, S404, S401],
        ),
        row("GET", "/api/v1/assets/{id}/original", empty, ASSET_READ),
        row(
            "GET",
            "/api/v1/assets/{id}/renditions/{name}",
            empty,
            ASSET_READ,
        ),
        // A photo has no HLS stream: those who may see it are told the file is missing.
        row(
            "GET",
            "/api/v1/assets/{id}/hls/{file}",
            empty,
            [S401, NO_HLS, S404, NO_HLS, S404, NO_HLS, S403, S401],
        ),
        // Recommendation batches (the edu desk's).
        row("GET", "/api/v1/batches", empty, STAFF_API),
        row(
            "POST",
            "/api/v1/batches",
            |_| Body::Json(json!({ "title": "矩阵新批次", "desk": "edu" })),
            [S401, S403, S403, S201, S201, S201, S403, S401],
        ),
        row("GET", "/api/v1/batches/{id}", empty, BATCH_READ),
        row(
            "PUT",
            "/api/v1/batches/{id}/items",
            |_| Body::Json(json!({ "asset_ids": [] })),
            BATCH_READ,
        ),
        // An empty batch cannot be sent (422): nothing changes.
        row(
            "POST",
            "/api/v1/batches/{id}/send",
            empty,
            [S401, S403, S403, S422, S404, S422, S403, S401],
        ),
        row("GET", "/api/v1/batches/{id}/export", empty, BATCH_READ),
        // Distribution: partners' keys, and admins checking what partners see.
        row(
            "GET",
            "/api/v1/feed",
            empty,
            [S401, S403, S403, S403, S403, S200, S200, S401],
        ),
        row(
            "GET",
            "/api/v1/feed.atom",
            empty,
            [S401, S403, S403, S403, S403, S200, S200, S401],
        ),
        // Webhooks belong to a partner's key: an admin reads them but registers none.
        row(
            "POST",
            "/api/v1/webhooks",
            |_| Body::Json(json!({ "url": "http://127.0.0.1:9/matrix" })),
            [S401, S403, S403, S403, S403, S403, S201, S401],
        ),
        row("GET", "/api/v1/webhooks", empty, PARTNER_API),
        row(
            "DELETE",
            "/api/v1/webhooks/{id}",
            empty,
            [S401, S403, S403, S403, S403, S204, S204, S401],
        )
        .fresh(Fresh::Webhook),
        row(
            "GET",
            "/api/v1/webhooks/{id}/deliveries",
            empty,
            PARTNER_API,
        ),
        row("GET", "/media/{asset}/{name:.+}", empty, MEDIA),
        row("HEAD", "/media/{asset}/{name:.+}", empty, MEDIA),
        // A web player's CORS preflight carries no credentials.
        row("OPTIONS", "/media/{asset}/{name:.+}", empty, [S204; 8]),
        // Campaigns: anyone signed in reads them (partners included); admins change them.
        row(
            "GET",
            "/api/v1/campaigns",
            empty,
            [S401, S200, S200, S200, S200, S200, S200, S401],
        ),
        // A slug the rule refuses: only an admin gets as far as the rule.
        row(
            "POST",
            "/api/v1/campaigns",
            |_| {
                Body::Json(json!({
                    "slug": "X!", "year": 2022, "name_zh": "矩阵", "name_en": "matrix",
                    "theme_zh": "矩阵", "theme_en": "matrix", "starts_on": "2022-05-08",
                    "ends_on": "2022-05-14", "plan_due_on": "2022-05-01",
                    "report_due_on": "2022-05-31"
                }))
            },
            [S401, S403, S403, S403, S403, S422, S403, S401],
        ),
        row(
            "GET",
            "/api/v1/campaigns/{campaign}",
            empty,
            [S401, S200, S200, S200, S200, S200, S200, S401],
        ),
        // Activating the active campaign again changes nothing.
        row(
            "POST",
            "/api/v1/campaigns/{campaign}/activate",
            empty,
            [S401, S403, S403, S403, S403, S200, S403, S401],
        ),
        row(
            "GET",
            "/api/v1/campaigns/{campaign}/readiness",
            empty,
            STAFF_API,
        ),
        row(
            "GET",
            "/api/v1/campaigns/{campaign}/statistics",
            empty,
            STAFF_API,
        ),
        row(
            "GET",
            "/api/v1/campaigns/{campaign}/statistics.xlsx",
            empty,
            STAFF_API,
        ),
        row(
            "GET",
            "/api/v1/campaigns/{campaign}/tracker",
            empty,
            STAFF_API,
        ),
        row(
            "GET",
            "/api/v1/campaigns/{campaign}/tracker.xlsx",
            empty,
            STAFF_API,
        ),
        // The desks' reminder: the test's clock is not in the active campaign's week (409).
        row(
            "POST",
            "/api/v1/tracker/reminders",
            empty,
            [S401, S403, S403, S409, S409, S409, S403, S401],
        ),
        row(
            "GET",
            "/api/v1/campaigns/{campaign}/units/{unit}/report",
            empty,
            REPORT_READ,
        ),
        // Only the unit itself writes its reports: nothing to save (400), figures refused (422).
        row(
            "PUT",
            "/api/v1/campaigns/{campaign}/units/{unit}/registration",
            |_| Body::Json(json!({})),
            [S401, S400, S404, S403, S403, S403, S403, S401],
        ),
        row(
            "PUT",
            "/api/v1/campaigns/{campaign}/units/{unit}/statistics",
            |_| Body::Json(json!({ "schools": "many" })),
            [S401, S422, S404, S403, S403, S403, S403, S401],
        ),
        row(
            "GET",
            "/api/v1/campaigns/{campaign}/units/{unit}/statistics.xlsx",
            empty,
            REPORT_READ,
        ),
        row(
            "GET",
            "/api/v1/campaigns/{campaign}/units/{unit}/documents/{purpose}",
            empty,
            REPORT_READ,
        ),
        // A form without its file (400) is as far as a writer needs to get.
        row(
            "POST",
            "/api/v1/campaigns/{campaign}/units/{unit}/documents/{purpose}",
            |_| Body::Multipart(vec![("note", "没有文件".to_owned())]),
            [S401, S400, S404, S403, S403, S403, S403, S401],
        ),
        // Pages (the session cookie; units and partners hold no session a page accepts).
        row("GET", "/login", empty, PUBLIC),
        // A sign-in form not loaded in this browser (no login CSRF cookie) is refused first.
        row("POST", "/login", login_form, [S403; 8]),
        row("POST", "/logout", csrf_only, [Login; 8]).fresh(Fresh::Staff),
        row("GET", "/", empty, [TO_QUEUE; 8]),
        row("GET", "/account/password", empty, STAFF_PAGE),
        row(
            "POST",
            "/account/password",
            password_form,
            [
                Login,
                Login,
                Login,
                PASSWORD_CHANGED,
                PASSWORD_CHANGED,
                PASSWORD_CHANGED,
                Login,
                Login,
            ],
        )
        .fresh(Fresh::Staff),
        row("GET", "/queue", empty, STAFF_PAGE),
        row(
            "POST",
            "/queue/bulk",
            |_| Body::Form(vec![("action", "none".to_owned())]),
            [Login, Login, Login, S400, S400, S400, Login, Login],
        ),
        row("GET", "/queue/{id}", empty, QUEUE_ITEM),
        // The pending item beside the approved one, both unit A's (the edu desk's).
        row("GET", "/queue/{id}/compare/{other}", empty, QUEUE_ITEM),
        row(
            "POST",
            "/queue/{id}/review",
            decide_form,
            [Login, Login, Login, TO_ITEM, S404, TO_ITEM, Login, Login],
        ),
        // No title: sent back to the item with the error.
        row(
            "POST",
            "/queue/{id}/edit",
            csrf_only,
            [Login, Login, Login, TO_ITEM, S404, TO_ITEM, Login, Login],
        ),
        // A photo is no video to clip: sent back to the item with the reason.
        row(
            "POST",
            "/queue/{id}/clips",
            csrf_only,
            [Login, Login, Login, TO_ITEM, S404, TO_ITEM, Login, Login],
        ),
        // A photo has no pictures: 没有找到 (the catalog's not-found), not the other desk's 404.
        row(
            "POST",
            "/queue/{id}/pictures/{number}",
            csrf_only,
            [
                Login,
                Login,
                Login,
                NOTHING_THERE,
                S404,
                NOTHING_THERE,
                Login,
                Login,
            ],
        ),
        row("GET", "/dashboard", empty, STAFF_PAGE),
        row("GET", "/batches", empty, STAFF_PAGE),
        row(
            "POST",
            "/batches",
            |_| {
                Body::Form(vec![
                    ("title", "矩阵网页批次".to_owned()),
                    ("desk", "edu".to_owned()),
                ])
            },
            [
                Login, Login, Login, TO_BATCH, TO_BATCH, TO_BATCH, Login, Login,
            ],
        ),
        row("GET", "/batches/{id}", empty, QUEUE_ITEM),
        row(
            "POST",
            "/batches/{id}/items",
            csrf_only,
            [Login, Login, Login, TO_BATCH, S404, TO_BATCH, Login, Login],
        ),
        row(
            "POST",
            "/batches/{id}/send",
            csrf_only,
            [Login, Login, Login, S422, S404, S422, Login, Login],
        ),
        // 网上观赛: staff pages (a unit person's session too; a unit's token is sent to sign in).
        // Nothing filled in: 422; a new key is shown on the answer itself; a revoked one goes
        // back to the channel.
        row("GET", "/channels", empty, CHANNEL_PAGE),
        row(
            "POST",
            "/channels",
            csrf_only,
            [
                Login,
                TO_UNIT_LOGIN,
                TO_UNIT_LOGIN,
                S422,
                S422,
                S422,
                Login,
                Login,
            ],
        ),
        row("GET", "/channels/{id}", empty, CHANNEL_PAGE),
        row("GET", "/channels/{id}/watch", empty, CHANNEL_PAGE),
        row("POST", "/channels/{id}/key", csrf_only, CHANNEL_PAGE),
        row(
            "POST",
            "/channels/{id}/key/revoke",
            csrf_only,
            [
                Login,
                TO_UNIT_LOGIN,
                TO_UNIT_LOGIN,
                TO_CHANNEL,
                TO_CHANNEL,
                TO_CHANNEL,
                Login,
                Login,
            ],
        ),
        row("GET", "/static/live.js", empty, PUBLIC),
        row("GET", "/static/site.css", empty, PUBLIC),
        row("GET", "/static/queue.js", empty, PUBLIC),
        row("GET", "/static/player.js", empty, PUBLIC),
        row("GET", "/static/hls.min.js", empty, [Vendored; 8]),
        row("GET", "/static/tus.min.js", empty, [Vendored; 8]),
        row("GET", "/static/upload.js", empty, PUBLIC),
        row("GET", "/static/unit_session.js", empty, PUBLIC),
        // A unit person's sign-in, like the staff's: a form not loaded here is refused first;
        // signing out ends only a session (never a token a cookie holds) and goes back to the
        // form; 修改密码 is for a unit person's session only.
        row("GET", "/unit/login", empty, PUBLIC),
        row("POST", "/unit/login", login_form, [S403; 8]),
        row("POST", "/unit/logout", csrf_only, [TO_UNIT_LOGIN; 8]).fresh(Fresh::Staff),
        row("GET", "/unit/password", empty, [TO_UNIT_LOGIN; 8]),
        row("POST", "/unit/password", password_form, [TO_UNIT_LOGIN; 8]),
        // 单位账号: a unit admin's page (unit_members.rs signs one in).
        row("GET", "/unit/members", empty, [TO_UNIT_LOGIN; 8]),
        row("POST", "/unit/members", csrf_only, [TO_UNIT_LOGIN; 8]),
        row(
            "POST",
            "/unit/members/{username}/disable",
            csrf_only,
            [TO_UNIT_LOGIN; 8],
        ),
        // The units' pages are static: the unit's token (or a person's session cookie, with the
        // page's CSRF token) goes to the JSON API, which decides.
        row("GET", "/static/case.js", empty, PUBLIC),
        // The units' pages are static: the unit's token stays in the tab and goes as a Bearer
        // header to the JSON API, which decides.
        row("GET", "/upload", empty, PUBLIC),
        row("GET", "/report", empty, PUBLIC),
        row("GET", "/static/report.js", empty, PUBLIC),
        row("GET", "/my", empty, PUBLIC),
        row("GET", "/static/submissions.js", empty, PUBLIC),
        row("GET", "/reporting", empty, STAFF_PAGE),
        row("GET", "/reporting/statistics", empty, STAFF_PAGE),
        row("GET", "/tracker", empty, STAFF_PAGE),
        // Not a day of the week today: the desks are told so (409), nobody else gets that far.
        row(
            "POST",
            "/tracker/reminders",
            csrf_only,
            [Login, Login, Login, S409, S409, S409, Login, Login],
        ),
        row("GET", "/webhooks", empty, ADMIN_PAGE),
        row("GET", "/webhooks/{id}", empty, ADMIN_PAGE),
        row("GET", "/campaigns", empty, STAFF_PAGE),
        // Nothing filled in: the admin is told why (422), editors may not.
        row(
            "POST",
            "/campaigns",
            csrf_only,
            [Login, Login, Login, S403, S403, S422, Login, Login],
        ),
        row(
            "POST",
            "/campaigns/file",
            csrf_only,
            [Login, Login, Login, S403, S403, S422, Login, Login],
        ),
        row(
            "POST",
            "/campaigns/{slug}/activate",
            csrf_only,
            [Login, Login, Login, S403, S403, TO_CAMPAIGNS, Login, Login],
        ),
    ]
}

/// Unit A's objects and everyone's credentials.
struct Fixtures {
    marker: String,
    unit_a: String,
    unit_a_id: i32,
    unit_b: String,
    edu: String,
    hr: String,
    admin: String,
    partner: String,
    /// `expires=…&signature=…` of the approved item.
    signed_query: String,
    /// Unit A's photo in review, on the edu desk.
    pending: String,
    /// Unit A's approved photo (in the partners' feed).
    approved: String,
    /// Unit A's tus upload in progress.
    upload: String,
    /// The edu desk's batch.
    batch: i32,
    /// The partner's webhook.
    webhook: i32,
    /// Unit A's notice (a returned photo).
    notice: i32,
    /// The active campaign's slug.
    campaign: String,
    /// Unit A's live channel (not live).
    channel: String,
    /// Unit A's name: private but on its channels' pages.
    unit_a_name: String,
    /// What names unit A's private things: nothing an outsider receives may contain it.
    private: Vec<String>,
    /// What names the approved item: for partners and signed URLs, not for the others.
    approved_marks: Vec<String>,
}

impl Fixtures {
    fn token(&self, who: Who) -> Option<&str> {
        match who {
            Who::Nobody | Who::SignedUrl => None,
            Who::UnitA => Some(&self.unit_a),
            Who::UnitB => Some(&self.unit_b),
            Who::EduEditor => Some(&self.edu),
            Who::HrEditor => Some(&self.hr),
            Who::Admin => Some(&self.admin),
            Who::Partner => Some(&self.partner),
        }
    }

    /// The value of `{name}` in `path`; `id` replaces the shared object by a fresh one.
    fn param(&self, path: &str, name: &str, id: Option<&str>) -> Option<String> {
        let under = |prefixes: &[&str]| prefixes.iter().any(|p| path.starts_with(p));
        let value = match name {
            "id" => {
                if let Some(id) = id {
                    id.to_owned()
                } else if under(&["/api/v1/assets/", "/queue/"]) {
                    self.pending.clone()
                } else if under(&["/api/v1/batches/", "/batches/"]) {
                    self.batch.to_string()
                } else if under(&["/api/v1/uploads/"]) {
                    self.upload.clone()
                } else if under(&["/api/v1/webhooks/", "/webhooks/"]) {
                    self.webhook.to_string()
                } else if under(&["/api/v1/notices/"]) {
                    self.notice.to_string()
                } else if under(&["/api/v1/channels/", "/channels/"]) {
                    self.channel.clone()
                } else if under(&["/api/v1/units/"]) {
                    self.unit_a_id.to_string()
                } else {
                    return None;
                }
            }
            "number" => "1".to_owned(),
            "name" => "thumb".to_owned(),
            "file" => "master.m3u8".to_owned(),
            "asset" | "other" => self.approved.clone(),
            "campaign" | "slug" => self.campaign.clone(),
            "master" => "master.m3u8".to_owned(),
            "event" => "no-such-event".to_owned(),
            "unit" => self.unit_a_id.to_string(),
            "purpose" => "plan".to_owned(),
            // A day of the active (seeded 2021) campaign's week.
            "day" => "2021-05-22".to_owned(),
            "username" => TARGET_USER.to_owned(),
            _ => return None,
        };
        Some(value)
    }
}

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

fn tus_metadata(filename: &str, title: &str) -> String {
    format!("filename {},title {}", b64(filename), b64(title))
}

/// The CSRF token the pages derive from a session (`web::session_cookie::csrf_token`), so a
/// form sent with a caller's cookie carries the token that matches it (checked against a page
/// in `fixtures`).
fn csrf_of(session: &str) -> String {
    let key = blake3::hash(format!("vocweek csrf {session}").as_bytes());
    blake3::keyed_hash(key.as_bytes(), b"csrf")
        .to_hex()
        .to_string()
}

/// Pages authenticate with the session cookie, everything else with a Bearer header.
fn is_page(path: &str) -> bool {
    !(path.starts_with("/api/")
        || path.starts_with("/media/")
        || matches!(path, "/healthz" | "/readyz" | "/metrics"))
}

/// `path` with each `{param}` (or `{param:regex}`) replaced by `value(param)`.
fn fill(path: &str, mut value: impl FnMut(&str) -> String) -> String {
    let mut filled = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        filled.push_str(&rest[..start]);
        let mut depth = 0usize;
        let mut end = None;
        for (i, c) in rest[start..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(start + i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let end = end.unwrap_or_else(|| panic!("unbalanced braces in {path}"));
        let inner = &rest[start + 1..end];
        let name = inner.split(':').next().unwrap_or(inner);
        filled.push_str(&value(name));
        rest = &rest[end + 1..];
    }
    filled.push_str(rest);
    filled
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        // Pages answer with redirects: the matrix looks at them, it does not follow them.
        .redirect(reqwest::redirect::Policy::none())
        // Below the server's keep-alive: a pooled connection is never reused as it closes.
        .pool_idle_timeout(Duration::from_secs(30))
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// Every (method, path) the app answers. A path's unknown methods reach the resource's
/// default service, a JSON 405 `method-not-allowed` (HEAD's answer has no body: its 405 is
/// enough; actix does not route HEAD to GET routes, so only explicit HEAD routes count).
///
/// The probes carry no credentials and fill every parameter with `0`: routing does not depend
/// on either, and an admin's probes would run real handlers on the fixtures (a DELETE deletes).
/// OPTIONS carries no `Origin`, so a CORS layer would not take it for a preflight.
async fn probe(app: &TestApp, client: &reqwest::Client) -> BTreeSet<(String, String)> {
    let paths = vocweek_api::registered_paths();
    assert!(
        paths.iter().any(|p| p == "/healthz"),
        "the route registry is empty after a request was answered: {paths:?}"
    );
    let mut found = BTreeSet::new();
    for path in paths {
        let url = app.url(&fill(&path, |_| "0".to_owned()));
        for method in METHODS {
            let response = client
                .request(Method::from_bytes(method.as_bytes()).unwrap(), &url)
                .send()
                .await
                .unwrap_or_else(|e| panic!("probing {method} {url}: {e}"));
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            let unrouted = status == 405
                && (method == "HEAD" || body["error"]["code"] == "method-not-allowed");
            if !unrouted {
                found.insert((method.to_owned(), path.clone()));
            }
        }
    }
    found
}

/// Both directions: every route has exactly one row, every row a route.
fn coverage(found: &BTreeSet<(String, String)>, rows: &[Row]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut listed = BTreeSet::new();
    for row in rows {
        let key = (row.method.to_owned(), row.path.to_owned());
        if !listed.insert(key) {
            problems.push(format!("the table lists {} {} twice", row.method, row.path));
        }
    }
    for (method, path) in found.difference(&listed) {
        problems.push(format!(
            "route without a row: {method} {path} (add its row to `table`)"
        ));
    }
    for (method, path) in listed.difference(found) {
        problems.push(format!(
            "row without a route: {method} {path} (the app does not answer it)"
        ));
    }
    problems
}

async fn upload_photo(
    app: &TestApp,
    token: &str,
    filename: &str,
    title: &str,
    seed: u64,
) -> String {
    let upload = Upload::new(filename, real_jpeg(seed, 64, 48))
        .without("title")
        .field("title", title);
    let id = app.upload_id(token, upload).await;
    app.wait_for_state(token, &id, "pending_review").await;
    id
}

/// A tus upload of 1,000 bytes, none sent yet; returns its id.
async fn tus_upload(app: &TestApp, token: &str, filename: &str, title: &str) -> String {
    let response = app
        .client
        .post(app.url("/api/v1/uploads/"))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", "1000")
        .header("Upload-Metadata", tus_metadata(filename, title))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    location.rsplit('/').next().unwrap().to_owned()
}

async fn create_webhook(app: &TestApp, partner: &str, url: &str) -> i32 {
    let (status, body) = app
        .call(
            partner,
            Method::POST,
            "/api/v1/webhooks",
            Some(json!({ "url": url })),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_i64().unwrap() as i32
}

async fn fixtures(app: &TestApp) -> Fixtures {
    // Titles and names carry a random marker, so a match in a body is theirs, not a chance one.
    let full = uuid::Uuid::now_v7().simple().to_string();
    let marker = full[full.len() - 10..].to_owned();
    let unit_a_name = format!("矩阵甲职业学院{marker}");
    let (unit_a_id, unit_a) = app
        .unit(&unit_a_name, UnitKind::HigherVocationalCollege, "jinan")
        .await;
    let (_, unit_b) = app
        .unit(
            "矩阵乙职业学院",
            UnitKind::HigherVocationalCollege,
            "qingdao",
        )
        .await;
    let edu = app
        .user_session("matrix-edu", Role::Editor, Some(Desk::Edu))
        .await;
    let hr = app
        .user_session("matrix-hr", Role::Editor, Some(Desk::Hr))
        .await;
    let admin = app.user_session("matrix-admin", Role::Admin, None).await;
    app.services
        .db
        .create_user(
            TARGET_USER,
            "a long target password",
            Role::Editor,
            Some(Desk::Edu),
            false,
        )
        .await
        .unwrap();

    // A higher vocational college reports to the edu desk: the edu editor is the items' desk.
    let pending_title = format!("矩阵甲待审-{marker}");
    let pending_file = format!("matrix-a-pending-{marker}.jpg");
    let pending = upload_photo(app, &unit_a, &pending_file, &pending_title, 1).await;
    let approved_title = format!("矩阵甲已通过-{marker}");
    let approved = upload_photo(
        app,
        &unit_a,
        &format!("matrix-a-approved-{marker}.jpg"),
        &approved_title,
        2,
    )
    .await;
    app.review(&admin, &approved, "approve").await;
    upload_photo(app, &unit_b, "matrix-b.jpg", "矩阵乙的照片", 3).await;
    // A photo of unit A returned with a note: the notice it gets is unit A's only.
    let returned_title = format!("矩阵甲退回-{marker}");
    let returned_file = format!("matrix-a-returned-{marker}.jpg");
    let returned = upload_photo(app, &unit_a, &returned_file, &returned_title, 4).await;
    let (_, asset) = app.get(&edu, &format!("/api/v1/assets/{returned}")).await;
    let (status, body) = app
        .call(
            &edu,
            Method::POST,
            &format!("/api/v1/assets/{returned}/review"),
            Some(
                json!({ "action": "return", "note": "矩阵退回说明", "version": asset["version"] }),
            ),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, notices) = app.get(&unit_a, "/api/v1/notices").await;
    assert_eq!(status, 200, "{notices}");
    let notice = notices["notices"][0]["id"].as_i64().unwrap() as i32;
    let upload_title = format!("矩阵甲续传-{marker}");
    let upload_file = format!("matrix-a-resumable-{marker}.jpg");
    let upload = tus_upload(app, &unit_a, &upload_file, &upload_title).await;

    let partner = app
        .services
        .db
        .create_partner("矩阵合作媒体")
        .await
        .unwrap()
        .1;
    let webhook = create_webhook(app, &partner, "http://127.0.0.1:9/matrix-fixture").await;
    let (status, body) = app
        .call(
            &edu,
            Method::POST,
            "/api/v1/batches",
            Some(json!({ "title": "矩阵批次" })),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let batch = body["id"].as_i64().unwrap() as i32;

    // Unit A's plan and a draft of its statistics table, so that reading them succeeds.
    let plan_file = format!("矩阵甲方案-{marker}.html");
    let plan = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(
            "<html><body><h1>活动周方案</h1><p>开放校园。</p></body></html>"
                .as_bytes()
                .to_vec(),
        )
        .file_name(plan_file.clone()),
    );
    let response = app
        .client
        .post(app.url("/api/v1/campaigns/current/units/me/documents/plan"))
        .bearer_auth(&unit_a)
        .multipart(plan)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let (status, body) = app
        .call(
            &unit_a,
            Method::PUT,
            "/api/v1/campaigns/current/units/me/statistics",
            Some(json!({ "schools": 3 })),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let (status, body) = app
        .call(
            &edu,
            Method::POST,
            "/api/v1/channels",
            Some(json!({
                "title": "矩阵甲的直播",
                "unit_id": unit_a_id,
                "scheduled_start": "2021-05-22T01:00:00Z",
            })),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let channel = body["id"].as_str().unwrap().to_owned();

    let expires = unix_now() + 3600;
    let signed_query = app.services.distribution.signer.query(&approved, expires);
    let campaign = app.services.ingestor.campaign().campaign.slug.clone();

    // The forms' CSRF tokens are computed here: check the derivation against a real page.
    let (status, page) = app.page(&edu, "/queue").await;
    assert_eq!(status, 200);
    assert_eq!(
        csrf_from(&page),
        Some(csrf_of(&edu)),
        "the pages derive CSRF tokens differently from `csrf_of`"
    );

    Fixtures {
        private: vec![
            pending.clone(),
            pending_title,
            pending_file,
            upload.clone(),
            b64(&upload_title),
            upload_title,
            b64(&upload_file),
            upload_file,
            plan_file,
            unit_a_name.clone(),
            returned,
            returned_title,
            returned_file,
        ],
        approved_marks: vec![approved.clone(), approved_title],
        marker,
        unit_a,
        unit_a_id,
        unit_b,
        edu,
        hr,
        admin,
        partner,
        signed_query,
        pending,
        approved,
        upload,
        batch,
        webhook,
        notice,
        campaign,
        channel,
        unit_a_name,
    }
}

/// Unix seconds now.
fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// One answer, as much of it as the checks read.
struct Answer {
    status: u16,
    location: Option<String>,
    /// Every header, `name: value` per line (a secret may travel in one).
    headers: String,
    body: String,
}

impl Answer {
    fn summary(&self) -> String {
        let body: String = self.body.chars().take(200).collect();
        match &self.location {
            Some(location) => format!("{} → {location} {body}", self.status),
            None => format!("{} {body}", self.status),
        }
    }
}

/// Sends one cell's request: `credential` as a cookie on pages, a Bearer header elsewhere.
async fn send(
    client: &reqwest::Client,
    method: &str,
    url: &str,
    credential: Option<&str>,
    page: bool,
    body: Body,
) -> Answer {
    let mut request = client.request(Method::from_bytes(method.as_bytes()).unwrap(), url);
    if let Some(token) = credential {
        request = if page {
            request.header("cookie", format!("vw_session={token}"))
        } else {
            request.bearer_auth(token)
        };
    }
    request = match body {
        Body::Empty => request,
        Body::Json(value) => request.json(&value),
        Body::Form(mut fields) => {
            let csrf = credential.map_or_else(|| "none".to_owned(), csrf_of);
            fields.insert(0, ("csrf", csrf));
            request.form(&fields)
        }
        Body::Multipart(fields) => {
            let mut form = reqwest::multipart::Form::new();
            for (name, value) in fields {
                form = form.text(name, value);
            }
            request.multipart(form)
        }
        Body::Tus => request.header("Tus-Resumable", "1.0.0"),
        Body::TusCreate => request
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Length", "100")
            .header(
                "Upload-Metadata",
                tus_metadata("matrix.jpg", "矩阵续传测试"),
            ),
        Body::TusChunk => request
            .header("Tus-Resumable", "1.0.0")
            .header("Content-Type", OFFSET_STREAM)
            .header("Upload-Offset", "999")
            .body(vec![0u8]),
    };
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let headers: String = response
        .headers()
        .iter()
        .map(|(name, value)| format!("{name}: {}\n", String::from_utf8_lossy(value.as_bytes())))
        .collect();
    let body = response
        .bytes()
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    Answer {
        status,
        location,
        headers,
        body,
    }
}

/// The secrets a cell's answer must not contain: unit A's private things for outsiders, the
/// approved item for those it is not for; everything in a refusal. A secret the request itself
/// carried (an id in the path, echoed by a redirect's `next` or a 404) tells nothing.
fn forbidden_in<'a>(
    fx: &'a Fixtures,
    extra: &'a [String],
    who: Who,
    expect: Exp,
    url: &str,
) -> Vec<&'a String> {
    let mut secrets = Vec::new();
    if expect.refusal() || who.outsider() {
        secrets.extend(fx.private.iter().chain(extra));
    }
    if expect.refusal() || !who.may_see_approved() {
        secrets.extend(&fx.approved_marks);
    }
    secrets.retain(|secret| !url.contains(secret.as_str()));
    // A live channel names its organising unit to everyone who may watch it (staff of either
    // desk, partners): unit A's name is public there, not in a refusal.
    if !expect.refusal() && url.contains("/channels") {
        secrets.retain(|secret| **secret != fx.unit_a_name);
    }
    secrets
}

/// The app, its fixtures, and what a row needs made anew per cell.
struct Matrix<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    fx: Fixtures,
    /// Seeds of fresh objects (distinct photos, user names).
    seed: u64,
}

impl Matrix<'_> {
    /// Runs every cell of `row`; returns what went wrong and the observed statuses.
    async fn run(&mut self, row: &Row) -> (Vec<String>, String) {
        let mut problems = Vec::new();
        let mut observed = Vec::new();
        let fronts = if row.path.starts_with("/media/") {
            // The media port serves the same answers without actix (partners.media_listen).
            self.app.media_front_ends()
        } else {
            vec![self.app.base_url.clone()]
        };
        for front in &fronts {
            for (who, expect) in CALLERS.into_iter().zip(row.expect) {
                let (answer, url, extra) = self.cell(row, who, front).await;
                let Some(answer) = answer else {
                    problems.push(format!("{} {}: {url}", row.method, row.path));
                    return (problems, String::new());
                };
                observed.push(answer.status.to_string());
                if !expect.met(&answer) {
                    problems.push(format!(
                        "{} {} as {} ({url}): expected {expect:?}, got {}",
                        row.method,
                        row.path,
                        who.slug(),
                        answer.summary()
                    ));
                }
                for secret in forbidden_in(&self.fx, &extra, who, expect, &url) {
                    if answer.body.contains(secret.as_str())
                        || answer.headers.contains(secret.as_str())
                    {
                        problems.push(format!(
                            "{} {} as {}: the answer ({}) names {secret:?}",
                            row.method,
                            row.path,
                            who.slug(),
                            answer.status
                        ));
                    }
                }
            }
        }
        let line = format!("{:7} {:62} {}", row.method, row.path, observed.join(" "));
        (problems, line)
    }

    /// One cell: makes its fresh object if the row needs one, sends the request. `None` (with
    /// the reason in place of the URL) when the path has a parameter no fixture fills.
    async fn cell(
        &mut self,
        row: &Row,
        who: Who,
        front: &str,
    ) -> (Option<Answer>, String, Vec<String>) {
        let fx = &self.fx;
        let mut token = fx.token(who).map(str::to_owned);
        let mut fresh_id = None;
        let mut extra = Vec::new();
        self.seed += 1;
        let seed = self.seed;
        match row.fresh {
            Fresh::Nothing => {}
            Fresh::Asset => {
                let title = format!("矩阵甲删除用-{seed}-{}", fx.marker);
                let file = format!("matrix-a-delete-{seed}.jpg");
                let id = upload_photo(self.app, &fx.unit_a, &file, &title, seed).await;
                extra = vec![id.clone(), title, file];
                fresh_id = Some(id);
            }
            Fresh::Upload => {
                let title = format!("矩阵甲终止用-{seed}-{}", fx.marker);
                let file = format!("matrix-a-terminate-{seed}.jpg");
                let id = tus_upload(self.app, &fx.unit_a, &file, &title).await;
                extra = vec![id.clone(), b64(&title), title, b64(&file), file];
                fresh_id = Some(id);
            }
            Fresh::Webhook => {
                let url = format!("http://127.0.0.1:9/matrix-{seed}");
                fresh_id = Some(
                    create_webhook(self.app, &fx.partner, &url)
                        .await
                        .to_string(),
                );
            }
            Fresh::Staff => {
                if let Some((role, desk)) = who.staff() {
                    let name = format!("matrix-fresh-{seed}");
                    token = Some(self.app.user_session(&name, role, desk).await);
                }
            }
        }
        let mut unknown = Vec::new();
        let path = fill(row.path, |name| {
            fx.param(row.path, name, fresh_id.as_deref())
                .unwrap_or_else(|| {
                    unknown.push(name.to_owned());
                    "0".to_owned()
                })
        });
        if !unknown.is_empty() {
            let why = format!("no fixture fills {unknown:?} (add it to `Fixtures::param`)");
            return (None, why, extra);
        }
        let url = match who {
            Who::SignedUrl => format!("{front}{path}?{}", fx.signed_query),
            _ => format!("{front}{path}"),
        };
        let answer = send(
            &self.client,
            row.method,
            &url,
            token.as_deref(),
            is_page(row.path),
            (row.body)(who),
        )
        .await;
        (Some(answer), url, extra)
    }
}

async fn every_route_answers_each_caller_as_its_row_says(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = client();
    // An answered request means a worker has built its app, and building it registered every
    // route (`routes::resource`).
    let health = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let found = probe(&app, &client).await;
    let rows = table();
    let mut problems = coverage(&found, &rows);

    let fx = fixtures(&app).await;
    let mut matrix = Matrix {
        app: &app,
        client,
        fx,
        seed: 1000,
    };
    let mut observed = vec![format!(
        "{:7} {:62} {}",
        "",
        "",
        CALLERS.map(Who::slug).join(" ")
    )];
    for row in rows
        .iter()
        .filter(|row| found.contains(&(row.method.to_owned(), row.path.to_owned())))
    {
        let (mut found_wrong, line) = matrix.run(row).await;
        problems.append(&mut found_wrong);
        observed.push(line);
    }
    // Shown when the test fails: what every caller got, to compare with the table.
    eprintln!("observed statuses:\n{}", observed.join("\n"));
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
    app.stop().await;
}

both_databases!(every_route_answers_each_caller_as_its_row_says);
