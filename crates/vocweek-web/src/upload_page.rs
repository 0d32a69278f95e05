//! 素材报送: the colleges' and bureaus' upload page. The unit signs in with its upload token,
//! which stays in the tab (sessionStorage) and goes as a Bearer header: no cookie, so no CSRF
//! surface. Files go through tus (tus-js-client from npm) and resume on their own after a
//! network drop; the page lists today's submissions with their state and the editor's note.

use actix_web::HttpResponse;
use askama::Template;

use crate::layout::{Frame, ok};

/// Everything on the page is filled in by `static/upload.js` once the token is entered.
#[derive(Template)]
#[template(path = "unit/upload.html")]
struct UploadPage {
    frame: Frame,
}

pub async fn show() -> HttpResponse {
    ok(&UploadPage {
        frame: Frame::unit("素材报送"),
    })
}
