//! PNG files made by the unit tests of this module, from the one chunk writer they share
//! (the integration tests have theirs in `tests/common`).

use std::io::{Cursor, Write};

/// A PNG chunk with its CRC.
pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in kind.iter().chain(data) {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&(!crc).to_be_bytes());
    out
}

/// An 8×6 RGB PNG, written by the image crate.
pub fn small_png() -> Vec<u8> {
    let mut png = Vec::new();
    image::RgbImage::from_pixel(8, 6, image::Rgb([10, 20, 30]))
        .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png
}

/// `png` with `chunks` inserted right after its IHDR chunk.
pub fn with_chunks(png: &[u8], chunks: &[Vec<u8>]) -> Vec<u8> {
    let after_ihdr = 8 + 12 + 13;
    [
        &png[..after_ihdr],
        chunks.concat().as_slice(),
        &png[after_ihdr..],
    ]
    .concat()
}

/// A PNG of the given size whose IHDR says 8-bit RGB, with `idat` as its only data chunk.
pub fn png_with_size(width: u32, height: u32, idat: &[u8]) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    [
        b"\x89PNG\r\n\x1a\n".to_vec(),
        png_chunk(b"IHDR", &ihdr),
        png_chunk(b"IDAT", idat),
        png_chunk(b"IEND", &[]),
    ]
    .concat()
}

pub fn zlib(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}
