//! High-quality SIMD downscaling (fast_image_resize, Lanczos3). Never upscales.

use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};

use super::Rgb;
use crate::MediaError;

/// The size that fits `long_edge` keeping the aspect ratio; the original when already smaller.
pub fn fitted(width: u32, height: u32, long_edge: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= long_edge || long == 0 {
        return (width, height);
    }
    let scale = f64::from(long_edge) / f64::from(long);
    let scaled = |side: u32| ((f64::from(side) * scale).round() as u32).max(1);
    if width >= height {
        (long_edge, scaled(height))
    } else {
        (scaled(width), long_edge)
    }
}

pub fn fit(image: Rgb, long_edge: u32) -> Result<Rgb, MediaError> {
    let (width, height) = fitted(image.width, image.height, long_edge);
    if (width, height) == (image.width, image.height) {
        return Ok(image);
    }
    let source = Image::from_vec_u8(image.width, image.height, image.pixels, PixelType::U8x3)
        .map_err(|e| MediaError::Internal(format!("resize source: {e}")))?;
    let mut target = Image::new(width, height, PixelType::U8x3);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom));
    Resizer::new()
        .resize(&source, &mut target, &options)
        .map_err(|e| MediaError::Internal(format!("resize: {e}")))?;
    Ok(Rgb {
        width,
        height,
        pixels: target.into_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_the_long_edge_and_never_upscales() {
        assert_eq!(fitted(4000, 3000, 1280), (1280, 960));
        assert_eq!(fitted(3000, 4000, 320), (240, 320));
        assert_eq!(fitted(800, 600, 1280), (800, 600));
        assert_eq!(fitted(10_000, 10, 320), (320, 1));
    }
}
