//! `[media]` (the limits of media child processes) and `[articles]` (what one document may
//! cost): the settings that keep a hostile file from costing anyone else.

use anyhow::{Context, bail};
use serde::Deserialize;
use vocweek_media::article::ArticleLimits;
use vocweek_pipeline::jobs::ChildBudgets;
use vocweek_pipeline::jobs::article_pictures::EmbeddedPictures;
use vocweek_pipeline::parse_byte_size;
use vocweek_sandbox::{ChildLimits, MediaProgram};

/// Below this a child cannot start its work thread and libraries.
const MIN_CHILD_MEMORY: u64 = 64 * 1024 * 1024;

/// Each media child's limits. Memory is `RLIMIT_DATA` (heap and private mappings); CPU is
/// seconds over all its threads; `max_output_file` is the largest file a child may write.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MediaConfig {
    pub photo_memory: String,
    pub article_memory: String,
    pub video_memory: String,
    pub photo_cpu_seconds: u64,
    pub article_cpu_seconds: u64,
    pub video_cpu_seconds: u64,
    pub photo_max_output_file: String,
    pub article_max_output_file: String,
    pub video_max_output_file: String,
    /// The program media children run; unset, this binary's `media-run`. Not a file
    /// setting: the test harness, whose executable is a test runner, sets it.
    #[serde(skip)]
    pub program: Option<MediaProgram>,
}

impl Default for MediaConfig {
    fn default() -> Self {
        let defaults = ChildBudgets::default();
        let mib = |bytes: u64| format!("{}MiB", bytes / (1024 * 1024));
        MediaConfig {
            photo_memory: mib(defaults.photo.memory_bytes),
            article_memory: mib(defaults.article.memory_bytes),
            video_memory: mib(defaults.video.memory_bytes),
            photo_cpu_seconds: defaults.photo.cpu_seconds,
            article_cpu_seconds: defaults.article.cpu_seconds,
            video_cpu_seconds: defaults.video.cpu_seconds,
            photo_max_output_file: mib(defaults.photo.file_size_bytes),
            article_max_output_file: mib(defaults.article.file_size_bytes),
            video_max_output_file: mib(defaults.video.file_size_bytes),
            program: None,
        }
    }
}

impl MediaConfig {
    pub fn budgets(&self) -> anyhow::Result<ChildBudgets> {
        let child = |kind: &str, memory: &str, cpu_seconds: u64, output: &str| {
            if cpu_seconds == 0 {
                bail!("media.{kind}_cpu_seconds must be at least 1");
            }
            let memory_bytes = size(&format!("media.{kind}_memory"), memory)?;
            if memory_bytes < MIN_CHILD_MEMORY {
                bail!("media.{kind}_memory must be at least 64MiB (the child's code and stacks)");
            }
            Ok(ChildLimits {
                memory_bytes,
                cpu_seconds,
                file_size_bytes: size(&format!("media.{kind}_max_output_file"), output)?,
            })
        };
        Ok(ChildBudgets {
            photo: child(
                "photo",
                &self.photo_memory,
                self.photo_cpu_seconds,
                &self.photo_max_output_file,
            )?,
            article: child(
                "article",
                &self.article_memory,
                self.article_cpu_seconds,
                &self.article_max_output_file,
            )?,
            video: child(
                "video",
                &self.video_memory,
                self.video_cpu_seconds,
                &self.video_max_output_file,
            )?,
        })
    }
}

/// Caps on one document; a refusal names the key it hit.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ArticlesConfig {
    pub max_zip_entries: usize,
    pub max_inflated: String,
    pub max_pdf_depth: u32,
    pub max_pdf_objects: u64,
    pub max_pdf_inflated: String,
    pub max_extracted_text: String,
    pub max_images: usize,
    pub max_image: String,
    pub max_html_depth: u32,
    /// `attach` (the default): a document's pictures stay with the article, and an editor
    /// chooses which go to the queue; `queue`: each becomes a photo item at once.
    pub embedded_pictures: String,
}

impl Default for ArticlesConfig {
    fn default() -> Self {
        let defaults = ArticleLimits::default();
        let mib = |bytes: u64| format!("{}MiB", bytes / (1024 * 1024));
        ArticlesConfig {
            max_zip_entries: defaults.max_zip_entries,
            max_inflated: mib(defaults.max_inflated_bytes),
            max_pdf_depth: defaults.max_pdf_depth,
            max_pdf_objects: defaults.max_pdf_objects,
            max_pdf_inflated: mib(defaults.max_pdf_inflated_bytes),
            max_extracted_text: mib(defaults.max_extracted_text_bytes),
            max_images: defaults.max_images,
            max_image: mib(defaults.max_image_bytes),
            max_html_depth: defaults.max_html_depth,
            embedded_pictures: "attach".to_owned(),
        }
    }
}

impl ArticlesConfig {
    pub fn embedded_pictures(&self) -> anyhow::Result<EmbeddedPictures> {
        EmbeddedPictures::parse(&self.embedded_pictures).ok_or_else(|| {
            anyhow::anyhow!(
                "articles.embedded_pictures must be \"attach\" or \"queue\", not {:?}",
                self.embedded_pictures
            )
        })
    }

    pub fn limits(&self) -> anyhow::Result<ArticleLimits> {
        if self.max_pdf_depth < 8 {
            bail!("articles.max_pdf_depth must be at least 8 (real PDFs nest a few levels)");
        }
        Ok(ArticleLimits {
            max_zip_entries: self.max_zip_entries.max(1),
            max_inflated_bytes: size("articles.max_inflated", &self.max_inflated)?,
            max_pdf_depth: self.max_pdf_depth,
            max_pdf_objects: self.max_pdf_objects.max(1),
            max_pdf_inflated_bytes: size("articles.max_pdf_inflated", &self.max_pdf_inflated)?,
            max_extracted_text_bytes: size(
                "articles.max_extracted_text",
                &self.max_extracted_text,
            )?,
            max_images: self.max_images,
            max_image_bytes: size("articles.max_image", &self.max_image)?,
            max_html_depth: self.max_html_depth.max(8),
            ..ArticleLimits::default()
        })
    }
}

fn size(key: &str, text: &str) -> anyhow::Result<u64> {
    parse_byte_size(text)
        .map_err(|e| anyhow::anyhow!(e))
        .with_context(|| key.to_owned())
}
