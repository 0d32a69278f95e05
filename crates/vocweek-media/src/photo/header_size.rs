//! A picture's size read from its header by hand. The image crate's limit errors do not say how
//! large the picture is, and a refusal that says "the image is 0×0" helps nobody; and the png
//! crate reads (and inflates) every metadata chunk before its decoder hands out the size, so an
//! oversized PNG is refused from its IHDR first.

use super::decode::PhotoFormat;
use super::tiff_header;

/// Width and height as the header gives them, for the formats whose header is simple to read.
pub fn header_size(bytes: &[u8], format: PhotoFormat) -> Option<(u32, u32)> {
    match format {
        PhotoFormat::Png => png_size(bytes),
        PhotoFormat::Gif => gif_size(bytes),
        PhotoFormat::Tiff => tiff_header::read(bytes).map(|header| (header.width, header.height)),
        _ => None,
    }
}

/// The size in the IHDR chunk, which must come first, right after the signature.
pub fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    if png.get(12..16)? != b"IHDR".as_slice() {
        return None;
    }
    let width = u32::from_be_bytes(png.get(16..20)?.try_into().ok()?);
    let height = u32::from_be_bytes(png.get(20..24)?.try_into().ok()?);
    Some((width, height))
}

/// The logical screen's size, right after the signature.
fn gif_size(gif: &[u8]) -> Option<(u32, u32)> {
    let width = u16::from_le_bytes(gif.get(6..8)?.try_into().ok()?);
    let height = u16::from_le_bytes(gif.get(8..10)?.try_into().ok()?);
    Some((u32::from(width), u32::from(height)))
}

#[cfg(test)]
mod tests {
    use super::super::test_png::png_with_size;
    use super::*;

    #[test]
    fn sizes_come_from_the_headers() {
        let png = png_with_size(50_000, 40_000, b"x");
        assert_eq!(header_size(&png, PhotoFormat::Png), Some((50_000, 40_000)));
        assert_eq!(png_size(&png[..20]), None);
        let gif = b"GIF89a\x40\x01\xf0\x00\x00\x00\x00";
        assert_eq!(header_size(gif, PhotoFormat::Gif), Some((320, 240)));
        assert_eq!(header_size(&png, PhotoFormat::Webp), None);
    }
}
