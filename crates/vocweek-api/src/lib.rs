//! The HTTP face of vocweek (actix-web): routes, authentication, JSON types and the OpenAPI
//! document. Handlers translate HTTP to calls on the pipeline and the data layer, nothing more.

mod auth;
mod disposition;
pub mod distribution;
mod error;
mod json;
mod media_listener;
mod middleware;
mod openapi;
mod openapi_answers;
mod origin;
mod plain_text;
mod ranged;
pub mod reporting;
mod routes;
mod startup;
mod state;
mod tus;
mod web;

pub use distribution::{Distribution, DistributionSettings, MediaSigner, RateLimiter};
pub use error::ApiError;
pub use media_listener::MediaListener;
pub use openapi::ApiDoc;
pub use origin::{Origin, PublicOrigin, SettingError};
pub use routes::registered_paths;
pub use startup::{ExtraRoutes, build_server};
pub use state::AppState;
pub use tus::TusSettings;
pub use web::SignInThrottle;
