//! The HTTP face of vocweek (actix-web): routes, authentication, JSON types and the OpenAPI
//! document. Handlers translate HTTP to calls on the pipeline and the data layer, nothing more.

mod auth;
mod batch_error;
mod campaign_error;
mod case_error;
mod channel_error;
mod disposition;
pub mod distribution;
mod distribution_state;
mod editorial_error;
mod error;
#[cfg(test)]
mod error_mapping_tests;
mod json;
mod live_viewers;
mod media_listener;
mod member_error;
mod middleware;
mod notice_error;
mod openapi;
mod openapi_answers;
mod origin;
mod plain_text;
mod ranged;
pub mod reporting;
mod reporting_error;
mod route_table;
mod routes;
pub mod session_cookie;
pub mod shanghai_time;
mod sign_in_throttle;
mod startup;
mod state;
mod tag_filters;
mod tus;
mod tus_state;
mod upload_form;

pub use distribution_state::{
    Distribution, DistributionSettings, MediaSigner, PartnersConfig, PartnersSettingError,
    RateLimiter,
};
pub use error::ApiError;
pub use live_viewers::LiveViewers;
pub use media_listener::MediaListener;
pub use openapi::ApiDoc;
pub use origin::{Origin, PublicOrigin, SettingError};
pub use plain_text::refuse_control_characters;
pub use route_table::{registered_paths, resource};
pub use routes::password_proven;
pub use sign_in_throttle::{SignInThrottle, unit_person_key};
pub use startup::{ExtraRoutes, build_server};
pub use state::{AppState, RtmpEndpoint};
pub use tus_state::{ResumableConfig, TusSettings};
