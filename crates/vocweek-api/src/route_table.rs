//! The route table's building blocks: every resource is made here, so the router can be
//! enumerated (`registered_paths`) and unknown methods and paths answer JSON like every error.
//! A leaf module: handlers of every area use it, and it uses none of them.

use std::collections::BTreeSet;
use std::sync::{Mutex, PoisonError};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, Resource, ResponseError, web};

use crate::ApiError;

/// Every path given to [`resource`], in every app built by this process. The authorization
/// matrix test (`tests/tests/authz_matrix.rs`) enumerates the router from it instead of a list
/// kept by hand, so a route added without a row in its table fails that test.
static REGISTERED: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// A resource whose unknown methods get a JSON 405 instead of an empty one.
pub fn resource(path: &str) -> Resource {
    // A panic elsewhere while the set was held leaves it whole (an insert cannot half-happen):
    // a poisoned lock is used as it is rather than losing the route.
    REGISTERED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(path.to_owned());
    web::resource(path).default_service(web::to(method_not_allowed))
}

/// The paths registered through [`resource`] so far (after an app was built: they are
/// recorded as the app's routes are configured), sorted.
pub fn registered_paths() -> Vec<String> {
    REGISTERED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .cloned()
        .collect()
}

async fn method_not_allowed(req: HttpRequest) -> HttpResponse {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        format!("{} is not allowed on {}", req.method(), req.path()),
    )
    .error_response()
}

/// Answer for any path no route matches.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not-found",
        format!("no such endpoint: {}", req.path()),
    )
    .error_response()
}
