//! JPEG through libjpeg-turbo, shrunk on load (DCT scaling) to no less than twice the largest
//! rendition; print-shop CMYK JPEGs, which libjpeg-turbo cannot turn into RGB, go to the `image`
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
    let scale = shrink_factor(
        width.max(height),
        min_decoded_long_edge(settings),
        header.is_lossless,
    );
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

/// The shrink-on-load floor for JPEG: twice the largest rendition's long edge.
fn min_decoded_long_edge(settings: &PhotoSettings) -> u32 {
    settings
        .preview
        .long_edge
        .max(settings.thumb.long_edge)
        .saturating_mul(2)
}

/// The smallest DCT scale (n/8) that keeps the long edge at least `min_long_edge`.
///
/// Measured trade-off (BENCHMARKS.md): libjpeg-turbo has SIMD code only for 1/8, 1/4, 1/2 and 1,
/// so a 12 MP JPEG decodes faster at full size (≈58 ms) than at 6/8 (≈73 ms) — but the full-size
/// buffer is 36 MB against 20 MB. Photos are decoded several at a time on a server, so the
/// smaller buffer wins: memory stays below vipsthumbnail's and the time still well under half.
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
    fn shrink_on_load_keeps_twice_the_target() {
        // 4000 px wide, 2560 wanted: 6/8 gives 3000, 5/8 would give 2500.
        let factor = shrink_factor(4000, 2560, false);
        assert_eq!((factor.num(), factor.denom()), (3, 4));
        assert_eq!(shrink_factor(6000, 2560, false), ScalingFactor::ONE_HALF);
        assert_eq!(shrink_factor(2000, 2560, false), ScalingFactor::ONE);
        assert_eq!(
            shrink_factor(24_000, 2560, false),
            ScalingFactor::ONE_EIGHTH
        );
        assert_eq!(shrink_factor(24_000, 2560, true), ScalingFactor::ONE);
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
