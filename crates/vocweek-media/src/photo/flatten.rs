//! The `image` crate's decoded picture as the packed RGB8 the pipeline works on.

use image::DynamicImage;

use super::Rgb;

/// Transparent pixels shown over white, as on the queue's white page. RGB8 and RGBA8 pictures
/// are taken over without a copy (RGBA8 is flattened in place); other types are converted beside
/// the decoded picture, which is freed right after (see `image_crate_needed`).
pub fn flatten_onto_white(image: DynamicImage) -> Rgb {
    let (width, height) = (image.width(), image.height());
    if !image.color().has_alpha() {
        return Rgb {
            width,
            height,
            pixels: image.into_rgb8().into_raw(),
        };
    }
    let mut pixels = image.into_rgba8().into_raw();
    let count = pixels.len() / 4;
    // Pixel i's three bytes go where its four were: 3i + 2 < 4(i + 1), so nothing is
    // overwritten before it is read.
    for i in 0..count {
        let (r, g, b, a) = (
            pixels[4 * i],
            pixels[4 * i + 1],
            pixels[4 * i + 2],
            pixels[4 * i + 3],
        );
        let alpha = u32::from(a);
        let over = |c: u8| ((u32::from(c) * alpha + 255 * (255 - alpha) + 127) / 255) as u8;
        pixels[3 * i] = over(r);
        pixels[3 * i + 1] = over(g);
        pixels[3 * i + 2] = over(b);
    }
    pixels.truncate(count * 3);
    pixels.shrink_to_fit();
    Rgb {
        width,
        height,
        pixels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transparency_is_flattened_onto_white_in_place() {
        let rgba = image::RgbaImage::from_raw(3, 1, vec![255, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 128])
            .unwrap();
        let flat = flatten_onto_white(DynamicImage::ImageRgba8(rgba));
        assert_eq!((flat.width, flat.height), (3, 1));
        assert_eq!(flat.pixels, vec![255, 0, 0, 255, 255, 255, 127, 127, 127]);
        let grey = image::GrayAlphaImage::from_raw(1, 1, vec![100, 255]).unwrap();
        let flat = flatten_onto_white(DynamicImage::ImageLumaA8(grey));
        assert_eq!(flat.pixels, vec![100, 100, 100]);
    }
}
