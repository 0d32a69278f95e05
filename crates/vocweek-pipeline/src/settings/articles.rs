//! `[articles]`: what one document may cost, and what becomes of the pictures inside it.

use serde::Deserialize;
use vocweek_domain::ByteSize;
use vocweek_media::article::ArticleLimits;

use super::{SettingError, refuse};
use crate::jobs::article_pictures::EmbeddedPictures;

/// Caps on one document; a refusal names the key it hit.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ArticlesConfig {
    pub max_zip_entries: usize,
    pub max_inflated: ByteSize,
    pub max_pdf_depth: u32,
    pub max_pdf_objects: u64,
    pub max_pdf_inflated: ByteSize,
    pub max_extracted_text: ByteSize,
    pub max_images: usize,
    pub max_image: ByteSize,
    pub max_html_depth: u32,
    /// `attach` (the default): a document's pictures stay with the article, and an editor
    /// chooses which go to the queue; `queue`: each becomes a photo item at once.
    pub embedded_pictures: String,
}

impl Default for ArticlesConfig {
    fn default() -> Self {
        let defaults = ArticleLimits::default();
        ArticlesConfig {
            max_zip_entries: defaults.max_zip_entries,
            max_inflated: ByteSize::bytes(defaults.max_inflated_bytes),
            max_pdf_depth: defaults.max_pdf_depth,
            max_pdf_objects: defaults.max_pdf_objects,
            max_pdf_inflated: ByteSize::bytes(defaults.max_pdf_inflated_bytes),
            max_extracted_text: ByteSize::bytes(defaults.max_extracted_text_bytes),
            max_images: defaults.max_images,
            max_image: ByteSize::bytes(defaults.max_image_bytes),
            max_html_depth: defaults.max_html_depth,
            embedded_pictures: "attach".to_owned(),
        }
    }
}

impl ArticlesConfig {
    pub fn embedded_pictures(&self) -> Result<EmbeddedPictures, SettingError> {
        match EmbeddedPictures::parse(&self.embedded_pictures) {
            Some(pictures) => Ok(pictures),
            None => refuse(format!(
                "articles.embedded_pictures must be \"attach\" or \"queue\", not {:?}",
                self.embedded_pictures
            )),
        }
    }

    /// The media crate's limits, once checked (what the file cannot set keeps its default).
    pub fn limits(&self) -> Result<ArticleLimits, SettingError> {
        if self.max_pdf_depth < 8 {
            return refuse(
                "articles.max_pdf_depth must be at least 8 (real PDFs nest a few levels)",
            );
        }
        Ok(ArticleLimits {
            max_zip_entries: self.max_zip_entries.max(1),
            max_inflated_bytes: self.max_inflated.as_u64(),
            max_pdf_depth: self.max_pdf_depth,
            max_pdf_objects: self.max_pdf_objects.max(1),
            max_pdf_inflated_bytes: self.max_pdf_inflated.as_u64(),
            max_extracted_text_bytes: self.max_extracted_text.as_u64(),
            max_images: self.max_images,
            max_image_bytes: self.max_image.as_u64(),
            max_html_depth: self.max_html_depth.max(8),
            ..ArticleLimits::default()
        })
    }

    /// Every refusal of the section.
    pub fn check(&self) -> Result<(), SettingError> {
        self.embedded_pictures()?;
        self.limits()?;
        Ok(())
    }
}
