//! `[photos]`: rendition sizes, what one photo's decode may take, and near-duplicate matching.

use serde::Deserialize;
use vocweek_db::similar::MAX_GUARANTEED_DISTANCE;
use vocweek_domain::ByteSize;
use vocweek_media::photo::{PhotoSettings, Target};

use super::{SettingError, refuse};

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
    pub decode_budget: ByteSize,
    /// The most one photo's decode may hold (its pixels in their own format, then as RGB),
    /// read from the header before any pixel is decoded.
    pub max_decoded: ByteSize,
    /// Embedded ICC/EXIF/XMP/text beyond this is ignored (the photo is still processed).
    pub max_metadata: ByteSize,
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
            decode_budget: ByteSize::mib(2048),
            max_decoded: ByteSize::bytes(defaults.max_decoded_bytes),
            max_metadata: ByteSize::bytes(defaults.max_metadata_bytes),
            similar_distance: 6,
        }
    }
}

impl PhotosConfig {
    /// The media settings, once the sizes and qualities are checked.
    pub fn settings(&self) -> Result<PhotoSettings, SettingError> {
        if self.thumb_size == 0 || self.preview_size == 0 {
            return refuse("photos.thumb_size and photos.preview_size must be positive");
        }
        if !(1..=100).contains(&self.thumb_quality) || !(1..=100).contains(&self.preview_quality) {
            return refuse("photo qualities must be between 1 and 100");
        }
        Ok(PhotoSettings {
            thumb: self.thumb(),
            preview: self.preview(),
            max_pixels: self.max_pixels,
            max_side: self.max_side,
            max_decoded_bytes: self.max_decoded.as_u64(),
            max_metadata_bytes: self.max_metadata.as_u64(),
            shrink_on_load: true,
        })
    }

    /// The `thumb` rendition (a video's thumbnail follows it).
    pub fn thumb(&self) -> Target {
        Target {
            long_edge: self.thumb_size,
            quality: self.thumb_quality,
        }
    }

    /// The `preview` rendition (a video's poster follows it).
    pub fn preview(&self) -> Target {
        Target {
            long_edge: self.preview_size,
            quality: self.preview_quality,
        }
    }

    /// The decode budget, which must hold at least one photo's largest decode.
    pub fn decode_budget_bytes(&self) -> Result<u64, SettingError> {
        if self.decode_budget < self.max_decoded {
            return refuse(format!(
                "photos.decode_budget ({}) must hold at least one photo's photos.max_decoded ({})",
                self.decode_budget, self.max_decoded
            ));
        }
        Ok(self.decode_budget.as_u64())
    }

    /// Every refusal of the section.
    pub fn check(&self) -> Result<(), SettingError> {
        // Past it two close hashes may share no band, and the database's search would miss them.
        if self.similar_distance > MAX_GUARANTEED_DISTANCE {
            return refuse(format!(
                "photos.similar_distance must be at most {MAX_GUARANTEED_DISTANCE}"
            ));
        }
        self.settings()?;
        self.decode_budget_bytes()?;
        Ok(())
    }
}
