//! JPEG through libjpeg-turbo, shrunk on load (DCT scaling) to the smallest n/8 that still
//! covers the largest rendition; print-shop CMYK JPEGs, which libjpeg-turbo cannot turn into RGB, go to the `image`
//! crate instead.

use turbojpeg::{Colorspace, DecompressHeader, Decompressor, Image, PixelFormat, ScalingFactor};

use super::decode::{Decoded, PhotoFormat};
use super::decode_budget::{
    check_budget, check_limits, jpeg_coefficient_bytes, resize_peak, rgb8_bytes,
};
use super::{PhotoSettings, Rgb, image_crate, jpeg_markers};
use crate::MediaError;

/// How a JPEG is decoded.
enum JpegRoute {
    /// libjpeg-turbo, shrunk on load.
    Turbo(JpegPlan),
    /// Print-shop CMYK JPEGs: libjpeg-turbo cannot produce RGB from them; the image crate can.
    ImageCrate,
}

struct JpegPlan {
    scale: ScalingFactor,
    needed: u64,
}

/// The estimate [`decode`] admits the JPEG by, after the same checks.
pub fn needed(bytes: &[u8], settings: &PhotoSettings) -> Result<u64, MediaError> {
    let (_, header) = jpeg_header(bytes)?;
    match jpeg_route(&header, settings)? {
        JpegRoute::Turbo(plan) => Ok(plan.needed),
        JpegRoute::ImageCrate => image_crate::needed(bytes, settings, PhotoFormat::Jpeg),
    }
}

pub fn decode(bytes: &[u8], settings: &PhotoSettings) -> Result<Decoded, MediaError> {
    let (mut decompressor, header) = jpeg_header(bytes)?;
    let plan = match jpeg_route(&header, settings)? {
        JpegRoute::Turbo(plan) => plan,
        JpegRoute::ImageCrate => return image_crate::decode(bytes, settings, PhotoFormat::Jpeg),
    };
    let (width, height) = jpeg_size(&header);
    decompressor
        .set_scaling_factor(plan.scale)
        .map_err(|e| MediaError::Internal(format!("libjpeg-turbo scaling: {e}")))?;
    let scaled = header.scaled(plan.scale);
    let mut pixels = vec![0u8; scaled.width * scaled.height * 3];
    let target = Image {
        pixels: pixels.as_mut_slice(),
        width: scaled.width,
        pitch: scaled.width * 3,
        height: scaled.height,
        format: PixelFormat::RGB,
    };
    if let Err(err) = decompressor.decompress(bytes, target) {
        judge_jpeg_problem(&err.to_string())?;
    }
    let metadata = jpeg_markers::read(bytes, settings.max_metadata_bytes);
    Ok(Decoded {
        format: PhotoFormat::Jpeg,
        full_width: width,
        full_height: height,
        pixels: Rgb {
            width: scaled.width as u32,
            height: scaled.height as u32,
            pixels,
        },
        exif: metadata.exif,
        icc: metadata.icc,
        oriented_by_decoder: false,
    })
}

fn jpeg_header(bytes: &[u8]) -> Result<(Decompressor, DecompressHeader), MediaError> {
    let mut decompressor =
        Decompressor::new().map_err(|e| MediaError::Internal(format!("libjpeg-turbo: {e}")))?;
    let header = decompressor
        .read_header(bytes)
        .map_err(|e| MediaError::ImageCorrupt(format!("the JPEG header cannot be read: {e}")))?;
    Ok((decompressor, header))
}

fn jpeg_size(header: &DecompressHeader) -> (u32, u32) {
    (
        u32::try_from(header.width).unwrap_or(u32::MAX),
        u32::try_from(header.height).unwrap_or(u32::MAX),
    )
}

/// The limits, the shrink-on-load scale, and the budget for that scale.
fn jpeg_route(
    header: &DecompressHeader,
    settings: &PhotoSettings,
) -> Result<JpegRoute, MediaError> {
    let (width, height) = jpeg_size(header);
    check_limits(width, height, settings)?;
    if matches!(header.colorspace, Colorspace::CMYK | Colorspace::YCCK) {
        return Ok(JpegRoute::ImageCrate);
    }
    let scale = if settings.shrink_on_load {
        shrink_factor(
            width.max(height),
            min_decoded_long_edge(settings),
            header.is_lossless,
        )
    } else {
        ScalingFactor::ONE
    };
    let scaled = header.scaled(scale);
    let (decoded_width, decoded_height) = (
        u32::try_from(scaled.width).unwrap_or(u32::MAX),
        u32::try_from(scaled.height).unwrap_or(u32::MAX),
    );
    // libjpeg-turbo decodes straight into the RGB8 buffer; a progressive (or lossless) JPEG
    // also keeps every coefficient of the full-size picture until its last scan.
    let mut decoding = rgb8_bytes(decoded_width, decoded_height);
    if header.is_progressive || header.is_lossless {
        decoding = decoding.saturating_add(jpeg_coefficient_bytes(
            header.width,
            header.height,
            header.subsamp,
        ));
    }
    let needed = decoding.max(resize_peak(decoded_width, decoded_height, settings));
    check_budget(width, height, needed, settings)?;
    Ok(JpegRoute::Turbo(JpegPlan { scale, needed }))
}

