//! The checks made from a photo's header before any pixel is decoded: its size against
//! `photos.max_pixels`/`max_side`, and the memory its decode will hold (estimated here, per
//! decoder) against `photos.max_decoded`.

use image::ColorType;
use turbojpeg::Subsamp;

use super::decode::PhotoFormat;
use super::{PhotoSettings, resize};
use crate::MediaError;

/// Refuses a picture over the size limits, naming the size its header gives.
pub fn check_limits(width: u32, height: u32, settings: &PhotoSettings) -> Result<(), MediaError> {
    let pixels = u64::from(width) * u64::from(height);
    if width == 0 || height == 0 {
        return Err(MediaError::ImageCorrupt(format!(
            "the image claims a size of {width}×{height}"
        )));
    }
    if width > settings.max_side || height > settings.max_side || pixels > settings.max_pixels {
        return Err(MediaError::ImageTooLarge {
            width,
            height,
            max_pixels: settings.max_pixels,
            max_side: settings.max_side,
        });
    }
    Ok(())
}

/// Refuses a decode whose estimate is over `photos.max_decoded`.
pub fn check_budget(
    width: u32,
    height: u32,
    needed: u64,
    settings: &PhotoSettings,
) -> Result<(), MediaError> {
    if needed > settings.max_decoded_bytes {
        return Err(MediaError::ImageDecodeBudget {
            width,
            height,
            needed,
            limit: settings.max_decoded_bytes,
        });
    }
    Ok(())
}

/// Packed RGB8 bytes of a `width`×`height` picture.
pub fn rgb8_bytes(width: u32, height: u32) -> u64 {
    (u64::from(width) * u64::from(height)).saturating_mul(3)
}

/// What the pipeline holds after the decode, from the decoded RGB8 picture of that size: the
/// picture beside fast_image_resize's buffer (its vertical pass comes first for 8-bit pixels: as
/// wide as the source, as high as the preview) and the preview; then preview-sized copies (the
/// upright turn, the thumbnail's source).
pub fn resize_peak(width: u32, height: u32, settings: &PhotoSettings) -> u64 {
    let picture = rgb8_bytes(width, height);
    let (fit_width, fit_height) = resize::fitted(width, height, settings.preview.long_edge);
    let preview = rgb8_bytes(fit_width, fit_height);
    if (fit_width, fit_height) == (width, height) {
        return picture.saturating_mul(3);
    }
    picture
        .saturating_add(rgb8_bytes(width, fit_height))
        .saturating_add(preview)
        .max(preview.saturating_mul(3))
}

/// libjpeg-turbo's whole-image coefficient arrays: 2 bytes a sample of each component.
pub fn jpeg_coefficient_bytes(width: usize, height: usize, subsamp: Subsamp) -> u64 {
    let (width, height) = (width as u64, height as u64);
    let luma = width.saturating_mul(height);
    let chroma = match subsamp {
        Subsamp::Gray => 0,
        other => {
            let (across, down) = other.size();
            let plane = width
                .div_ceil((across as u64).max(1))
                .saturating_mul(height.div_ceil((down as u64).max(1)));
            plane.saturating_mul(2)
        }
    };
    luma.saturating_add(chroma).saturating_mul(2)
}

/// The estimate for the `image` crate's decoders: the picture in the decoder's colour type,
/// beside either the decoder's own working buffers or the RGB8 conversion (whichever is
/// larger); or the RGB8 picture through the resize.
pub fn image_crate_needed(
    format: PhotoFormat,
    width: u32,
    height: u32,
    color: ColorType,
    settings: &PhotoSettings,
) -> u64 {
    let pixels = u64::from(width) * u64::from(height);
    let native = pixels.saturating_mul(u64::from(color.bytes_per_pixel()));
    let working = match format {
        PhotoFormat::Png | PhotoFormat::Heif | PhotoFormat::Avif => 0,
        // tiff decodes into its own buffer (4 samples a pixel for CMYK), then copies.
        PhotoFormat::Tiff => native.saturating_mul(4) / 3,
        // A frame smaller than the screen goes through an RGBA8 frame buffer.
        PhotoFormat::Gif => pixels.saturating_mul(4),
        // Lossless WebP decodes to 32-bit ARGB first (lossy to smaller YUV planes).
        PhotoFormat::Webp => pixels.saturating_mul(4),
        // CMYK JPEGs (zune-jpeg): 4 components, as 16-bit coefficients when progressive.
        PhotoFormat::Jpeg => pixels.saturating_mul(8),
    };
    // `flatten_onto_white` takes RGB8 and RGBA8 over in place; anything else is converted
    // beside the native picture (to RGBA8 first when there is alpha).
    let conversion = match color {
        ColorType::Rgb8 | ColorType::Rgba8 => 0,
        other if other.has_alpha() => pixels.saturating_mul(4),
        _ => pixels.saturating_mul(3),
    };
    native
        .saturating_add(working.max(conversion))
        .max(resize_peak(width, height, settings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_count_the_native_buffer_the_conversion_and_the_resize() {
        let settings = PhotoSettings::default();
        // 10000×10000 16-bit RGBA: 800 MB decoded, then 400 MB of RGBA8 beside it.
        assert_eq!(
            image_crate_needed(
                PhotoFormat::Png,
                10_000,
                10_000,
                ColorType::Rgba16,
                &settings
            ),
            1_200_000_000
        );
        // 4000×3000 RGB8 is taken over as it is; the resize to 1280×960 then holds the
        // picture (36 MB), a 4000×960 pass (11.52 MB) and the preview (3.69 MB).
        assert_eq!(
            image_crate_needed(PhotoFormat::Png, 4000, 3000, ColorType::Rgb8, &settings),
            51_206_400
        );
        assert_eq!(
            jpeg_coefficient_bytes(4000, 3000, Subsamp::Sub2x2),
            36_000_000
        );
        assert_eq!(
            jpeg_coefficient_bytes(4000, 3000, Subsamp::Gray),
            24_000_000
        );
        assert_eq!(
            jpeg_coefficient_bytes(4000, 3000, Subsamp::None),
            72_000_000
        );
    }

    #[test]
    fn a_budget_refusal_names_the_setting() {
        let settings = PhotoSettings {
            max_decoded_bytes: 100 << 20,
            ..PhotoSettings::default()
        };
        let err = check_budget(6000, 4000, 150 << 20, &settings).unwrap_err();
        assert_eq!(err.code(), "image-too-large");
        let message = err.to_string();
        assert!(message.contains("photos.max_decoded"), "{message}");
        assert!(
            message.contains("150 MiB") && message.contains("100 MiB"),
            "{message}"
        );
        assert!(message.contains("6000×4000"), "{message}");
        assert!(check_budget(6000, 4000, 100 << 20, &settings).is_ok());
    }

    #[test]
    fn a_size_refusal_names_the_size() {
        let err = check_limits(50_000, 50_000, &PhotoSettings::default()).unwrap_err();
        assert_eq!(err.code(), "image-too-large");
        assert!(err.to_string().contains("50000×50000"), "{err}");
        assert!(check_limits(4000, 3000, &PhotoSettings::default()).is_ok());
    }
}
