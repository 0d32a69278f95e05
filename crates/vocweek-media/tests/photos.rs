//! The photo pipeline on real files (`../shared/corpus`) and on hostile ones made here.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use vocweek_media::MediaError;
use vocweek_media::photo::{
    PhotoOutput, PhotoSettings, decoded_bytes_needed, hamming_distance, process_photo,
    process_photo_bytes,
};

mod common;

use common::{png_with_size, small_png};

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("VOCWEEK_CORPUS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
        });
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: the photo corpus is absent ({}); set VOCWEEK_CORPUS_DIR",
            dir.display()
        );
        None
    }
}

fn process(path: PathBuf) -> PhotoOutput {
    process_photo(&path, &PhotoSettings::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Decodes a rendition back to RGB to compare pixels.
fn pixels(encoded: &[u8]) -> image::RgbImage {
    image::load_from_memory(encoded).unwrap().to_rgb8()
}

/// Mean absolute difference per channel, after scaling `b` to `a`'s size if needed.
fn difference(a: &image::RgbImage, b: &image::RgbImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let total: u64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    total as f64 / a.as_raw().len() as f64
}

#[test]
fn every_orientation_renders_upright_and_identical() {
    let Some(corpus) = corpus() else { return };
    for set in ["Landscape", "Portrait"] {
        let reference = process(corpus.join(format!("orientation/{set}_1.jpg")));
        let reference_pixels = pixels(&reference.preview.bytes);
        let upright_is_landscape = set == "Landscape";
        assert_eq!(
            reference.facts.width > reference.facts.height,
            upright_is_landscape
        );
        for n in 0..=8 {
            let output = process(corpus.join(format!("orientation/{set}_{n}.jpg")));
            assert_eq!(
                (output.facts.width, output.facts.height),
                (reference.facts.width, reference.facts.height),
                "{set}_{n}"
            );
            assert_eq!(
                (output.preview.width, output.preview.height),
                (reference.preview.width, reference.preview.height)
            );
            let diff = difference(&reference_pixels, &pixels(&output.preview.bytes));
            assert!(
                diff < 4.0,
                "{set}_{n} differs from {set}_1 by {diff:.2} per channel"
            );
            assert!(hamming_distance(output.perceptual_hash, reference.perceptual_hash) <= 4);
        }
    }
}

#[test]
fn renditions_have_the_configured_sizes_and_never_upscale() {
    let Some(corpus) = corpus() else { return };
    let big = process(corpus.join("camera/jolla.jpg"));
    assert_eq!((big.facts.width, big.facts.height), (3264, 2448));
    assert_eq!((big.preview.width, big.preview.height), (1280, 960));
    assert_eq!((big.thumb.width, big.thumb.height), (320, 240));
    assert_eq!(big.thumb.mime, "image/webp");
    assert!(big.thumb.bytes.starts_with(b"RIFF"));
    // Progressive JPEG: a SOF2 marker.
    assert!(big.preview.bytes.windows(2).any(|w| w == [0xFF, 0xC2]));
    let small = process(corpus.join("camera/DSCN0010.jpg"));
    assert_eq!(
        (small.preview.width, small.preview.height),
        (640, 480),
        "no upscaling"
    );
    assert_eq!((small.thumb.width, small.thumb.height), (320, 240));
}

#[test]
fn renditions_carry_no_metadata_and_facts_are_recorded() {
    let Some(corpus) = corpus() else { return };
    let output = process(corpus.join("camera/DSCN0010.jpg"));
    assert!(output.facts.gps_present);
    assert_eq!(output.facts.camera_make.as_deref(), Some("NIKON"));
    assert_eq!(output.facts.camera_model.as_deref(), Some("COOLPIX P6000"));
    assert_eq!(
        output.facts.captured_at.as_deref(),
        Some("2008-10-22T16:28:39+08:00")
    );
    for rendition in [&output.thumb.bytes, &output.preview.bytes] {
        for marker in [&b"Exif"[..], b"GPS", b"NIKON", b"ICC_PROFILE", b"XMP"] {
            assert!(
                !rendition.windows(marker.len()).any(|w| w == marker),
                "a rendition contains {}",
                String::from_utf8_lossy(marker)
            );
        }
    }
    let jolla = process(corpus.join("camera/jolla.jpg"));
    assert!(!jolla.facts.gps_present);
}

#[test]
fn heic_and_heif_decode_upright_with_their_colours() {
    let Some(corpus) = corpus() else { return };
    let iphone = process(corpus.join("camera/iphone_13_pro_max.HEIC"));
    assert_eq!(
        (iphone.facts.width, iphone.facts.height),
        (3024, 4032),
        "portrait, as shot"
    );
    assert_eq!(iphone.facts.format, "heif");
    assert_eq!(
        iphone.facts.orientation, 6,
        "EXIF and the container agree: rotate 90° clockwise"
    );
    assert!(
        iphone.facts.icc_converted,
        "Display P3 is converted to sRGB"
    );
    assert_eq!(iphone.facts.camera_make.as_deref(), Some("Apple"));
    assert_eq!((iphone.preview.width, iphone.preview.height), (960, 1280));
    // Its container says "rotate" while EXIF (and the picture) say landscape: EXIF wins.
    let nokia = process(corpus.join("camera/HMD_Nokia_8.3_5G.heif"));
    assert_eq!((nokia.facts.width, nokia.facts.height), (4608, 3456));
    assert_eq!(nokia.facts.orientation, 1);
    assert!(nokia.facts.gps_present);
}

#[test]
fn display_p3_is_converted_not_passed_through() {
    let Some(corpus) = corpus() else { return };
    let bytes = std::fs::read(corpus.join("camera/iphone_13_pro_max.HEIC")).unwrap();
    let converted = process_photo_bytes(bytes, &PhotoSettings::default()).unwrap();
    assert!(converted.facts.icc_converted);
    // P3 → sRGB changes saturated colours; the converted preview differs from a P3-as-sRGB one.
    // (Compare against the same decode without conversion by stripping nothing: the mean colour
    // must stay plausible, i.e. the conversion did not produce black or blown-out pixels.)
    let preview = pixels(&converted.preview.bytes);
    let mean: f64 =
        preview.as_raw().iter().map(|v| f64::from(*v)).sum::<f64>() / preview.as_raw().len() as f64;
    assert!((20.0..235.0).contains(&mean), "mean level {mean}");
}

#[test]
fn a_recompressed_half_size_copy_is_near_and_others_are_far() {
    let Some(corpus) = corpus() else { return };
    let original = process(corpus.join("camera/jolla.jpg"));
    let decoded = image::open(corpus.join("camera/jolla.jpg")).unwrap();
    let half = decoded
        .resize(1632, 1224, image::imageops::FilterType::Triangle)
        .to_rgb8();
    let mut recompressed = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut recompressed, 60)
        .encode_image(&half)
        .unwrap();
    let copy = process_photo_bytes(recompressed, &PhotoSettings::default()).unwrap();
    let near = hamming_distance(original.perceptual_hash, copy.perceptual_hash);
    assert!(near <= 4, "a chat-app copy is {near} bits away");
    for other in [
        "camera/DSCN0010.jpg",
        "camera/iphone_hdr_YES.jpg",
        "camera/HMD_Nokia_8.3_5G.jpg",
    ] {
        let far = hamming_distance(
            original.perceptual_hash,
            process(corpus.join(other)).perceptual_hash,
        );
        assert!(far > 12, "{other} is only {far} bits from jolla.jpg");
    }
}

fn code(result: Result<PhotoOutput, MediaError>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(err) => {
            assert!(!err.to_string().is_empty());
            err.code()
        }
    }
}

