//! `[workers]`: how many jobs run at once, their lease, polling and retries. The
//! [`WorkerConfig`] the pool runs with gathers these with the media sections'.

use std::time::Duration;

use serde::Deserialize;

use super::{ArticlesConfig, MediaConfig, PhotosConfig, SettingError, VideoConfig, refuse};
use crate::WorkerConfig;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkersConfig {
    /// Run workers inside `serve` (the embedded default).
    pub in_process: bool,
    pub concurrency: usize,
    pub lease_seconds: u64,
    pub poll_interval_ms: u64,
    pub max_attempts: i32,
    pub backoff_base_ms: u64,
    pub backoff_max_seconds: u64,
    pub media_timeout_seconds: u64,
}

impl Default for WorkersConfig {
    fn default() -> Self {
        let defaults = WorkerConfig::default();
        WorkersConfig {
            in_process: true,
            concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
            lease_seconds: defaults.lease.as_secs(),
            poll_interval_ms: 500,
            max_attempts: 5,
            backoff_base_ms: 2000,
            backoff_max_seconds: 600,
            media_timeout_seconds: defaults.media_timeout.as_secs(),
        }
    }
}

impl WorkersConfig {
    /// Every refusal of the section.
    pub fn check(&self) -> Result<(), SettingError> {
        if self.max_attempts < 1 {
            return refuse("workers.max_attempts must be at least 1");
        }
        Ok(())
    }

    /// What the worker pool runs with: these settings gathered with the media sections'.
    pub fn worker_config(
        &self,
        media: &MediaConfig,
        photos: &PhotosConfig,
        articles: &ArticlesConfig,
        video: &VideoConfig,
    ) -> Result<WorkerConfig, SettingError> {
        Ok(WorkerConfig {
            concurrency: self.concurrency.max(1),
            lease: Duration::from_secs(self.lease_seconds.max(1)),
            poll_interval: Duration::from_millis(self.poll_interval_ms.max(10)),
            backoff_base: Duration::from_millis(self.backoff_base_ms),
            backoff_max: Duration::from_secs(self.backoff_max_seconds),
            media_timeout: Duration::from_secs(self.media_timeout_seconds.max(1)),
            max_attempts: self.max_attempts,
            media_program: media.program.clone(),
            children: media.budgets()?,
            photo: photos.settings()?,
            decode_budget_bytes: photos.decode_budget_bytes()?,
            similar_distance: photos.similar_distance,
            article: articles.limits()?,
            embedded_pictures: articles.embedded_pictures()?,
            video: video.settings(photos),
            video_concurrency: video.concurrency.max(1),
            video_time_limit: video.time_limit(),
        })
    }
}
