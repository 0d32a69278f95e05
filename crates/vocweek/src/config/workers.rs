//! `[workers]`, and the `WorkerConfig` the pipeline runs with: it gathers the job settings
//! with those of the media sections (`[photos]`, `[video]`, `[articles]`, `[media]`).

use std::time::Duration;

use serde::Deserialize;
use vocweek_pipeline::WorkerConfig;

use super::Config;

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

impl Config {
    pub fn worker_config(&self) -> anyhow::Result<WorkerConfig> {
        let w = &self.workers;
        Ok(WorkerConfig {
            concurrency: w.concurrency.max(1),
            lease: Duration::from_secs(w.lease_seconds.max(1)),
            poll_interval: Duration::from_millis(w.poll_interval_ms.max(10)),
            backoff_base: Duration::from_millis(w.backoff_base_ms),
            backoff_max: Duration::from_secs(w.backoff_max_seconds),
            media_timeout: Duration::from_secs(w.media_timeout_seconds.max(1)),
            max_attempts: w.max_attempts,
            media_program: self.media.program.clone(),
            children: self.media.budgets()?,
            photo: self.photos.settings()?,
            decode_budget_bytes: self.photos.decode_budget_bytes()?,
            similar_distance: self.photos.similar_distance,
            article: self.articles.limits()?,
            embedded_pictures: self.articles.embedded_pictures()?,
            video: self.video.settings(&self.photos),
            video_concurrency: self.video.concurrency.max(1),
            video_time_limit: vocweek_pipeline::jobs::TimeLimit {
                factor: self.video.time_limit_factor,
                minimum: Duration::from_secs(self.video.time_limit_min_seconds),
            },
        })
    }
}
