//! PNG, GIF (first frame), WebP, TIFF and CMYK JPEG through the `image` crate: its decoder reads
//! the header, which is checked against the limits and the budget before any pixel is decoded.

use std::borrow::Cow;
use std::io::Cursor;

use image::error::LimitErrorKind;
use image::{DynamicImage, ImageDecoder, ImageError, ImageReader, Limits};

use super::decode::{Decoded, PhotoFormat};
use super::decode_budget::{check_budget, check_limits, image_crate_needed};
use super::flatten::flatten_onto_white;
use super::header_size::{header_size, png_size};
use super::image_error::image_error;
use super::metadata_cap::{capped, within_cap};
use super::orientation_exif::{minimal_exif_orientation, orientation_number};
use super::png_metadata::{png_alloc_limit, png_metadata_within, png_without_metadata};
use super::riff::riff_chunk;
use super::{PhotoSettings, jpeg_markers, tiff_header};
use crate::MediaError;

/// A decoder from the `image` crate whose header passed the limits and the budget.
struct Opened<'a> {
    decoder: Box<dyn ImageDecoder + 'a>,
    width: u32,
    height: u32,
    needed: u64,
}

/// The estimate [`decode`] admits the picture by, after the same checks.
pub fn needed(
    bytes: &[u8],
    settings: &PhotoSettings,
    format: PhotoFormat,
) -> Result<u64, MediaError> {
    Ok(open_image(bytes, settings, format)?.needed)
}

pub fn decode(
    bytes: &[u8],
    settings: &PhotoSettings,
    format: PhotoFormat,
) -> Result<Decoded, MediaError> {
    let Opened {
        mut decoder,
        width,
        height,
        ..
    } = open_image(bytes, settings, format)?;
    let cap = settings.max_metadata_bytes;
    let (icc, exif) = match format {
        PhotoFormat::Jpeg => {
            let found = jpeg_markers::read(bytes, cap);
            (found.icc, found.exif)
        }
        // Read from the file's own chunks: image-webp would allocate what a chunk header
        // claims before reading it.
        PhotoFormat::Webp => (
            riff_chunk(bytes, b"ICCP")
                .filter(|icc| within_cap(icc.len(), cap))
                .map(<[u8]>::to_vec),
            riff_chunk(bytes, b"EXIF")
                .map(|exif| exif.strip_prefix(b"Exif\0\0").unwrap_or(exif))
                .filter(|exif| within_cap(exif.len(), cap))
                .map(<[u8]>::to_vec),
        ),
        _ => {
            let icc = decoder.icc_profile().ok().flatten();
            let exif = decoder.exif_metadata().ok().flatten().or_else(|| {
                // TIFF keeps its orientation in its own tags: express it as a minimal EXIF block.
                decoder
                    .orientation()
                    .ok()
                    .map(|o| minimal_exif_orientation(orientation_number(o)))
            });
            (icc, exif)
        }
    };
    let image = DynamicImage::from_decoder(decoder).map_err(|e| {
        cut_short(bytes, format).unwrap_or_else(|| image_error(e, settings, Some((width, height))))
    })?;
    let pixels = flatten_onto_white(image);
    Ok(Decoded {
        format,
        full_width: width,
        full_height: height,
        pixels,
        exif: capped(exif, cap, "EXIF block"),
        icc: capped(icc, cap, "ICC profile"),
        oriented_by_decoder: false,
    })
}

