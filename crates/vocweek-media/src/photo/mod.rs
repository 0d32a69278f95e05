//! Photos: one decode → upright, sRGB, metadata-free renditions (`thumb` WebP, `preview`
//! progressive JPEG), the facts editors need (size, capture time, camera, GPS present), and a
//! perceptual hash for near-duplicates.
//!
//! Order of work, chosen for speed: check the header against the limits; decode (JPEG shrinks
//! on load to no less than 2× the largest target); resize to the preview size; only then orient
//! and convert colours (on the small image); the thumbnail comes from the preview.

mod color;
mod decode;
mod dhash;
mod encode;
mod exif_facts;
mod jpeg_markers;
mod orient;
mod resize;

use std::path::Path;

use serde::Serialize;

pub use decode::PhotoFormat;
pub use dhash::hamming_distance;

use crate::MediaError;

/// One rendition's target: the long edge in pixels and the encoder quality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub long_edge: u32,
    pub quality: u8,
}

/// How photos are processed; see `[photos]` in the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoSettings {
    pub thumb: Target,
    pub preview: Target,
    /// Largest accepted image, checked from the header before decoding.
    pub max_pixels: u64,
    pub max_side: u32,
}

impl Default for PhotoSettings {
    fn default() -> Self {
        PhotoSettings {
            thumb: Target {
                long_edge: 320,
                quality: 80,
            },
            preview: Target {
                long_edge: 1280,
                quality: 82,
            },
            max_pixels: 100_000_000,
            max_side: 30_000,
        }
    }
}

/// What editors are told about a photo (never put into public renditions).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhotoFacts {
    /// Upright size of the original.
    pub width: u32,
    pub height: u32,
    pub format: &'static str,
    /// EXIF DateTimeOriginal, RFC 3339 (with the camera's offset when it recorded one; else
    /// read as Beijing time).
    pub captured_at: Option<String>,
    pub camera_make: Option<String>,
    pub camera_model: Option<String>,
    pub gps_present: bool,
    /// The EXIF orientation that was applied (1 = none).
    pub orientation: u16,
    /// Whether an embedded ICC profile was converted to sRGB.
    pub icc_converted: bool,
}

/// An encoded rendition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub mime: &'static str,
    /// File name extension for the rendition key (`thumb.webp`, `preview.jpg`).
    pub extension: &'static str,
}

/// Everything processing a photo produces.
#[derive(Debug, Clone)]
pub struct PhotoOutput {
    pub facts: PhotoFacts,
    pub thumb: Encoded,
    pub preview: Encoded,
    /// 64-bit gradient hash of the upright sRGB picture.
    pub perceptual_hash: u64,
}

/// Processes one photo file. Blocking and CPU-heavy: call it from a blocking thread.
pub fn process_photo(path: &Path, settings: &PhotoSettings) -> Result<PhotoOutput, MediaError> {
    let bytes = std::fs::read(path).map_err(|e| MediaError::Unreadable(e.to_string()))?;
    process_photo_bytes(bytes, settings)
}

/// Processes a photo held in memory (the original is at most the photo size limit).
/// Takes the bytes by value to free them right after decoding (peak memory).
pub fn process_photo_bytes(
    bytes: Vec<u8>,
    settings: &PhotoSettings,
) -> Result<PhotoOutput, MediaError> {
    let mut clock = StageClock::start();
    let largest = settings.preview.long_edge.max(settings.thumb.long_edge);
    let decoded = decode::decode(&bytes, settings, largest.saturating_mul(2))?;
    drop(bytes);
    clock.lap("decode");
    let facts_exif = decoded
        .exif
        .as_deref()
        .map(exif_facts::read)
        .unwrap_or_default();
    let orientation = if decoded.oriented_by_decoder {
        1
    } else {
        facts_exif.orientation.unwrap_or(1)
    };
    let (full_width, full_height) =
        orient::upright_size(decoded.full_width, decoded.full_height, orientation);

    let preview = resize::fit(decoded.pixels, settings.preview.long_edge)?;
    clock.lap("resize");
    let mut preview = orient::apply(preview, orientation);
    let icc_converted = match decoded.icc.as_deref() {
        Some(icc) => color::to_srgb(icc, &mut preview.pixels),
        None => false,
    };
    clock.lap("orient+colour");
    // The preview's JPEG encode runs beside the thumbnail's resize, encode and the hash.
    let (preview_encoded, small) = std::thread::scope(|scope| {
        let preview_job =
            scope.spawn(|| encode::progressive_jpeg(&preview, settings.preview.quality));
        let small = resize::fit(preview.clone(), settings.thumb.long_edge).and_then(|thumb| {
            Ok((
                encode::webp(&thumb, settings.thumb.quality)?,
                dhash::hash(&preview)?,
            ))
        });
        let preview_encoded = preview_job.join().unwrap_or_else(|_| {
            Err(MediaError::Internal(
                "the preview encoder panicked".to_owned(),
            ))
        });
        (preview_encoded, small)
    });
    let (thumb, perceptual_hash) = small?;
    let preview_encoded = preview_encoded?;
    clock.lap("encode");

    Ok(PhotoOutput {
        facts: PhotoFacts {
            width: full_width,
            height: full_height,
            format: decoded.format.name(),
            captured_at: facts_exif.captured_at,
            camera_make: facts_exif.make,
            camera_model: facts_exif.model,
            gps_present: facts_exif.gps_present,
            orientation,
            icc_converted,
        },
        thumb,
        preview: preview_encoded,
        perceptual_hash,
    })
}

/// A video's poster and thumbnail from its chosen frame: the poster a progressive JPEG fitted
/// to `poster`, the thumbnail made exactly as a photo's (WebP, `thumb`).
pub fn poster_renditions(
    frame: Rgb,
    poster: Target,
    thumb: Target,
) -> Result<(Encoded, Encoded), MediaError> {
    let fitted = resize::fit(frame, poster.long_edge)?;
    let poster_jpeg = encode::progressive_jpeg(&fitted, poster.quality)?;
    let small = resize::fit(fitted, thumb.long_edge)?;
    Ok((poster_jpeg, encode::webp(&small, thumb.quality)?))
}

/// Stage timings, logged at debug level (`RUST_LOG=vocweek_media=debug`).
struct StageClock {
    last: std::time::Instant,
}

impl StageClock {
    fn start() -> Self {
        StageClock {
            last: std::time::Instant::now(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = std::time::Instant::now();
        tracing::debug!(
            stage,
            ms = (now - self.last).as_secs_f64() * 1000.0,
            "photo stage"
        );
        self.last = now;
    }
}

/// An 8-bit RGB picture, rows packed without padding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rgb {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}
