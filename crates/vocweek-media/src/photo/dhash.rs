//! A 64-bit gradient hash ("dHash"): the picture shrunk to 9×8 grey levels, one bit per
//! horizontal neighbour comparison. Survives recompression, resizing and small colour shifts;
//! unrelated pictures land about 32 bits apart.

use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};

use super::Rgb;
use crate::MediaError;

pub fn hash(image: &Rgb) -> Result<u64, MediaError> {
    // BT.601 luma in integers.
    let grey: Vec<u8> = image
        .pixels
        .chunks_exact(3)
        .map(|p| {
            ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000) as u8
        })
        .collect();
    let source = Image::from_vec_u8(image.width, image.height, grey, PixelType::U8)
        .map_err(|e| MediaError::Internal(format!("hash source: {e}")))?;
    let mut small = Image::new(9, 8, PixelType::U8);
    // Area averaging: every source pixel counts, so noise and JPEG artefacts average out.
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Box));
    Resizer::new()
        .resize(&source, &mut small, &options)
        .map_err(|e| MediaError::Internal(format!("hash resize: {e}")))?;
    let cells = small.into_vec();
    let mut bits = 0u64;
    for y in 0..8 {
        for x in 0..8 {
            let left = cells[y * 9 + x];
            let right = cells[y * 9 + x + 1];
            bits = (bits << 1) | u64::from(left < right);
        }
    }
    Ok(bits)
}

pub fn hamming_distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}
