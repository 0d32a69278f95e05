//! Untrusted photos never take the service down: a decode that would need more memory than
//! `photos.max_decoded` is refused from the header, before any pixel is decoded, and
//! metadata that inflates (PNG iCCP, zTXt, iTXt bombs) or is merely large is ignored past
//! `photos.max_metadata` while the photo itself is still processed. Every input is made
//! here.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::time::{Duration, Instant};

use vocweek_media::MediaError;
use vocweek_media::photo::{PhotoSettings, decoded_bytes_needed, process_photo_bytes};

mod common;

use common::{png_chunk, small_png, with_chunks};

/// A zlib stream that inflates to `length` zero bytes, about a thousandth of that in size: one
/// deflated MiB of zeros, ending on a sync flush (so on a byte boundary, not final), repeated;
/// the rest; an empty final block; the Adler-32 of the zeros.
fn zlib_zeros(length: u64) -> Vec<u8> {
    const MIB: u64 = 1 << 20;
    let deflated = |zeros: u64| {
        let mut encoder =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&vec![0u8; zeros as usize]).unwrap();
        encoder.flush().unwrap();
        encoder.get_ref().clone()
    };
    let block = deflated(MIB);
    let mut stream = vec![0x78, 0xDA];
    for _ in 0..length / MIB {
        stream.extend_from_slice(&block);
    }
    let rest = length % MIB;
    if rest > 0 {
        stream.extend_from_slice(&deflated(rest));
    }
    stream.extend_from_slice(&[0x03, 0x00]);
    // Adler-32 of zeros: a stays 1, b adds 1 per byte.
    let adler = ((length % 65_521) << 16) | 1;
    stream.extend_from_slice(&(adler as u32).to_be_bytes());
    stream
}

/// A valid PNG whose every pixel is zero, made without holding its pixels: each row is a zero
/// filter byte and zero samples, so the image data is one long run of zeros.
fn png_of_zeros(
    width: u32,
    height: u32,
    bit_depth: u8,
    colour_type: u8,
    pixel_bytes: u64,
) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[bit_depth, colour_type, 0, 0, 0]);
    let raw = u64::from(height) * (1 + u64::from(width) * pixel_bytes);
    [
        b"\x89PNG\r\n\x1a\n".to_vec(),
        png_chunk(b"IHDR", &ihdr),
        png_chunk(b"IDAT", &zlib_zeros(raw)),
        png_chunk(b"IEND", &[]),
    ]
    .concat()
}

#[test]
fn a_16_bit_rgba_png_over_the_budget_is_refused_from_its_header() {
    // 10000×10000 is within max_pixels (100 MP) and max_side, but decoding it takes 800 MB of
    // 16-bit RGBA, then 400 MB of RGBA8 beside it.
    let png = png_of_zeros(10_000, 10_000, 16, 6, 8);
    assert!(png.len() < 4 << 20, "{} bytes", png.len());
    let settings = PhotoSettings::default();
    let started = Instant::now();
    let err = process_photo_bytes(png.clone(), &settings).unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "refusing took {took:?}");
    assert_eq!(err.code(), "image-too-large");
    let message = err.to_string();
    assert!(message.contains("photos.max_decoded"), "{message}");
    assert!(message.contains("10000×10000"), "{message}");
    assert!(
        matches!(
            err,
            MediaError::ImageDecodeBudget { needed, limit, .. }
                if needed == 1_200_000_000 && limit == 1 << 30
        ),
        "{err:?}"
    );
    // The estimate a scheduler admits decodes by gives the same refusal…
    assert_eq!(decoded_bytes_needed(&png, &settings).unwrap_err(), err);
    // …and, with room for it, the number.
    let roomy = PhotoSettings {
        max_decoded_bytes: 2 << 30,
        ..PhotoSettings::default()
    };
    assert_eq!(decoded_bytes_needed(&png, &roomy).unwrap(), 1_200_000_000);
}

#[test]
fn an_iccp_bomb_is_ignored_and_the_photo_still_processes() {
    // 1 GiB of zeros as an ICC profile, in about 1 MB of iCCP chunk: under the metadata cap as
    // stored, so only bounding the inflation stops it.
    let mut iccp = b"bomb\0\0".to_vec();
    iccp.extend_from_slice(&zlib_zeros(1 << 30));
    assert!(iccp.len() < 4 << 20, "{} bytes", iccp.len());
    let png = with_chunks(&small_png(), &[png_chunk(b"iCCP", &iccp)]);
    let settings = PhotoSettings::default();
    let started = Instant::now();
    let needed = decoded_bytes_needed(&png, &settings).unwrap();
    let output = process_photo_bytes(png, &settings).unwrap();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(10), "processing took {took:?}");
    assert!(!output.facts.icc_converted);
    assert_eq!((output.facts.width, output.facts.height), (64, 48));
    assert!(needed < 1 << 20, "{needed}");
}

