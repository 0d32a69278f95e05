//! EXIF orientations 1–8 applied to pixels, so every rendition is upright and carries no tag.

use super::Rgb;

/// The upright size of a `width`×`height` image stored with `orientation`.
pub fn upright_size(width: u32, height: u32, orientation: u16) -> (u32, u32) {
    if (5..=8).contains(&orientation) {
        (height, width)
    } else {
        (width, height)
    }
}

/// Returns the picture as it should be seen. Unknown values are treated as 1 (as cameras do).
pub fn apply(image: Rgb, orientation: u16) -> Rgb {
    if !(2..=8).contains(&orientation) {
        return image;
    }
    let (w, h) = (image.width as usize, image.height as usize);
    let (out_w, out_h) = upright_size(image.width, image.height, orientation);
    let (ow, oh) = (out_w as usize, out_h as usize);
    let mut out = vec![0u8; ow * oh * 3];
    for y in 0..oh {
        for x in 0..ow {
            // Where the output pixel (x, y) comes from in the stored picture.
            let (sx, sy) = match orientation {
                2 => (w - 1 - x, y),
                3 => (w - 1 - x, h - 1 - y),
                4 => (x, h - 1 - y),
                5 => (y, x),
                6 => (y, h - 1 - x),
                7 => (w - 1 - y, h - 1 - x),
                _ => (w - 1 - y, x),
            };
            let from = (sy * w + sx) * 3;
            let to = (y * ow + x) * 3;
            out[to..to + 3].copy_from_slice(&image.pixels[from..from + 3]);
        }
    }
    Rgb {
        width: out_w,
        height: out_h,
        pixels: out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3×2 picture with distinct pixels: 0 1 2 / 3 4 5.
    fn sample() -> Rgb {
        Rgb {
            width: 3,
            height: 2,
            pixels: (0u8..6).flat_map(|v| [v, v, v]).collect(),
        }
    }

    fn values(image: &Rgb) -> Vec<u8> {
        image.pixels.chunks(3).map(|p| p[0]).collect()
    }

    #[test]
    fn the_eight_orientations() {
        assert_eq!(values(&apply(sample(), 1)), vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(values(&apply(sample(), 2)), vec![2, 1, 0, 5, 4, 3]);
        assert_eq!(values(&apply(sample(), 3)), vec![5, 4, 3, 2, 1, 0]);
        assert_eq!(values(&apply(sample(), 4)), vec![3, 4, 5, 0, 1, 2]);
        // Rotated by 90° clockwise, the left column (0, 3) becomes the top row, bottom first.
        let rotated = apply(sample(), 6);
        assert_eq!((rotated.width, rotated.height), (2, 3));
        assert_eq!(values(&rotated), vec![3, 0, 4, 1, 5, 2]);
        assert_eq!(values(&apply(sample(), 8)), vec![2, 5, 1, 4, 0, 3]);
        assert_eq!(values(&apply(sample(), 5)), vec![0, 3, 1, 4, 2, 5]);
        assert_eq!(values(&apply(sample(), 7)), vec![5, 2, 4, 1, 3, 0]);
    }
}
