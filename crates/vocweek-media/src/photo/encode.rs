//! Rendition encoders. Neither writes any metadata: no EXIF, no GPS, no ICC (the pixels are
//! already sRGB, the web's default).

use turbojpeg::{Compressor, Image, PixelFormat, Subsamp};

use super::{Encoded, Rgb};
use crate::MediaError;

pub fn webp(image: &Rgb, quality: u8) -> Result<Encoded, MediaError> {
    let encoded = webp::Encoder::from_rgb(&image.pixels, image.width, image.height)
        .encode_simple(false, f32::from(quality))
        .map_err(|e| MediaError::Internal(format!("WebP encoding failed: {e:?}")))?;
    Ok(Encoded {
        bytes: encoded.to_vec(),
        width: image.width,
        height: image.height,
        mime: "image/webp",
        extension: "webp",
    })
}

pub fn progressive_jpeg(image: &Rgb, quality: u8) -> Result<Encoded, MediaError> {
    let failed = |e: turbojpeg::Error| MediaError::Internal(format!("JPEG encoding failed: {e}"));
    let mut compressor = Compressor::new().map_err(failed)?;
    compressor.set_quality(i32::from(quality)).map_err(failed)?;
    compressor.set_subsamp(Subsamp::Sub2x2).map_err(failed)?;
    compressor.set_progressive(true).map_err(failed)?;
    compressor.set_optimize(true).map_err(failed)?;
    let source = Image {
        pixels: image.pixels.as_slice(),
        width: image.width as usize,
        pitch: image.width as usize * 3,
        height: image.height as usize,
        format: PixelFormat::RGB,
    };
    let bytes = compressor.compress_to_vec(source).map_err(failed)?;
    Ok(Encoded {
        bytes,
        width: image.width,
        height: image.height,
        mime: "image/jpeg",
        extension: "jpg",
    })
}
