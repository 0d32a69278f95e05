use std::panic::AssertUnwindSafe;

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use futures_util::FutureExt;

use crate::ApiError;

/// Turns a panicking handler into a JSON 500 without internals (the panic itself is logged),
/// instead of a dropped connection.
///
/// The answer travels as an `Err`, which actix renders with `ApiError::error_response`: building
/// a `ServiceResponse` here would need a clone of the request, and a cloned request can no longer
/// be routed.
pub async fn catch_panic(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(result) => result,
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(ApiError::internal(&format!("handler panicked: {message}")).into())
        }
    }
}
