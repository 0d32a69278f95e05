//! The HTTP face of vocweek (actix-web): routes, authentication, JSON types and the OpenAPI
//! document. Handlers translate HTTP to calls on the pipeline and the data layer, nothing more.

mod auth;
mod batch_error;
mod campaign_error;
mod disposition;
pub mod distribution;
mod editorial_error;
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
mod reporting_error;
mod routes;
pub mod session_cookie;
pub mod shanghai_time;
mod sign_in_throttle;
mod startup;
mod state;
mod tus;

pub use distribution::{Distribution, DistributionSettings, MediaSigner, RateLimiter};
pub use error::ApiError;
pub use media_listener::MediaListener;
pub use openapi::ApiDoc;
pub use origin::{Origin, PublicOrigin, SettingError};
pub use plain_text::refuse_control_characters;
pub use routes::registered_paths;
pub use routes::{password_proven, resource};
pub use sign_in_throttle::SignInThrottle;
pub use startup::{ExtraRoutes, build_server};
pub use state::AppState;
pub use tus::TusSettings;
