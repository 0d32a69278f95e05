//! The checks a loaded configuration must pass, so that a mistake stops the program at start
//! with the setting's name rather than surfacing later in a job or a request.

use anyhow::bail;

use super::{Config, redact_url};

impl Config {
    pub(super) fn check(&self) -> anyhow::Result<()> {
        self.upload_limits()?;
        self.public_origin()?;
        self.storage.check()?;
        if let Some(url) = &self.database_url
            && !(url.starts_with("sqlite:")
                || url.starts_with("postgres://")
                || url.starts_with("postgresql://"))
        {
            bail!(
                "database_url must start with sqlite:// or postgres:// (got {})",
                redact_url(url)
            );
        }
        if let Some(url) = &self.partners.media_url
            && !url.trim().is_empty()
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            bail!("partners.media_url must start with http:// or https:// (got {url})");
        }
        if !matches!(self.log.format.as_str(), "text" | "json") {
            bail!("log.format must be 'text' or 'json'");
        }
        if self.workers.max_attempts < 1 {
            bail!("workers.max_attempts must be at least 1");
        }
        let photos = &self.photos;
        if photos.similar_distance > vocweek_db::similar::MAX_GUARANTEED_DISTANCE {
            bail!(
                "photos.similar_distance must be at most {}",
                vocweek_db::similar::MAX_GUARANTEED_DISTANCE
            );
        }
        if photos.thumb_size == 0 || photos.preview_size == 0 {
            bail!("photos.thumb_size and photos.preview_size must be positive");
        }
        if !(1..=100).contains(&photos.thumb_quality)
            || !(1..=100).contains(&photos.preview_quality)
        {
            bail!("photo qualities must be between 1 and 100");
        }
        let video = &self.video;
        const PRESETS: [&str; 9] = [
            "ultrafast",
            "superfast",
            "veryfast",
            "faster",
            "fast",
            "medium",
            "slow",
            "slower",
            "veryslow",
        ];
        if !PRESETS.contains(&video.preset.as_str()) {
            bail!("video.preset must be one of {}", PRESETS.join(", "));
        }
        if video.crf > 51 {
            bail!("video.crf must be between 0 and 51");
        }
        if video.rungs.is_empty() || video.rungs.iter().any(|r| *r < 2) {
            bail!("video.rungs must list at least one size of 2 px or more");
        }
        if !(2..=20).contains(&video.segment_seconds) || !video.segment_seconds.is_multiple_of(2) {
            bail!(
                "video.segment_seconds must be an even number of seconds from 2 to 20 (the keyframe interval is 2 s)"
            );
        }
        if !(1.0..=240.0).contains(&video.max_frame_rate) {
            bail!("video.max_frame_rate must be between 1 and 240");
        }
        if video.time_limit_factor < 0.5 {
            bail!("video.time_limit_factor must be at least 0.5");
        }
        // The byte sizes of [photos], [articles] and [media] parse and fit together.
        let workers = self.worker_config()?;
        if workers.children.photo.memory_bytes <= workers.photo.max_decoded_bytes {
            bail!(
                "media.photo_memory ({}) must be larger than photos.max_decoded ({}): a photo \
                 child holds the decode and the libraries around it",
                self.media.photo_memory,
                self.photos.max_decoded
            );
        }
        Ok(())
    }
}
