//! 素材报送: the colleges' and bureaus' upload page. The unit signs in with its upload token
//! (kept in the browser's localStorage, sent as a Bearer header) or a person signs in at
//! `/unit/login` (the session cookie, with the page's CSRF token on every state-changing
//! call): `static/unit_session.js`, shared by the three unit pages. Files go through tus
//! (tus-js-client from npm) and resume on their own after a network drop; a 典型案例 is
//! written in its own form (`static/case.js`, JSON to `POST /api/v1/cases`); the page lists
//! today's submissions with their state and the editor's note.

use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use crate::layout::{Frame, ok};

/// Everything on the page is filled in by `static/upload.js` and `static/case.js` once the
/// token is entered.
#[derive(Template)]
#[template(path = "unit/upload.html")]
struct UploadPage {
    frame: Frame,
}

pub async fn show(req: HttpRequest) -> HttpResponse {
    ok(&UploadPage {
        frame: Frame::unit("素材报送", &req),
    })
}