#[test]
fn hostile_and_broken_files_get_stable_codes() {
    let settings = PhotoSettings::default();
    // A decompression bomb: 50,000 × 50,000 declared in a few bytes.
    assert_eq!(
        code(process_photo_bytes(
            png_with_size(50_000, 50_000, b"x"),
            &settings
        )),
        "image-too-large"
    );
    // Within the pixel budget but over the per-side limit.
    assert_eq!(
        code(process_photo_bytes(
            png_with_size(40_000, 10, b"x"),
            &settings
        )),
        "image-too-large"
    );
    // A valid small PNG, then the same with one data byte flipped (CRC mismatch).
    let good = small_png();
    assert_eq!(code(process_photo_bytes(good.clone(), &settings)), "ok");
    let mut corrupt = good.clone();
    let idat = corrupt.windows(4).position(|w| w == b"IDAT").unwrap();
    corrupt[idat + 10] ^= 0xFF;
    assert_eq!(
        code(process_photo_bytes(corrupt, &settings)),
        "image-corrupt"
    );
    // JPEG magic followed by noise.
    let mut noise = vec![0xFF, 0xD8, 0xFF, 0xE0];
    noise.extend((0..50_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    assert_eq!(
        code(process_photo_bytes(noise.clone(), &settings)),
        "image-corrupt"
    );
    // Random bytes, no magic at all.
    assert_eq!(
        code(process_photo_bytes(noise[4..].to_vec(), &settings)),
        "image-unsupported"
    );
    // A PNG cut in its data.
    assert!(matches!(
        code(process_photo_bytes(
            good[..good.len() / 2].to_vec(),
            &settings
        )),
        "image-truncated" | "image-corrupt"
    ));
}

/// Where a JPEG's baseline frame header (SOF0) starts, walking its segments.
fn sof0_offset(jpeg: &[u8]) -> usize {
    let mut at = 2;
    loop {
        assert_eq!(jpeg[at], 0xFF, "a segment starts at {at}");
        if jpeg[at + 1] == 0xC0 {
            return at;
        }
        at += 2 + usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
    }
}

#[test]
fn an_oversized_header_is_refused_with_its_real_size() {
    let settings = PhotoSettings::default();
    // A small JPEG whose frame header then claims 50,000 × 50,000.
    let pixels = vec![128u8; 16 * 16 * 3];
    let image = turbojpeg::Image {
        pixels: pixels.as_slice(),
        width: 16,
        pitch: 16 * 3,
        height: 16,
        format: turbojpeg::PixelFormat::RGB,
    };
    let mut jpeg = turbojpeg::compress(image, 80, turbojpeg::Subsamp::Sub2x2)
        .unwrap()
        .to_vec();
    // Marker (2 bytes), length (2), precision (1), then height and width, big-endian.
    let sof = sof0_offset(&jpeg);
    jpeg[sof + 5..sof + 7].copy_from_slice(&50_000u16.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&50_000u16.to_be_bytes());
    for (what, bytes) in [("PNG", png_with_size(50_000, 50_000, b"x")), ("JPEG", jpeg)] {
        for err in [
            decoded_bytes_needed(&bytes, &settings).unwrap_err(),
            process_photo_bytes(bytes.clone(), &settings).unwrap_err(),
        ] {
            assert!(
                matches!(
                    err,
                    MediaError::ImageTooLarge {
                        width: 50_000,
                        height: 50_000,
                        ..
                    }
                ),
                "{what}: {err:?}"
            );
            assert!(err.to_string().contains("50000×50000"), "{what}: {err}");
        }
    }
}

/// An uncompressed little-endian TIFF of 32-bit floating-point samples in one strip, every
/// pixel `pixel`: one sample is grey, three are RGB.
fn float_tiff(width: u32, height: u32, pixel: &[f32]) -> Vec<u8> {
    const SHORT: u16 = 3;
    const LONG: u16 = 4;
    let samples = pixel.len() as u32;
    let data: Vec<u8> = (0..width * height)
        .flat_map(|_| pixel.iter().flat_map(|value| value.to_le_bytes()))
        .collect();
    let entry_count: u32 = 11;
    let directory_end = 8 + 2 + 12 * entry_count + 4;
    // BitsPerSample and SampleFormat hold one SHORT a sample: a single one fits in its entry,
    // three go after the directory.
    let per_sample_len = if samples == 1 { 0 } else { 2 * samples };
    let per_sample = |value: u32, at: u32| if samples == 1 { value } else { at };
    let entries: [(u16, u16, u32, u32); 11] = [
        (256, LONG, 1, width),
        (257, LONG, 1, height),
        (258, SHORT, samples, per_sample(32, directory_end)),
        // No compression.
        (259, SHORT, 1, 1),
        // BlackIsZero or RGB.
        (262, SHORT, 1, if samples == 1 { 1 } else { 2 }),
        // StripOffsets.
        (273, LONG, 1, directory_end + 2 * per_sample_len),
        (277, SHORT, 1, samples),
        // RowsPerStrip, StripByteCounts.
        (278, LONG, 1, height),
        (279, LONG, 1, data.len() as u32),
        // Chunky (interleaved) samples.
        (284, SHORT, 1, 1),
        // SampleFormat: IEEE floating point.
        (
            339,
            SHORT,
            samples,
            per_sample(3, directory_end + per_sample_len),
        ),
    ];
    let mut tiff = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend_from_slice(&(entry_count as u16).to_le_bytes());
    for (tag, kind, count, value) in entries {
        tiff.extend_from_slice(&tag.to_le_bytes());
        tiff.extend_from_slice(&kind.to_le_bytes());
        tiff.extend_from_slice(&count.to_le_bytes());
        // A SHORT in the entry takes its first two bytes: little-endian, the same as a LONG.
        tiff.extend_from_slice(&value.to_le_bytes());
    }
    tiff.extend_from_slice(&[0; 4]);
    if samples > 1 {
        for value in [32u16, 3] {
            for _ in 0..samples {
                tiff.extend_from_slice(&value.to_le_bytes());
            }
        }
    }
    assert_eq!(tiff.len() as u32, directory_end + 2 * per_sample_len);
    tiff.extend_from_slice(&data);
    tiff
}

#[test]
fn floating_point_tiffs_are_converted_or_refused_in_plain_words() {
    let settings = PhotoSettings::default();
    // 32-bit floating-point RGB: the image crate decodes it, and it is converted to 8 bits.
    let output = process_photo_bytes(float_tiff(64, 48, &[1.0, 0.5, 0.0]), &settings).unwrap();
    assert_eq!((output.facts.width, output.facts.height), (64, 48));
    assert_eq!(output.facts.format, "tiff");
    let [r, g, b] = pixels(&output.preview.bytes).get_pixel(32, 24).0;
    assert!(
        r > 240 && (110..150).contains(&g) && b < 20,
        "({r}, {g}, {b}) for (255, 128, 0)"
    );
    // 32-bit floating-point grey: refused, saying what the file holds and what to do, not
    // "color type Unknown(32)".
    let grey = float_tiff(64, 48, &[0.5]);
    let err = process_photo_bytes(grey.clone(), &settings).unwrap_err();
    assert_eq!(err.code(), "image-unsupported");
    let message = err.to_string();
    assert!(
        message.contains("32-bit floating-point TIFF samples are not supported"),
        "{message}"
    );
    assert!(message.contains("export as 8- or 16-bit"), "{message}");
    assert!(!message.contains("Unknown"), "{message}");
    assert_eq!(decoded_bytes_needed(&grey, &settings).unwrap_err(), err);
}

#[test]
fn a_truncated_jpeg_is_refused_as_truncated() {
    let Some(corpus) = corpus() else { return };
    let bytes = std::fs::read(corpus.join("camera/jolla.jpg")).unwrap();
    let cut = &bytes[..bytes.len() * 6 / 10];
    assert_eq!(
        code(process_photo_bytes(cut.to_vec(), &PhotoSettings::default())),
        "image-truncated"
    );
}

#[test]
#[ignore = "writes previews to /tmp for a person to look at"]
fn dump_previews() {
    let Some(corpus) = corpus() else { return };
    for name in [
        "camera/HMD_Nokia_8.3_5G.heif",
        "camera/iphone_13_pro_max.HEIC",
        "orientation/Portrait_7.jpg",
    ] {
        let output = process(corpus.join(name));
        let file = format!("/tmp/preview-{}.jpg", name.replace('/', "_"));
        std::fs::write(&file, &output.thumb.bytes).unwrap();
    }
}

fn encoded(picture: &image::RgbaImage, format: image::ImageFormat) -> Vec<u8> {
    let mut bytes = Vec::new();
    let dynamic = image::DynamicImage::ImageRgba8(picture.clone());
    let dynamic = if format == image::ImageFormat::Png {
        dynamic
    } else {
        image::DynamicImage::ImageRgb8(dynamic.to_rgb8())
    };
    dynamic
        .write_to(&mut std::io::Cursor::new(&mut bytes), format)
        .unwrap();
    bytes
}

#[test]
fn png_webp_tiff_gif_and_avif_decode() {
    let settings = PhotoSettings::default();
    let picture =
        image::RgbaImage::from_fn(600, 400, |x, _| image::Rgba([200, (x / 3) as u8, 40, 255]));
    for format in [
        image::ImageFormat::Png,
        image::ImageFormat::WebP,
        image::ImageFormat::Tiff,
    ] {
        let output = process_photo_bytes(encoded(&picture, format), &settings)
            .unwrap_or_else(|e| panic!("{format:?}: {e}"));
        assert_eq!(
            (output.facts.width, output.facts.height),
            (600, 400),
            "{format:?}"
        );
        assert_eq!((output.thumb.width, output.thumb.height), (320, 213));
    }
    // Transparent pixels are shown over white.
    let clear = image::RgbaImage::from_pixel(100, 100, image::Rgba([0, 0, 0, 0]));
    let output = process_photo_bytes(encoded(&clear, image::ImageFormat::Png), &settings).unwrap();
    let preview = pixels(&output.preview.bytes);
    assert!(
        preview.pixels().all(|p| p.0.iter().all(|c| *c > 245)),
        "not white"
    );
    // An animated GIF: the first frame (red), not the second (blue).
    let mut gif = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut gif);
        for colour in [[255, 0, 0, 255], [0, 0, 255, 255]] {
            let frame = image::RgbaImage::from_pixel(64, 64, image::Rgba(colour));
            encoder.encode_frame(image::Frame::new(frame)).unwrap();
        }
    }
    let output = process_photo_bytes(gif, &settings).unwrap();
    let first = pixels(&output.preview.bytes);
    let centre = first.get_pixel(32, 32).0;
    assert!(
        centre[0] > 200 && centre[2] < 60,
        "first frame expected, got {centre:?}"
    );
    // AVIF through libheif, made by ImageMagick when it is installed.
    let dir = std::env::temp_dir().join(format!("vocweek-avif-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let png_path = dir.join("in.png");
    let avif_path = dir.join("out.avif");
    std::fs::write(&png_path, encoded(&picture, image::ImageFormat::Png)).unwrap();
    match std::process::Command::new("convert")
        .arg(&png_path)
        .arg(&avif_path)
        .status()
    {
        Ok(status) if status.success() => {
            let output = process_photo(&avif_path, &settings).unwrap();
            assert_eq!(output.facts.format, "avif");
            assert_eq!((output.facts.width, output.facts.height), (600, 400));
        }
        _ => eprintln!("SKIPPED the AVIF case: ImageMagick cannot write AVIF here"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_cut_gif_or_webp_is_truncated_not_corrupt() {
    let picture =
        image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]));
    for format in [image::ImageFormat::Gif, image::ImageFormat::WebP] {
        let mut bytes = std::io::Cursor::new(Vec::new());
        image::DynamicImage::ImageRgb8(picture.clone())
            .write_to(&mut bytes, format)
            .unwrap();
        let bytes = bytes.into_inner();
        let cut = bytes[..bytes.len() * 6 / 10].to_vec();
        let err =
            vocweek_media::photo::process_photo_bytes(cut, &PhotoSettings::default()).unwrap_err();
        assert_eq!(err.code(), "image-truncated", "{format:?}: {err}");
    }
}