#[test]
fn ztxt_and_itxt_bombs_are_ignored() {
    let bomb = zlib_zeros(1 << 30);
    let mut ztxt = b"Comment\0\0".to_vec();
    ztxt.extend_from_slice(&bomb);
    // Keyword, compressed, zlib, no language tag, no translated keyword.
    let mut itxt = b"XML:com.adobe.xmp\0\x01\0\0\0".to_vec();
    itxt.extend_from_slice(&bomb);
    let png = with_chunks(
        &small_png(),
        &[png_chunk(b"zTXt", &ztxt), png_chunk(b"iTXt", &itxt)],
    );
    let started = Instant::now();
    let output = process_photo_bytes(png, &PhotoSettings::default()).unwrap();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(10), "processing took {took:?}");
    assert_eq!((output.facts.width, output.facts.height), (64, 48));
}

#[test]
fn oversized_metadata_is_ignored_not_fatal() {
    // 5 MiB of text and of EXIF, over the 4 MiB default cap.
    let mut text = b"Comment\0".to_vec();
    text.resize(5 << 20, b'x');
    let png = with_chunks(
        &small_png(),
        &[
            png_chunk(b"tEXt", &text),
            png_chunk(b"eXIf", &vec![0u8; 5 << 20]),
        ],
    );
    let output = process_photo_bytes(png, &PhotoSettings::default()).unwrap();
    assert_eq!(output.facts.orientation, 1);
    assert_eq!(output.facts.camera_make, None);
    // Under a tiny cap, an ordinary text chunk is left out too, and the photo still processes.
    let tiny = PhotoSettings {
        max_metadata_bytes: 16,
        ..PhotoSettings::default()
    };
    let png = with_chunks(
        &small_png(),
        &[png_chunk(b"tEXt", b"Software\0vocweek photo budgets")],
    );
    let output = process_photo_bytes(png, &tiny).unwrap();
    assert_eq!((output.facts.width, output.facts.height), (64, 48));
}

#[test]
fn a_12_mp_jpeg_is_estimated_at_its_shrunk_on_load_size() {
    let (width, height) = (4000usize, 3000usize);
    let pixels = vec![128u8; width * height * 3];
    let image = || turbojpeg::Image {
        pixels: pixels.as_slice(),
        width,
        pitch: width * 3,
        height,
        format: turbojpeg::PixelFormat::RGB,
    };
    let baseline = turbojpeg::compress(image(), 85, turbojpeg::Subsamp::Sub2x2).unwrap();
    let settings = PhotoSettings::default();
    // Decoded at 3/8 (1500×1125, 5.06 MB of RGB8), then resized to 1280×960 through a
    // 1500×960 pass (4.32 MB) into the preview (3.69 MB).
    let needed = decoded_bytes_needed(&baseline, &settings).unwrap();
    assert_eq!(needed, 5_062_500 + 4_320_000 + 3_686_400);
    // A progressive JPEG also holds the full-size coefficients until its last scan: 2 bytes a
    // sample, 4:2:0.
    let mut compressor = turbojpeg::Compressor::new().unwrap();
    compressor.set_quality(85).unwrap();
    compressor.set_subsamp(turbojpeg::Subsamp::Sub2x2).unwrap();
    compressor.set_progressive(true).unwrap();
    let progressive = compressor.compress_to_owned(image()).unwrap();
    assert_eq!(
        decoded_bytes_needed(&progressive, &settings).unwrap(),
        5_062_500 + 36_000_000
    );
    // Under a smaller budget, the estimate and the processing refuse alike, naming the setting.
    let tight = PhotoSettings {
        max_decoded_bytes: 12 << 20,
        ..PhotoSettings::default()
    };
    let err = decoded_bytes_needed(&baseline, &tight).unwrap_err();
    assert_eq!(err.code(), "image-too-large");
    assert!(err.to_string().contains("photos.max_decoded"), "{err}");
    assert_eq!(
        process_photo_bytes(baseline.to_vec(), &tight).unwrap_err(),
        err
    );
    // Within the default budget, it is processed.
    let output = process_photo_bytes(baseline.to_vec(), &settings).unwrap();
    assert_eq!((output.facts.width, output.facts.height), (4000, 3000));
}
