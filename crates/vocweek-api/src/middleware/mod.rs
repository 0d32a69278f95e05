//! Cross-cutting request handling: request ids and logs, metrics, panics.

mod catch_panic;
mod request_metrics;
mod request_span;

pub use catch_panic::catch_panic;
pub use request_metrics::record_metrics;
pub use request_span::request_span;
