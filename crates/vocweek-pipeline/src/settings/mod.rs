//! The `vocweek.toml` sections the pipeline runs with, each deserializable as the file writes
//! it (`#[serde(default, deny_unknown_fields)]`: a missing key takes its default, an unknown
//! one is an error) and turned into the settings its code takes (`PhotoSettings`,
//! `VideoSettings`, `ChildBudgets`…) by a checked conversion whose error names the key. The
//! sections keep the file's flat keys (`photos.thumb_size`), which the media crate's settings,
//! sent as they are to media children, do not share (`thumb: Target { long_edge, … }`).

mod articles;
mod live;
mod mail;
mod media;
mod photos;
mod video;
mod webhooks;
mod workers;

pub use articles::ArticlesConfig;
pub use live::{LiveConfig, LiveSettings};
pub use mail::MailConfig;
pub use media::MediaConfig;
pub use photos::PhotosConfig;
pub use video::VideoConfig;
pub use webhooks::WebhooksConfig;
pub use workers::WorkersConfig;

/// A setting that cannot work, named by its key: `video.crf must be between 0 and 51`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SettingError(String);

/// A refusal of a setting; `message` names its key.
pub(crate) fn refuse<T>(message: impl Into<String>) -> Result<T, SettingError> {
    Err(SettingError(message.into()))
}
