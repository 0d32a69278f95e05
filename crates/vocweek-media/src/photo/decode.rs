//! One decode per photo, to packed RGB8, after the header was checked against the limits.
//! JPEG goes through libjpeg-turbo with DCT scaling (shrink on load); HEIF/AVIF through libheif;
//! PNG, GIF (first frame), WebP and TIFF through the `image` crate.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageError, ImageReader, Limits};
use libheif_rs::{ColorSpace, HeifContext, LibHeif, RgbChroma};
use turbojpeg::{Colorspace, Decompressor, Image, PixelFormat, ScalingFactor};

use super::{PhotoSettings, Rgb, jpeg_markers};
use crate::MediaError;

/// The photo formats vocweek decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoFormat {
    Jpeg,
    Png,
    Gif,
    Webp,
    Tiff,
    Heif,
    Avif,
}

impl PhotoFormat {
    pub fn detect(bytes: &[u8]) -> Option<Self> {
        let at =
            |offset: usize, magic: &[u8]| bytes.get(offset..offset + magic.len()) == Some(magic);
        Some(if at(0, &[0xFF, 0xD8, 0xFF]) {
            PhotoFormat::Jpeg
        } else if at(0, b"\x89PNG\r\n\x1a\n") {
            PhotoFormat::Png
        } else if at(0, b"GIF8") {
            PhotoFormat::Gif
        } else if at(0, b"RIFF") && at(8, b"WEBP") {
            PhotoFormat::Webp
        } else if at(0, b"II*\0") || at(0, b"MM\0*") {
            PhotoFormat::Tiff
        } else if at(4, b"ftyp") {
            match crate::sniff(bytes, "") {
                Ok(sniffed) if sniffed.mime == "image/avif" => PhotoFormat::Avif,
                Ok(sniffed) if sniffed.kind == vocweek_domain::AssetKind::Photo => {
                    PhotoFormat::Heif
                }
                _ => return None,
            }
        } else {
            return None;
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            PhotoFormat::Jpeg => "jpeg",
            PhotoFormat::Png => "png",
            PhotoFormat::Gif => "gif",
            PhotoFormat::Webp => "webp",
            PhotoFormat::Tiff => "tiff",
            PhotoFormat::Heif => "heif",
            PhotoFormat::Avif => "avif",
        }
    }
}

/// A decoded photo, not yet oriented.
pub struct Decoded {
    pub format: PhotoFormat,
    /// Size of the stored picture at full resolution (before orientation).
    pub full_width: u32,
    pub full_height: u32,
    /// The pixels, possibly already shrunk on load.
    pub pixels: Rgb,
    pub exif: Option<Vec<u8>>,
    pub icc: Option<Vec<u8>>,
    /// The decoder already turned the picture upright (HEIF container transforms).
    pub oriented_by_decoder: bool,
}

pub fn decode(
    bytes: &[u8],
    settings: &PhotoSettings,
    min_long_edge: u32,
) -> Result<Decoded, MediaError> {
    match PhotoFormat::detect(bytes) {
        Some(PhotoFormat::Jpeg) => jpeg(bytes, settings, min_long_edge),
        Some(format @ (PhotoFormat::Heif | PhotoFormat::Avif)) => heif(bytes, settings, format),
        Some(format) => generic(bytes, settings, format),
        None => Err(MediaError::ImageUnsupported(
            "not a photo format vocweek decodes".to_owned(),
        )),
    }
}

fn check_limits(width: u32, height: u32, settings: &PhotoSettings) -> Result<(), MediaError> {
    let pixels = u64::from(width) * u64::from(height);
    if width == 0 || height == 0 {
        return Err(MediaError::ImageCorrupt(format!(
            "the image claims a size of {width}×{height}"
        )));
    }
    if width > settings.max_side || height > settings.max_side || pixels > settings.max_pixels {
        return Err(MediaError::ImageTooLarge {
            width,
            height,
            max_pixels: settings.max_pixels,
            max_side: settings.max_side,
        });
    }
    Ok(())
}

fn jpeg(bytes: &[u8], settings: &PhotoSettings, min_long_edge: u32) -> Result<Decoded, MediaError> {
    let mut decompressor =
        Decompressor::new().map_err(|e| MediaError::Internal(format!("libjpeg-turbo: {e}")))?;
    let header = decompressor
        .read_header(bytes)
        .map_err(|e| MediaError::ImageCorrupt(format!("the JPEG header cannot be read: {e}")))?;
    let (width, height) = (header.width as u32, header.height as u32);
    check_limits(width, height, settings)?;
    if matches!(header.colorspace, Colorspace::CMYK | Colorspace::YCCK) {
        // Print-shop CMYK JPEGs: libjpeg-turbo cannot produce RGB from them; the image crate can.
        return generic(bytes, settings, PhotoFormat::Jpeg);
    }
    let scale = shrink_factor(width.max(height), min_long_edge, header.is_lossless);
    decompressor
        .set_scaling_factor(scale)
        .map_err(|e| MediaError::Internal(format!("libjpeg-turbo scaling: {e}")))?;
    let scaled = header.scaled(scale);
    let mut pixels = vec![0u8; scaled.width * scaled.height * 3];
    let target = Image {
        pixels: pixels.as_mut_slice(),
        width: scaled.width,
        pitch: scaled.width * 3,
        height: scaled.height,
        format: PixelFormat::RGB,
    };
    if let Err(err) = decompressor.decompress(bytes, target) {
        judge_jpeg_problem(&err.to_string())?;
    }
    let metadata = jpeg_markers::read(bytes);
    Ok(Decoded {
        format: PhotoFormat::Jpeg,
        full_width: width,
        full_height: height,
        pixels: Rgb {
            width: scaled.width as u32,
            height: scaled.height as u32,
            pixels,
        },
        exif: metadata.exif,
        icc: metadata.icc,
        oriented_by_decoder: false,
    })
}

/// The smallest DCT scale (n/8) that keeps the long edge at least `min_long_edge`.
///
/// Measured trade-off (BENCHMARKS.md): libjpeg-turbo has SIMD code only for 1/8, 1/4, 1/2 and 1,
/// so a 12 MP JPEG decodes faster at full size (≈58 ms) than at 6/8 (≈73 ms) — but the full-size
/// buffer is 36 MB against 20 MB. Photos are decoded several at a time on a server, so the
/// smaller buffer wins: memory stays below vipsthumbnail's and the time still well under half.
fn shrink_factor(long_edge: u32, min_long_edge: u32, lossless: bool) -> ScalingFactor {
    if lossless {
        return ScalingFactor::ONE;
    }
    (1..=8)
        .map(|n| ScalingFactor::new(n, 8))
        .find(|factor| factor.scale(long_edge as usize) >= min_long_edge as usize)
        .unwrap_or(ScalingFactor::ONE)
}

/// libjpeg-turbo reports recoverable problems as errors after decoding everything it could.
/// Extraneous bytes between segments (common in camera files) leave a complete picture: keep
/// it. A file that ends early is `image-truncated`: the bottom of the picture is missing (grey),
/// and an editor cannot publish half a photo, so the unit is asked to send it again. Anything
/// else is `image-corrupt`.
fn judge_jpeg_problem(message: &str) -> Result<(), MediaError> {
    if message.contains("extraneous bytes") {
        return Ok(());
    }
    if message.contains("Premature end") {
        return Err(MediaError::ImageTruncated(
            "the JPEG file ends before the picture does (cut off during transfer?)".to_owned(),
        ));
    }
    Err(MediaError::ImageCorrupt(format!(
        "the JPEG data is damaged: {message}"
    )))
}

fn heif(
    bytes: &[u8],
    settings: &PhotoSettings,
    format: PhotoFormat,
) -> Result<Decoded, MediaError> {
    let corrupt = |e: libheif_rs::HeifError| {
        MediaError::ImageCorrupt(format!("the HEIF file cannot be read: {}", e.message))
    };
    let mut context = HeifContext::read_from_bytes(bytes).map_err(corrupt)?;
    let mut limits = context.security_limits();
    limits.set_max_image_size_pixels(settings.max_pixels);
    // Decoder memory: the RGB output plus the codec's working set, generously bounded.
    limits.set_max_total_memory(settings.max_pixels.saturating_mul(16));
    context
        .set_security_limits(&limits)
        .map_err(|e| MediaError::Internal(format!("libheif limits: {}", e.message)))?;
    let handle = context.primary_image_handle().map_err(corrupt)?;
    check_limits(handle.width(), handle.height(), settings)?;
    let mut ids = [0; 4];
    let count = handle.metadata_block_ids(&mut ids, b"Exif");
    let exif = ids
        .iter()
        .take(count)
        .find_map(|id| handle.metadata(*id).ok())
        .and_then(|blob| {
            // libheif's EXIF block starts with the big-endian offset of the TIFF header.
            let offset = u32::from_be_bytes(blob.get(..4)?.try_into().ok()?) as usize;
            blob.get(4 + offset..).map(<[u8]>::to_vec)
        });
    let icc = handle.color_profile_raw().map(|profile| profile.data);
    // HEIF rotates in the container (`irot`/`imir`) and phones repeat it in EXIF. When both are
    // there and disagree, the EXIF tag is the one that matches the picture (seen on Nokia/HMD
    // phones, whose `irot` turns a landscape photo sideways), so EXIF wins when it has an
    // orientation; otherwise libheif applies the container's transforms.
    let exif_orientation = exif
        .as_deref()
        .and_then(|block| super::exif_facts::read(block).orientation);
    let mut options = libheif_rs::DecodingOptions::new()
        .ok_or_else(|| MediaError::Internal("libheif decoding options".to_owned()))?;
    options.set_ignore_transformations(exif_orientation.is_some());
    let (full_width, full_height) = if exif_orientation.is_some() {
        (
            u32::try_from(handle.ispe_width()).unwrap_or(0),
            u32::try_from(handle.ispe_height()).unwrap_or(0),
        )
    } else {
        (handle.width(), handle.height())
    };
    let image = LibHeif::new()
        .decode(&handle, ColorSpace::Rgb(RgbChroma::Rgb), Some(options))
        .map_err(|e| {
            MediaError::ImageUnsupported(format!(
                "the HEIF picture cannot be decoded here: {}",
                e.message
            ))
        })?;
    let planes = image.planes();
    let plane = planes
        .interleaved
        .ok_or_else(|| MediaError::Internal("libheif returned no interleaved plane".to_owned()))?;
    let row = plane.width as usize * 3;
    let mut pixels = Vec::with_capacity(row * plane.height as usize);
    for y in 0..plane.height as usize {
        let start = y * plane.stride;
        pixels.extend_from_slice(plane.data.get(start..start + row).ok_or_else(|| {
            MediaError::Internal("libheif plane shorter than its size".to_owned())
        })?);
    }
    Ok(Decoded {
        format,
        full_width,
        full_height,
        pixels: Rgb {
            width: plane.width,
            height: plane.height,
            pixels,
        },
        exif,
        icc,
        oriented_by_decoder: exif_orientation.is_none(),
    })
}

fn generic(
    bytes: &[u8],
    settings: &PhotoSettings,
    format: PhotoFormat,
) -> Result<Decoded, MediaError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| MediaError::Unreadable(e.to_string()))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(settings.max_side);
    limits.max_image_height = Some(settings.max_side);
    // 16-bit RGBA is the largest buffer a decoder makes per pixel.
    limits.max_alloc = Some(settings.max_pixels.saturating_mul(8));
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| image_error(e, settings))?;
    let (width, height) = decoder.dimensions();
    check_limits(width, height, settings)?;
    let icc = decoder.icc_profile().ok().flatten();
    let exif = decoder.exif_metadata().ok().flatten().or_else(|| {
        // TIFF keeps its orientation in its own tags: express it as a minimal EXIF block.
        decoder
            .orientation()
            .ok()
            .map(|o| minimal_exif_orientation(orientation_number(o)))
    });
    let image = DynamicImage::from_decoder(decoder).map_err(|e| image_error(e, settings))?;
    let pixels = flatten_onto_white(image);
    Ok(Decoded {
        format,
        full_width: width,
        full_height: height,
        pixels,
        exif,
        icc,
        oriented_by_decoder: false,
    })
}