/// The shrink-on-load floor for JPEG: the largest rendition's long edge (libvips shrinks on
/// load too, but only by powers of two). The scaled IDCT keeps each 8×8 block's low frequencies,
/// most of what the resize to that rendition keeps; not all: the bench measures the preview's
/// SSIM against one made from a full decode at 0.994 on grainy 12 MP files, short of its 0.995
/// goal (BENCHMARKS.md), a difference in how fine grain is resampled.
fn min_decoded_long_edge(settings: &PhotoSettings) -> u32 {
    settings.preview.long_edge.max(settings.thumb.long_edge)
}

/// The smallest DCT scale (n/8) that keeps the long edge at least `min_long_edge`.
///
/// Measured (BENCHMARKS.md, `djpeg -scale` on a 12 MP q90 JPEG, CPU per decode): full 49 ms,
/// 6/8 58 ms, 4/8 39 ms, 3/8 37 ms. libjpeg-turbo has SIMD code for the full, 4/8 and 2/8
/// IDCTs; 6/8 is plain C over 6×6 coefficients and slower than the SIMD full decode, while 3/8,
/// plain C over only 3×3, is still the fastest that covers 1280 px; and its buffer is a seventh
/// of the full one (5 MB against 36 MB for 12 MP).
fn shrink_factor(long_edge: u32, min_long_edge: u32, lossless: bool) -> ScalingFactor {
    if lossless {
        return ScalingFactor::ONE;
    }
    (1..=8)
        .map(|n| ScalingFactor::new(n, 8))
        .find(|factor| factor.scale(long_edge as usize) >= min_long_edge as usize)
        .unwrap_or(ScalingFactor::ONE)
}

/// libjpeg-turbo reports recoverable problems as errors after decoding everything it could.
/// Extraneous bytes between segments (common in camera files) leave a complete picture: keep
/// it. A file that ends early is `image-truncated`: the bottom of the picture is missing (grey),
/// and an editor cannot publish half a photo, so the unit is asked to send it again. Anything
/// else is `image-corrupt`.
fn judge_jpeg_problem(message: &str) -> Result<(), MediaError> {
    if message.contains("extraneous bytes") {
        return Ok(());
    }
    if message.contains("Premature end") {
        return Err(MediaError::ImageTruncated(
            "the JPEG file ends before the picture does (cut off during transfer?)".to_owned(),
        ));
    }
    Err(MediaError::ImageCorrupt(format!(
        "the JPEG data is damaged: {message}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrink_on_load_covers_the_largest_target() {
        let settings = PhotoSettings::default();
        assert_eq!(min_decoded_long_edge(&settings), 1280);
        // 4000 px wide, 1280 wanted: 3/8 gives 1500, 2/8 would give 1000.
        let factor = shrink_factor(4000, 1280, false);
        assert_eq!((factor.num(), factor.denom()), (3, 8));
        // 3264 px (an 8 MP phone): 3/8 gives 1224, short of 1280, so 4/8.
        assert_eq!(shrink_factor(3264, 1280, false), ScalingFactor::ONE_HALF);
        assert_eq!(shrink_factor(1000, 1280, false), ScalingFactor::ONE);
        assert_eq!(
            shrink_factor(24_000, 1280, false),
            ScalingFactor::ONE_EIGHTH
        );
        assert_eq!(shrink_factor(24_000, 1280, true), ScalingFactor::ONE);
    }

    #[test]
    fn jpeg_problems_are_judged() {
        assert!(
            judge_jpeg_problem("Corrupt JPEG data: 3 extraneous bytes before marker 0xd9").is_ok()
        );
        assert!(matches!(
            judge_jpeg_problem("Premature end of JPEG file"),
            Err(MediaError::ImageTruncated(_))
        ));
        assert!(matches!(
            judge_jpeg_problem("Huffman table 0x00 was not defined"),
            Err(MediaError::ImageCorrupt(_))
        ));
    }
}