fn open_image<'a>(
    bytes: &'a [u8],
    settings: &PhotoSettings,
    format: PhotoFormat,
) -> Result<Opened<'a>, MediaError> {
    let opened = if format == PhotoFormat::Png {
        // The png crate reads every chunk before the picture data (inflating the compressed
        // ones) before its decoder tells the size: an oversized PNG is refused from its IHDR.
        if let Some((width, height)) = png_size(bytes) {
            check_limits(width, height, settings)?;
        }
        // The png crate keeps metadata chunks (and the inflated ICC profile) in memory within
        // one allowance; past it, the whole decode fails. Chunks over the cap are left out
        // first, and should the rest still not fit, the picture is decoded without metadata.
        let allowance = png_alloc_limit(settings);
        let within = png_metadata_within(bytes, settings.max_metadata_bytes);
        match image_decoder(within, allowance) {
            Err(err) if is_memory_limit(&err) => {
                tracing::debug!(
                    "PNG metadata over photos.max_metadata; decoding the picture without it"
                );
                image_decoder(png_without_metadata(bytes), allowance)
            }
            opened => opened,
        }
    } else {
        image_decoder(Cow::Borrowed(bytes), settings.max_decoded_bytes)
    };
    let decoder = opened.map_err(|e| open_error(e, bytes, format, settings))?;
    let (width, height) = decoder.dimensions();
    check_limits(width, height, settings)?;
    let needed = image_crate_needed(format, width, height, decoder.color_type(), settings);
    check_budget(width, height, needed, settings)?;
    Ok(Opened {
        decoder,
        width,
        height,
        needed,
    })
}

/// Why the header could not be opened. The image crate refuses floating-point samples it does
/// not decode as "color type Unknown(32)": a TIFF's own tags say what it holds instead.
fn open_error(
    err: ImageError,
    bytes: &[u8],
    format: PhotoFormat,
    settings: &PhotoSettings,
) -> MediaError {
    if format == PhotoFormat::Tiff
        && matches!(err, ImageError::Unsupported(_))
        && let Some(refusal) = tiff_header::float_samples_refusal(bytes)
    {
        return refusal;
    }
    cut_short(bytes, format)
        .unwrap_or_else(|| image_error(err, settings, header_size(bytes, format)))
}

/// A picture that failed to decode because its file stops early, told from its structure
/// (the image crate's errors do not say): a WebP shorter than its RIFF header declares, a GIF
/// without its trailer byte. Such a file was cut in transfer, and sending it again may work.
fn cut_short(bytes: &[u8], format: PhotoFormat) -> Option<MediaError> {
    let truncated = match format {
        PhotoFormat::Webp => bytes
            .get(4..8)
            .and_then(|size| <[u8; 4]>::try_from(size).ok())
            .is_some_and(|size| u64::from(u32::from_le_bytes(size)) + 8 > bytes.len() as u64),
        PhotoFormat::Gif => bytes.last() != Some(&0x3B),
        _ => false,
    };
    truncated
        .then(|| MediaError::ImageTruncated("the file ends before the picture does".to_owned()))
}

/// Reads the header. `max_alloc` bounds what the decoder allocates besides the picture it
/// returns (for PNG, the metadata it keeps). The image crate is given no limit on the sides:
/// its refusal would not say how large the picture is; `check_limits` checks them once the
/// header is read (for PNG, before: see `open_image`).
fn image_decoder<'a>(
    source: Cow<'a, [u8]>,
    max_alloc: u64,
) -> Result<Box<dyn ImageDecoder + 'a>, ImageError> {
    let mut reader = ImageReader::new(Cursor::new(source))
        .with_guessed_format()
        .map_err(ImageError::IoError)?;
    let mut limits = Limits::default();
    limits.max_alloc = Some(max_alloc);
    reader.limits(limits);
    let decoder: Box<dyn ImageDecoder + 'a> = Box::new(reader.into_decoder()?);
    Ok(decoder)
}

fn is_memory_limit(err: &ImageError) -> bool {
    matches!(err, ImageError::Limits(limit) if limit.kind() == LimitErrorKind::InsufficientMemory)
}

#[cfg(test)]
mod tests {
    use super::super::test_png::png_with_size;
    use super::*;

    #[test]
    fn an_oversized_png_is_refused_with_its_size() {
        let settings = PhotoSettings::default();
        let png = png_with_size(50_000, 50_000, b"x");
        for err in [
            decode(&png, &settings, PhotoFormat::Png).err().unwrap(),
            needed(&png, &settings, PhotoFormat::Png).unwrap_err(),
        ] {
            assert!(
                matches!(
                    err,
                    MediaError::ImageTooLarge {
                        width: 50_000,
                        height: 50_000,
                        ..
                    }
                ),
                "{err:?}"
            );
        }
    }
}
