//! Cross-cutting request handling: request ids and logs, metrics, panics, the language of
//! error messages, the browser's security headers.

mod catch_panic;
mod localize_errors;
mod request_metrics;
mod request_span;
mod security_headers;

pub use catch_panic::catch_panic;
pub use localize_errors::localize_errors;
pub use request_metrics::record_metrics;
pub use request_span::request_span;
pub use security_headers::security_headers;
