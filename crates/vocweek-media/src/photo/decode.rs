//! One decode per photo, to packed RGB8, after the header was checked against the limits.
//! JPEG goes through libjpeg-turbo with DCT scaling (shrink on load, `jpeg_decode`); HEIF/AVIF
//! through libheif (`heif_decode`); PNG, GIF (first frame), WebP and TIFF through the `image`
//! crate (`image_crate`).
//!
//! Untrusted files must not take the service down, so before any pixel is decoded the header
//! gives an estimate of the memory the decode will hold ([`decoded_bytes_needed`], see
//! `decode_budget`), refused over `photos.max_decoded`; and metadata is bounded by
//! `photos.max_metadata`: an ICC profile or EXIF block over it is ignored (`metadata_cap`), and
//! a PNG's compressed chunks (iCCP, zTXt, iTXt) cannot inflate to more than a few times it
//! (`png_metadata`).

use super::{PhotoSettings, Rgb, heif_decode, image_crate, jpeg_decode};
use crate::MediaError;

/// The photo formats vocweek decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoFormat {
    Jpeg,
    Png,
    Gif,
    Webp,
    Tiff,
    Heif,
    Avif,
}

impl PhotoFormat {
    pub fn detect(bytes: &[u8]) -> Option<Self> {
        let at =
            |offset: usize, magic: &[u8]| bytes.get(offset..offset + magic.len()) == Some(magic);
        Some(if at(0, &[0xFF, 0xD8, 0xFF]) {
            PhotoFormat::Jpeg
        } else if at(0, b"\x89PNG\r\n\x1a\n") {
            PhotoFormat::Png
        } else if at(0, b"GIF8") {
            PhotoFormat::Gif
        } else if at(0, b"RIFF") && at(8, b"WEBP") {
            PhotoFormat::Webp
        } else if at(0, b"II*\0") || at(0, b"MM\0*") {
            PhotoFormat::Tiff
        } else if at(4, b"ftyp") {
            match crate::sniff(bytes, "") {
                Ok(sniffed) if sniffed.mime == "image/avif" => PhotoFormat::Avif,
                Ok(sniffed) if sniffed.kind == vocweek_domain::AssetKind::Photo => {
                    PhotoFormat::Heif
                }
                _ => return None,
            }
        } else {
            return None;
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            PhotoFormat::Jpeg => "jpeg",
            PhotoFormat::Png => "png",
            PhotoFormat::Gif => "gif",
            PhotoFormat::Webp => "webp",
            PhotoFormat::Tiff => "tiff",
            PhotoFormat::Heif => "heif",
            PhotoFormat::Avif => "avif",
        }
    }
}

/// A decoded photo, not yet oriented.
pub struct Decoded {
    pub format: PhotoFormat,
    /// Size of the stored picture at full resolution (before orientation).
    pub full_width: u32,
    pub full_height: u32,
    /// The pixels, possibly already shrunk on load.
    pub pixels: Rgb,
    pub exif: Option<Vec<u8>>,
    pub icc: Option<Vec<u8>>,
    /// The decoder already turned the picture upright (HEIF container transforms).
    pub oriented_by_decoder: bool,
}

pub fn decode(bytes: &[u8], settings: &PhotoSettings) -> Result<Decoded, MediaError> {
    match PhotoFormat::detect(bytes) {
        Some(PhotoFormat::Jpeg) => jpeg_decode::decode(bytes, settings),
        Some(format @ (PhotoFormat::Heif | PhotoFormat::Avif)) => {
            heif_decode::decode(bytes, settings, format)
        }
        Some(format) => image_crate::decode(bytes, settings, format),
        None => Err(not_a_photo()),
    }
}

/// The peak memory decoding `bytes` will hold, from the header alone, after the same checks
/// (limits, then budget) that [`decode`] makes with the same numbers.
pub fn decoded_bytes_needed(bytes: &[u8], settings: &PhotoSettings) -> Result<u64, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    match PhotoFormat::detect(bytes) {
        Some(PhotoFormat::Jpeg) => jpeg_decode::needed(bytes, settings),
        Some(PhotoFormat::Heif | PhotoFormat::Avif) => heif_decode::needed(bytes, settings),
        Some(format) => image_crate::needed(bytes, settings, format),
        None => Err(not_a_photo()),
    }
}

fn not_a_photo() -> MediaError {
    MediaError::ImageUnsupported("not a photo format vocweek decodes".to_owned())
}
