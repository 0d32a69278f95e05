//! Files the integration tests make: PNG chunks with their CRC, and small or header-only PNGs.
//! Each test crate includes this with `mod common;` and uses only some of it.

#![allow(dead_code, unused_imports, clippy::unwrap_used)]

// The chunk writer is the unit tests' own (one copy of the CRC and the header layout).
#[path = "../../src/photo/test_png.rs"]
mod test_png;
pub use test_png::{png_chunk, png_with_size, with_chunks};

/// A valid 64×48 RGB gradient PNG, written by the image crate.
pub fn small_png() -> Vec<u8> {
    let mut png = Vec::new();
    image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png
}