fn image_error(err: ImageError, settings: &PhotoSettings) -> MediaError {
    match err {
        ImageError::Limits(_) => MediaError::ImageTooLarge {
            width: 0,
            height: 0,
            max_pixels: settings.max_pixels,
            max_side: settings.max_side,
        },
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            MediaError::ImageTruncated("the file ends before the picture does".to_owned())
        }
        ImageError::Unsupported(e) => MediaError::ImageUnsupported(e.to_string()),
        ImageError::Decoding(e) => {
            let message = e.to_string();
            if message.to_ascii_lowercase().contains("eof") || message.contains("end of") {
                MediaError::ImageTruncated(format!(
                    "the file ends before the picture does: {message}"
                ))
            } else {
                MediaError::ImageCorrupt(format!("the image data is damaged: {message}"))
            }
        }
        other => MediaError::ImageCorrupt(other.to_string()),
    }
}

/// Transparent pixels shown over white, as on the queue's white page.
fn flatten_onto_white(image: DynamicImage) -> Rgb {
    let (width, height) = (image.width(), image.height());
    if !image.color().has_alpha() {
        return Rgb {
            width,
            height,
            pixels: image.to_rgb8().into_raw(),
        };
    }
    let rgba = image.to_rgba8().into_raw();
    let pixels = rgba
        .chunks_exact(4)
        .flat_map(|p| {
            let alpha = u32::from(p[3]);
            let over = |c: u8| ((u32::from(c) * alpha + 255 * (255 - alpha) + 127) / 255) as u8;
            [over(p[0]), over(p[1]), over(p[2])]
        })
        .collect();
    Rgb {
        width,
        height,
        pixels,
    }
}

