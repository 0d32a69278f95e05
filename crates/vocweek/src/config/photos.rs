//! `[photos]`: rendition sizes, what one photo's decode may take, and near-duplicate matching.

use anyhow::bail;
use serde::Deserialize;
use vocweek_media::photo::{PhotoSettings, Target};
use vocweek_pipeline::parse_byte_size;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PhotosConfig {
    /// Long edge of the `thumb` rendition (WebP), in pixels.
    pub thumb_size: u32,
    pub thumb_quality: u8,
    /// Long edge of the `preview` rendition (progressive JPEG), in pixels.
    pub preview_size: u32,
    pub preview_quality: u8,
    /// Largest photo accepted, checked from the header before decoding.
    pub max_pixels: u64,
    pub max_side: u32,
    /// Photos the `thumbnail` command processes at once (the service admits photo decodes by
    /// `decode_budget` instead).
    pub concurrency: usize,
    /// Bytes of decoded pictures held at once by one process's photo children.
    pub decode_budget: String,
    /// The most one photo's decode may hold (its pixels in their own format, then as RGB),
    /// read from the header before any pixel is decoded.
    pub max_decoded: String,
    /// Embedded ICC/EXIF/XMP/text beyond this is ignored (the photo is still processed).
    pub max_metadata: String,
    /// Hamming distance (0–7) within which a stored photo is listed as `similar_to`.
    pub similar_distance: u32,
}

impl Default for PhotosConfig {
    fn default() -> Self {
        let defaults = PhotoSettings::default();
        PhotosConfig {
            thumb_size: defaults.thumb.long_edge,
            thumb_quality: defaults.thumb.quality,
            preview_size: defaults.preview.long_edge,
            preview_quality: defaults.preview.quality,
            max_pixels: defaults.max_pixels,
            max_side: defaults.max_side,
            concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
            decode_budget: "2GiB".to_owned(),
            max_decoded: format!("{}MiB", defaults.max_decoded_bytes / (1024 * 1024)),
            max_metadata: format!("{}MiB", defaults.max_metadata_bytes / (1024 * 1024)),
            similar_distance: 6,
        }
    }
}

impl PhotosConfig {
    pub fn settings(&self) -> anyhow::Result<PhotoSettings> {
        let size = |key: &str, text: &str| {
            parse_byte_size(text).map_err(|e| anyhow::anyhow!("photos.{key}: {e}"))
        };
        Ok(PhotoSettings {
            thumb: Target {
                long_edge: self.thumb_size,
                quality: self.thumb_quality,
            },
            preview: Target {
                long_edge: self.preview_size,
                quality: self.preview_quality,
            },
            max_pixels: self.max_pixels,
            max_side: self.max_side,
            max_decoded_bytes: size("max_decoded", &self.max_decoded)?,
            max_metadata_bytes: size("max_metadata", &self.max_metadata)?,
        })
    }

    pub fn decode_budget_bytes(&self) -> anyhow::Result<u64> {
        let budget = parse_byte_size(&self.decode_budget)
            .map_err(|e| anyhow::anyhow!("photos.decode_budget: {e}"))?;
        let one = self.settings()?.max_decoded_bytes;
        if budget < one {
            bail!(
                "photos.decode_budget ({}) must hold at least one photo's photos.max_decoded ({})",
                self.decode_budget,
                self.max_decoded
            );
        }
        Ok(budget)
    }
}
