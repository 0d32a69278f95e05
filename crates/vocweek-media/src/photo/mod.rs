//! Photos: one decode → upright, sRGB, metadata-free renditions (`thumb` WebP, `preview`
//! progressive JPEG), the facts editors need (size, capture time, camera, GPS present), and a
//! perceptual hash for near-duplicates.
//!
//! Order of work, chosen for speed: check the header against the limits; decode (JPEG shrinks
//! on load to the smallest DCT scale that covers the largest target); resize to the preview size; only then orient
//! and convert colours (on the small image); the thumbnail comes from the preview.

mod color;
mod decode;
mod decode_budget;
mod dhash;
mod encode;
mod exif_facts;
mod flatten;
mod header_size;
mod heif_decode;
mod image_crate;
mod image_error;
mod jpeg_decode;
mod jpeg_markers;
mod metadata_cap;
mod orient;
mod orientation_exif;
mod png_metadata;
mod resize;
mod riff;
#[cfg(test)]
mod test_png;
mod tiff_header;

use std::path::Path;

use serde::Serialize;

pub use decode::PhotoFormat;
pub use dhash::hamming_distance;

use crate::MediaError;

/// One rendition's target: the long edge in pixels and the encoder quality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Target {
    pub long_edge: u32,
    pub quality: u8,
}

/// How photos are processed; see `[photos]` in the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PhotoSettings {
    pub thumb: Target,
    pub preview: Target,
    /// Largest accepted image, checked from the header before decoding.
    pub max_pixels: u64,
    pub max_side: u32,
    /// Most memory one decode may hold, in bytes (`photos.max_decoded`): the estimate of
    /// [`decoded_bytes_needed`], checked from the header before any pixel is decoded. A legal
    /// 10000×10000 16-bit RGBA PNG needs 1.2 GB; a 12 MP JPEG about 33 MB.
    pub max_decoded_bytes: u64,
    /// Largest metadata block kept, in bytes once inflated (`photos.max_metadata`): an
    /// ICC profile or EXIF block over it is ignored (the photo is processed without it), and a
    /// PNG's compressed chunks cannot inflate to much more than a few times this.
    pub max_metadata_bytes: u64,
    /// JPEGs are decoded at the smallest DCT scale that covers the largest target. Off only for
    /// the bench's quality guard (`vocweek thumbnail --full-decode`), which compares against
    /// renditions made from a full-size decode.
    #[serde(default = "shrink_on_load_default")]
    pub shrink_on_load: bool,
}

fn shrink_on_load_default() -> bool {
    true
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
            max_decoded_bytes: 1 << 30,
            max_metadata_bytes: 4 << 20,
            shrink_on_load: true,
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

/// The most memory, in bytes, that processing this photo will hold at once, read from its header
/// alone (cheap: no pixel is decoded), so that decodes can be admitted by budget: the decoder's
/// buffer in its native format (8 bytes a pixel for 16-bit RGBA) beside the RGB8 picture made
/// from it, or the RGB8 picture beside the resize to the preview, whichever is larger. JPEGs
/// count the shrunk-on-load size they are decoded at (plus, when progressive, libjpeg-turbo's
/// full-size coefficients). The file's own bytes are not counted.
///
/// A file [`process_photo_bytes`] would refuse from its header gets the same error here: not a
/// photo format, an unreadable header, over `max_pixels`/`max_side` (`image-too-large`), or an
/// estimate over `max_decoded_bytes` (`MediaError::ImageDecodeBudget`, also `image-too-large`);
/// `process_photo_bytes` refuses with this very estimate.
pub fn decoded_bytes_needed(bytes: &[u8], settings: &PhotoSettings) -> Result<u64, MediaError> {
    decode::decoded_bytes_needed(bytes, settings)
}

/// Processes a photo held in memory (the original is at most the photo size limit).
/// Takes the bytes by value to free them right after decoding (peak memory).
pub fn process_photo_bytes(
    bytes: Vec<u8>,
    settings: &PhotoSettings,
) -> Result<PhotoOutput, MediaError> {
    // The same code as an upload's: a zero-byte file is empty, not an unknown format.
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    let mut clock = StageClock::start();
    let decoded = decode::decode(&bytes, settings)?;
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