fn orientation_number(orientation: image::metadata::Orientation) -> u16 {
    use image::metadata::Orientation::*;
    match orientation {
        NoTransforms => 1,
        FlipHorizontal => 2,
        Rotate180 => 3,
        FlipVertical => 4,
        Rotate90FlipH => 5,
        Rotate90 => 6,
        Rotate270FlipH => 7,
        Rotate270 => 8,
    }
}

/// A little-endian TIFF block with one IFD entry: Orientation.
fn minimal_exif_orientation(value: u16) -> Vec<u8> {
    let mut block = b"II*\0\x08\0\0\0\x01\0".to_vec();
    block.extend_from_slice(&0x0112u16.to_le_bytes());
    block.extend_from_slice(&3u16.to_le_bytes());
    block.extend_from_slice(&1u32.to_le_bytes());
    block.extend_from_slice(&value.to_le_bytes());
    block.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    block
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrink_on_load_keeps_twice_the_target() {
        // 4000 px wide, 2560 wanted: 6/8 gives 3000, 5/8 would give 2500.
        let factor = shrink_factor(4000, 2560, false);
        assert_eq!((factor.num(), factor.denom()), (3, 4));
        assert_eq!(shrink_factor(6000, 2560, false), ScalingFactor::ONE_HALF);
        assert_eq!(shrink_factor(2000, 2560, false), ScalingFactor::ONE);
        assert_eq!(
            shrink_factor(24_000, 2560, false),
            ScalingFactor::ONE_EIGHTH
        );
        assert_eq!(shrink_factor(24_000, 2560, true), ScalingFactor::ONE);
    }

    #[test]
    fn jpeg_problems_are_judged() {
        assert!(
            judge_jpeg_problem("Corrupt JPEG data: 3 extraneous bytes before marker 0xd9").is_ok()
        );
        assert!(matches!(
            judge_jpeg_problem("Premature end of JPEG file"),
            Err(MediaError::ImageTruncated(_))
        ));
        assert!(matches!(
            judge_jpeg_problem("Huffman table 0x00 was not defined"),
            Err(MediaError::ImageCorrupt(_))
        ));
    }

    #[test]
    fn the_minimal_exif_block_reads_back() {
        let facts = super::super::exif_facts::read(&minimal_exif_orientation(6));
        assert_eq!(facts.orientation, Some(6));
    }
}
