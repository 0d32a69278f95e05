//! `[limits]`: the largest upload accepted of each kind.

use serde::Deserialize;
use vocweek_pipeline::{UploadLimits, parse_byte_size};

use super::Config;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    pub photo: String,
    pub video: String,
    pub article: String,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            photo: "50MB".to_owned(),
            video: "20GB".to_owned(),
            article: "50MB".to_owned(),
        }
    }
}

impl Config {
    pub fn upload_limits(&self) -> anyhow::Result<UploadLimits> {
        let parse = |name: &str, text: &str| {
            parse_byte_size(text).map_err(|e| anyhow::anyhow!("limits.{name}: {e}"))
        };
        Ok(UploadLimits {
            photo: parse("photo", &self.limits.photo)?,
            video: parse("video", &self.limits.video)?,
            article: parse("article", &self.limits.article)?,
        })
    }
}
