//! The `WorkerConfig` the pipeline runs with: the `[workers]` settings gathered with those of
//! the media sections (`[photos]`, `[video]`, `[articles]`, `[media]`), each owned by the
//! pipeline.

use vocweek_pipeline::WorkerConfig;

use super::Config;

impl Config {
    pub fn worker_config(&self) -> anyhow::Result<WorkerConfig> {
        Ok(self
            .workers
            .worker_config(&self.media, &self.photos, &self.articles, &self.video)?)
    }
}
