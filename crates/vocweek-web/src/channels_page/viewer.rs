//! Who opens the channel pages: a signed-in member of staff (the menu's 网上观赛), or a unit
//! person signed in at `/unit/login`, who sees and manages the unit's own channels only (the
//! rule is `vocweek_app::Channels`'s). Anyone else goes to a sign-in: a unit's session (or its
//! upload token in the cookie) to the units' one, everyone else to the staff's. A form is
//! taken only with its session's CSRF token; otherwise 页面已过期, before anything is read.

use actix_web::{HttpRequest, HttpResponse, web};
use vocweek_api::AppState;
use vocweek_api::session_cookie;
use vocweek_app::Actor;
use vocweek_db::tokens::Principal;

use crate::form::{field, form_pairs, stale_form};
use crate::layout::Frame;
use crate::menu::Place;
use crate::staff::{self, Staff};
use crate::unit_person::{self, SignedIn};

/// The signed-in reader of a channel page.
pub(super) enum Viewer {
    Staff(Staff),
    Unit(SignedIn),
}

impl Viewer {
    /// As the channels service checks it.
    pub(super) fn actor(&self) -> Actor {
        match self {
            Viewer::Staff(staff) => staff.actor(),
            Viewer::Unit(person) => Actor::Unit(person.unit_id),
        }
    }

    fn session(&self) -> &str {
        match self {
            Viewer::Staff(staff) => &staff.session,
            Viewer::Unit(person) => &person.session,
        }
    }

    /// The CSRF token the page's forms carry.
    pub(super) fn csrf(&self) -> String {
        session_cookie::csrf_token(self.session())
    }

    /// The staff member, who chooses the organising unit and opens the queue.
    pub(super) fn staff(&self) -> Option<&Staff> {
        match self {
            Viewer::Staff(staff) => Some(staff),
            Viewer::Unit(_) => None,
        }
    }

    /// The staff frame with the menu, or the units' frame.
    pub(super) fn frame(&self, title: &str, req: &HttpRequest) -> Frame {
        match self {
            Viewer::Staff(staff) => Frame::staff(staff, title, Place::Channels),
            Viewer::Unit(_) => Frame::unit(title, req),
        }
    }
}

/// The reader of this request, or the answer instead: a sign-in (staff, or the units' for a
/// unit's session), 修改密码 while a generated password is unchanged.
pub(super) async fn viewer(
    req: &HttpRequest,
    state: &web::Data<AppState>,
) -> Result<Viewer, HttpResponse> {
    if unit_session(req, state.get_ref()).await {
        unit_person::signed_in_with_own_password(req, state.get_ref())
            .await
            .map(Viewer::Unit)
    } else {
        staff::signed_in(req, state).await.map(Viewer::Staff)
    }
}

/// Whether the cookie holds a unit's session (a person's, or the unit's token put there).
async fn unit_session(req: &HttpRequest, state: &AppState) -> bool {
    let Some(session) = session_cookie::token(req) else {
        return false;
    };
    matches!(
        state.db.authenticate(&session).await,
        Ok(Ok(Principal::Unit { .. }))
    )
}

/// A form posted from a channel page by its signed-in reader: the fields in order
/// (checkboxes repeat a name).
pub(super) struct Posted {
    pub viewer: Viewer,
    pairs: Vec<(String, String)>,
}

impl Posted {
    /// The first value of `name`, trimmed.
    pub(super) fn field(&self, name: &str) -> Option<String> {
        field(&self.pairs, name)
    }

    /// Every non-empty value of `name` (ticked checkboxes), trimmed.
    pub(super) fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    }
}

/// The form `body` of this request's reader, if its `csrf` field belongs to their session;
/// otherwise the sign-in, or 页面已过期 (403).
pub(super) async fn posted(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    body: &str,
) -> Result<Posted, HttpResponse> {
    let viewer = viewer(req, state).await?;
    let pairs = form_pairs(body);
    let fresh = field(&pairs, "csrf")
        .is_some_and(|token| session_cookie::csrf_ok(viewer.session(), &token));
    if !fresh {
        return Err(stale_form());
    }
    Ok(Posted { viewer, pairs })
}
