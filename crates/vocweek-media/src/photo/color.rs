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

#[cfg(test)]
mod tests {
    use super::*;

    /// The Display P3 profile of the corpus iPhone photo, when the corpus is there.
    fn display_p3() -> Option<Vec<u8>> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/corpus/camera/iphone_13_pro_max.HEIC");
        let context = libheif_rs::HeifContext::read_from_file(path.to_str()?).ok()?;
        let handle = context.primary_image_handle().ok()?;
        handle.color_profile_raw().map(|profile| profile.data)
    }

    #[test]
    fn display_p3_colours_become_more_saturated_srgb_values() {
        let Some(icc) = display_p3() else {
            eprintln!("SKIPPED: the photo corpus is absent");
            return;
        };
        // A muted orange in P3: the same colour needs a stronger red and a weaker blue in sRGB
        // (P3's primaries are wider); shown unconverted it would look washed out.
        let mut pixel = [200u8, 100, 50];
        assert!(to_srgb(&icc, &mut pixel));
        assert!(pixel[0] > 205 && pixel[2] < 45, "converted to {pixel:?}");
        // Greys stay grey.
        let mut grey = [128u8, 128, 128];
        assert!(to_srgb(&icc, &mut grey));
        assert!(grey.iter().all(|c| c.abs_diff(128) <= 2), "{grey:?}");
    }

    #[test]
    fn grey_and_unreadable_profiles_change_nothing() {
        let mut pixel = [200u8, 100, 50];
        assert!(!to_srgb(
            b"not a profile at all, just some bytes",
            &mut pixel
        ));
        let mut fake_grey = vec![0u8; 128];
        fake_grey[16..20].copy_from_slice(b"GRAY");
        assert!(!to_srgb(&fake_grey, &mut pixel));
        assert_eq!(pixel, [200, 100, 50]);
    }
}
