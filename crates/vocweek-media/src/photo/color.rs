//! Embedded ICC profiles converted to sRGB (qcms), so a Display P3 iPhone photo keeps its
//! colours on an sRGB screen instead of looking washed out.

use qcms::{DataType, Intent, Profile, Transform};

/// Converts `rgb` (packed RGB8) from the `icc` profile to sRGB in place. Returns whether a
/// conversion happened: sRGB profiles, grey or CMYK profiles on RGB data, and profiles qcms
/// cannot read leave the pixels as they are.
pub fn to_srgb(icc: &[u8], rgb: &mut [u8]) -> bool {
    // The profile's data colour space: qcms would build a grey transform for a grey profile.
    if icc.get(16..20) != Some(b"RGB ") {
        return false;
    }
    let Some(input) = Profile::new_from_slice(icc, false) else {
        return false;
    };
    if input.is_sRGB() {
        return false;
    }
    let mut srgb = Profile::new_sRGB();
    srgb.precache_output_transform();
    match Transform::new(&input, &srgb, DataType::RGB8, Intent::Perceptual) {
        Some(transform) => {
            transform.apply(rgb);
            true
        }
        None => false,
    }
}
