//! One decode per photo, to packed RGB8, after the header was checked against the limits.
//! JPEG goes through libjpeg-turbo with DCT scaling (shrink on load); HEIF/AVIF through libheif;
//! PNG, GIF (first frame), WebP and TIFF through the `image` crate.
//!
//! Untrusted files must not take the service down, so before any pixel is decoded the header
//! gives an estimate of the memory the decode will hold ([`decoded_bytes_needed`]), refused over
//! `photos.max_decoded`; and metadata is bounded by `photos.max_metadata`: an ICC
//! profile or EXIF block over it is ignored, and a PNG's compressed chunks (iCCP, zTXt, iTXt)
//! cannot inflate to more than a few times it.

use std::borrow::Cow;
use std::io::Cursor;

use image::error::LimitErrorKind;
use image::{ColorType, DynamicImage, ImageDecoder, ImageError, ImageReader, Limits};
use libheif_rs::{ColorSpace, HeifContext, ImageHandle, LibHeif, RgbChroma};
use turbojpeg::{
    Colorspace, DecompressHeader, Decompressor, Image, PixelFormat, ScalingFactor, Subsamp,
};

use super::{PhotoSettings, Rgb, jpeg_markers, resize};
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

pub fn decode(bytes: &[u8], settings: &PhotoSettings) -> Result<Decoded, MediaError> {
    match PhotoFormat::detect(bytes) {
        Some(PhotoFormat::Jpeg) => jpeg(bytes, settings),
        Some(format @ (PhotoFormat::Heif | PhotoFormat::Avif)) => heif(bytes, settings, format),
        Some(format) => generic(bytes, settings, format),
        None => Err(not_a_photo()),
    }
}

/// The peak memory decoding `bytes` will hold, from the header alone, after the same checks
/// (limits, then budget) that [`decode`] makes with the same numbers.
pub fn decoded_bytes_needed(bytes: &[u8], settings: &PhotoSettings) -> Result<u64, MediaError> {
    match PhotoFormat::detect(bytes) {
        Some(PhotoFormat::Jpeg) => {
            let (_, header) = jpeg_header(bytes)?;
            match jpeg_route(&header, settings)? {
                JpegRoute::Turbo(plan) => Ok(plan.needed),
                JpegRoute::ImageCrate => Ok(open_image(bytes, settings, PhotoFormat::Jpeg)?.needed),
            }
        }
        Some(PhotoFormat::Heif | PhotoFormat::Avif) => {
            let context = heif_context(bytes, settings)?;
            let handle = context.primary_image_handle().map_err(heif_corrupt)?;
            heif_needed(&handle, settings)
        }
        Some(format) => Ok(open_image(bytes, settings, format)?.needed),
        None => Err(not_a_photo()),
    }
}

fn not_a_photo() -> MediaError {
    MediaError::ImageUnsupported("not a photo format vocweek decodes".to_owned())
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

/// Refuses a decode whose estimate is over `photos.max_decoded`.
fn check_budget(
    width: u32,
    height: u32,
    needed: u64,
    settings: &PhotoSettings,
) -> Result<(), MediaError> {
    if needed > settings.max_decoded_bytes {
        return Err(MediaError::ImageDecodeBudget {
            width,
            height,
            needed,
            limit: settings.max_decoded_bytes,
        });
    }
    Ok(())
}

/// Packed RGB8 bytes of a `width`×`height` picture.
fn rgb8_bytes(width: u32, height: u32) -> u64 {
    (u64::from(width) * u64::from(height)).saturating_mul(3)
}

/// What the pipeline holds after the decode, from the decoded RGB8 picture of that size: the
/// picture beside fast_image_resize's buffer (its vertical pass comes first for 8-bit pixels: as
/// wide as the source, as high as the preview) and the preview; then preview-sized copies (the
/// upright turn, the thumbnail's source).
fn resize_peak(width: u32, height: u32, settings: &PhotoSettings) -> u64 {
    let picture = rgb8_bytes(width, height);
    let (fit_width, fit_height) = resize::fitted(width, height, settings.preview.long_edge);
    let preview = rgb8_bytes(fit_width, fit_height);
    if (fit_width, fit_height) == (width, height) {
        return picture.saturating_mul(3);
    }
    picture
        .saturating_add(rgb8_bytes(width, fit_height))
        .saturating_add(preview)
        .max(preview.saturating_mul(3))
}

/// The shrink-on-load floor for JPEG: twice the largest rendition's long edge.
fn min_decoded_long_edge(settings: &PhotoSettings) -> u32 {
    settings
        .preview
        .long_edge
        .max(settings.thumb.long_edge)
        .saturating_mul(2)
}

fn jpeg_header(bytes: &[u8]) -> Result<(Decompressor, DecompressHeader), MediaError> {
    let mut decompressor =
        Decompressor::new().map_err(|e| MediaError::Internal(format!("libjpeg-turbo: {e}")))?;
    let header = decompressor
        .read_header(bytes)
        .map_err(|e| MediaError::ImageCorrupt(format!("the JPEG header cannot be read: {e}")))?;
    Ok((decompressor, header))
}

fn jpeg_size(header: &DecompressHeader) -> (u32, u32) {
    (
        u32::try_from(header.width).unwrap_or(u32::MAX),
        u32::try_from(header.height).unwrap_or(u32::MAX),
    )
}

/// How a JPEG is decoded.
enum JpegRoute {
    /// libjpeg-turbo, shrunk on load.
    Turbo(JpegPlan),
    /// Print-shop CMYK JPEGs: libjpeg-turbo cannot produce RGB from them; the image crate can.
    ImageCrate,
}

struct JpegPlan {
    scale: ScalingFactor,
    needed: u64,
}

/// The limits, the shrink-on-load scale, and the budget for that scale.
fn jpeg_route(
    header: &DecompressHeader,
    settings: &PhotoSettings,
) -> Result<JpegRoute, MediaError> {
    let (width, height) = jpeg_size(header);
    check_limits(width, height, settings)?;
    if matches!(header.colorspace, Colorspace::CMYK | Colorspace::YCCK) {
        return Ok(JpegRoute::ImageCrate);
    }
    let scale = shrink_factor(
        width.max(height),
        min_decoded_long_edge(settings),
        header.is_lossless,
    );
    let scaled = header.scaled(scale);
    let (decoded_width, decoded_height) = (
        u32::try_from(scaled.width).unwrap_or(u32::MAX),
        u32::try_from(scaled.height).unwrap_or(u32::MAX),
    );
    // libjpeg-turbo decodes straight into the RGB8 buffer; a progressive (or lossless) JPEG
    // also keeps every coefficient of the full-size picture until its last scan.
    let mut decoding = rgb8_bytes(decoded_width, decoded_height);
    if header.is_progressive || header.is_lossless {
        decoding = decoding.saturating_add(jpeg_coefficient_bytes(
            header.width,
            header.height,
            header.subsamp,
        ));
    }
    let needed = decoding.max(resize_peak(decoded_width, decoded_height, settings));
    check_budget(width, height, needed, settings)?;
    Ok(JpegRoute::Turbo(JpegPlan { scale, needed }))
}

/// libjpeg-turbo's whole-image coefficient arrays: 2 bytes a sample of each component.
fn jpeg_coefficient_bytes(width: usize, height: usize, subsamp: Subsamp) -> u64 {
    let (width, height) = (width as u64, height as u64);
    let luma = width.saturating_mul(height);
    let chroma = match subsamp {
        Subsamp::Gray => 0,
        other => {
            let (across, down) = other.size();
            let plane = width
                .div_ceil((across as u64).max(1))
                .saturating_mul(height.div_ceil((down as u64).max(1)));
            plane.saturating_mul(2)
        }
    };
    luma.saturating_add(chroma).saturating_mul(2)
}

fn jpeg(bytes: &[u8], settings: &PhotoSettings) -> Result<Decoded, MediaError> {
    let (mut decompressor, header) = jpeg_header(bytes)?;
    let plan = match jpeg_route(&header, settings)? {
        JpegRoute::Turbo(plan) => plan,
        JpegRoute::ImageCrate => return generic(bytes, settings, PhotoFormat::Jpeg),
    };
    let (width, height) = jpeg_size(&header);
    decompressor
        .set_scaling_factor(plan.scale)
        .map_err(|e| MediaError::Internal(format!("libjpeg-turbo scaling: {e}")))?;
    let scaled = header.scaled(plan.scale);
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
    let metadata = jpeg_markers::read(bytes, settings.max_metadata_bytes);
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

fn heif_corrupt(e: libheif_rs::HeifError) -> MediaError {
    MediaError::ImageCorrupt(format!("the HEIF file cannot be read: {}", e.message))
}

fn heif_context<'a>(
    bytes: &'a [u8],
    settings: &PhotoSettings,
) -> Result<HeifContext<'a>, MediaError> {
    let mut context = HeifContext::read_from_bytes(bytes).map_err(heif_corrupt)?;
    let mut limits = context.security_limits();
    limits.set_max_image_size_pixels(settings.max_pixels);
    // Decoder memory: the RGB output plus the codec's working set, generously bounded.
    limits.set_max_total_memory(settings.max_pixels.saturating_mul(16));
    context
        .set_security_limits(&limits)
        .map_err(|e| MediaError::Internal(format!("libheif limits: {}", e.message)))?;
    Ok(context)
}

/// The limits, then the budget: libheif's decoded planes (counted as 4:4:4, 2 bytes a sample
/// above 8 bits) beside its RGB8 output, then that output beside our packed copy of it.
fn heif_needed(handle: &ImageHandle, settings: &PhotoSettings) -> Result<u64, MediaError> {
    let (width, height) = (handle.width(), handle.height());
    check_limits(width, height, settings)?;
    let channels: u64 = if handle.has_alpha_channel() { 4 } else { 3 };
    let sample_bytes: u64 = if handle.luma_bits_per_pixel() > 8 {
        2
    } else {
        1
    };
    let planes = (u64::from(width) * u64::from(height)).saturating_mul(channels * sample_bytes);
    let rgb = rgb8_bytes(width, height);
    let needed = planes
        .saturating_add(rgb)
        .max(rgb.saturating_mul(2))
        .max(resize_peak(width, height, settings));
    check_budget(width, height, needed, settings)?;
    Ok(needed)
}

fn heif(
    bytes: &[u8],
    settings: &PhotoSettings,
    format: PhotoFormat,
) -> Result<Decoded, MediaError> {
    let context = heif_context(bytes, settings)?;
    let handle = context.primary_image_handle().map_err(heif_corrupt)?;
    heif_needed(&handle, settings)?;
    let cap = settings.max_metadata_bytes;
    let mut ids = [0; 4];
    let count = handle.metadata_block_ids(&mut ids, b"Exif");
    let exif = ids
        .iter()
        .take(count)
        .filter(|id| within_cap(handle.metadata_size(**id), cap))
        .find_map(|id| handle.metadata(*id).ok())
        .and_then(|blob| {
            // libheif's EXIF block starts with the big-endian offset of the TIFF header.
            let offset = u32::from_be_bytes(blob.get(..4)?.try_into().ok()?) as usize;
            blob.get(4 + offset..).map(<[u8]>::to_vec)
        });
    let icc = capped(
        handle.color_profile_raw().map(|profile| profile.data),
        cap,
        "ICC profile",
    );
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

/// A decoder from the `image` crate whose header passed the limits and the budget.
struct Opened<'a> {
    decoder: Box<dyn ImageDecoder + 'a>,
    width: u32,
    height: u32,
    needed: u64,
}

fn open_image<'a>(
    bytes: &'a [u8],
    settings: &PhotoSettings,
    format: PhotoFormat,
) -> Result<Opened<'a>, MediaError> {
    let opened = if format == PhotoFormat::Png {
        // The png crate keeps metadata chunks (and the inflated ICC profile) in memory within
        // one allowance; past it, the whole decode fails. Chunks over the cap are left out
        // first, and should the rest still not fit, the picture is decoded without metadata.
        let allowance = png_alloc_limit(settings);
        let within = png_metadata_within(bytes, settings.max_metadata_bytes);
        match image_decoder(within, allowance, settings) {
            Err(err) if is_memory_limit(&err) => {
                tracing::debug!(
                    "PNG metadata over photos.max_metadata; decoding the picture without it"
                );
                image_decoder(png_without_metadata(bytes), allowance, settings)
            }
            opened => opened,
        }
    } else {
        image_decoder(Cow::Borrowed(bytes), settings.max_decoded_bytes, settings)
    };
    let decoder = opened.map_err(|e| image_error(e, settings))?;
    let (width, height) = decoder.dimensions();
    check_limits(width, height, settings)?;
    let needed = image_crate_needed(format, width, height, decoder.color_type(), settings);
    check_budget(width, height, needed, settings)?;
    Ok(Opened {
        decoder,
        width,
        height,
        needed,
    })
}

/// Reads the header. `max_alloc` bounds what the decoder allocates besides the picture it
/// returns (for PNG, the metadata it keeps).
fn image_decoder<'a>(
    source: Cow<'a, [u8]>,
    max_alloc: u64,
    settings: &PhotoSettings,
) -> Result<Box<dyn ImageDecoder + 'a>, ImageError> {
    let mut reader = ImageReader::new(Cursor::new(source))
        .with_guessed_format()
        .map_err(ImageError::IoError)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(settings.max_side);
    limits.max_image_height = Some(settings.max_side);
    limits.max_alloc = Some(max_alloc);
    reader.limits(limits);
    let decoder: Box<dyn ImageDecoder + 'a> = Box::new(reader.into_decoder()?);
    Ok(decoder)
}

fn is_memory_limit(err: &ImageError) -> bool {
    matches!(err, ImageError::Limits(limit) if limit.kind() == LimitErrorKind::InsufficientMemory)
}

/// The estimate for the `image` crate's decoders: the picture in the decoder's colour type,
/// beside either the decoder's own working buffers or the RGB8 conversion (whichever is
/// larger); or the RGB8 picture through the resize.
fn image_crate_needed(
    format: PhotoFormat,
    width: u32,
    height: u32,
    color: ColorType,
    settings: &PhotoSettings,
) -> u64 {
    let pixels = u64::from(width) * u64::from(height);
    let native = pixels.saturating_mul(u64::from(color.bytes_per_pixel()));
    let working = match format {
        PhotoFormat::Png | PhotoFormat::Heif | PhotoFormat::Avif => 0,
        // tiff decodes into its own buffer (4 samples a pixel for CMYK), then copies.
        PhotoFormat::Tiff => native.saturating_mul(4) / 3,
        // A frame smaller than the screen goes through an RGBA8 frame buffer.
        PhotoFormat::Gif => pixels.saturating_mul(4),
        // Lossless WebP decodes to 32-bit ARGB first (lossy to smaller YUV planes).
        PhotoFormat::Webp => pixels.saturating_mul(4),
        // CMYK JPEGs (zune-jpeg): 4 components, as 16-bit coefficients when progressive.
        PhotoFormat::Jpeg => pixels.saturating_mul(8),
    };
    // `flatten_onto_white` takes RGB8 and RGBA8 over in place; anything else is converted
    // beside the native picture (to RGBA8 first when there is alpha).
    let conversion = match color {
        ColorType::Rgb8 | ColorType::Rgba8 => 0,
        other if other.has_alpha() => pixels.saturating_mul(4),
        _ => pixels.saturating_mul(3),
    };
    native
        .saturating_add(working.max(conversion))
        .max(resize_peak(width, height, settings))
}

fn generic(
    bytes: &[u8],
    settings: &PhotoSettings,
    format: PhotoFormat,
) -> Result<Decoded, MediaError> {
    let Opened {
        mut decoder,
        width,
        height,
        ..
    } = open_image(bytes, settings, format)?;
    let cap = settings.max_metadata_bytes;
    let (icc, exif) = match format {
        PhotoFormat::Jpeg => {
            let found = jpeg_markers::read(bytes, cap);
            (found.icc, found.exif)
        }
        // Read from the file's own chunks: image-webp would allocate what a chunk header
        // claims before reading it.
        PhotoFormat::Webp => (
            riff_chunk(bytes, b"ICCP")
                .filter(|icc| within_cap(icc.len(), cap))
                .map(<[u8]>::to_vec),
            riff_chunk(bytes, b"EXIF")
                .map(|exif| exif.strip_prefix(b"Exif\0\0").unwrap_or(exif))
                .filter(|exif| within_cap(exif.len(), cap))
                .map(<[u8]>::to_vec),
        ),
        _ => {
            let icc = decoder.icc_profile().ok().flatten();
            let exif = decoder.exif_metadata().ok().flatten().or_else(|| {
                // TIFF keeps its orientation in its own tags: express it as a minimal EXIF block.
                decoder
                    .orientation()
                    .ok()
                    .map(|o| minimal_exif_orientation(orientation_number(o)))
            });
            (icc, exif)
        }
    };
    let image = DynamicImage::from_decoder(decoder).map_err(|e| image_error(e, settings))?;
    let pixels = flatten_onto_white(image);
    Ok(Decoded {
        format,
        full_width: width,
        full_height: height,
        pixels,
        exif: capped(exif, cap, "EXIF block"),
        icc: capped(icc, cap, "ICC profile"),
        oriented_by_decoder: false,
    })
}

fn within_cap(length: usize, cap: u64) -> bool {
    u64::try_from(length).is_ok_and(|length| length <= cap)
}

/// A metadata block, unless it is over `photos.max_metadata` (then it is ignored).
fn capped(block: Option<Vec<u8>>, cap: u64, what: &'static str) -> Option<Vec<u8>> {
    match block {
        Some(block) if !within_cap(block.len(), cap) => {
            tracing::debug!(
                what,
                bytes = block.len(),
                cap,
                "metadata over photos.max_metadata ignored"
            );
            None
        }
        block => block,
    }
}

/// What the png crate may allocate besides the picture: its chunk buffer (up to twice the
/// largest chunk it keeps), the text it keeps, the inflated ICC profile, and row buffers. An
/// iCCP chunk that would inflate past what is left is dropped by the png crate (no error).
fn png_alloc_limit(settings: &PhotoSettings) -> u64 {
    settings
        .max_metadata_bytes
        .saturating_mul(4)
        .saturating_add(u64::from(settings.max_side).saturating_mul(16))
        .saturating_add(1 << 20)
}

fn is_png_text(kind: &[u8]) -> bool {
    matches!(kind, b"tEXt" | b"zTXt" | b"iTXt")
}

fn is_png_metadata_block(kind: &[u8]) -> bool {
    matches!(kind, b"iCCP" | b"eXIf")
}

/// The PNG without the metadata chunks that would not fit the cap: an iCCP or eXIf chunk
/// larger than it, and all text chunks (never used here) when together they are larger. The
/// file itself when nothing is left out (the usual case: no copy).
fn png_metadata_within(png: &[u8], cap: u64) -> Cow<'_, [u8]> {
    let text: u64 = png_chunks(png)
        .filter(|(kind, _, _)| is_png_text(kind))
        .map(|(_, length, _)| length as u64)
        .sum();
    png_leaving_out(png, |kind, length| {
        (is_png_text(kind) && text > cap) || (is_png_metadata_block(kind) && length as u64 > cap)
    })
}

/// The PNG without any text, ICC or EXIF chunk.
fn png_without_metadata(png: &[u8]) -> Cow<'_, [u8]> {
    png_leaving_out(png, |kind, _| {
        is_png_text(kind) || is_png_metadata_block(kind)
    })
}

/// The PNG without the chunks `left_out(type, data length)` picks; what follows the last whole
/// chunk (a truncated one) is kept as it is, for the decoder to judge.
fn png_leaving_out(png: &[u8], left_out: impl Fn(&[u8], usize) -> bool) -> Cow<'_, [u8]> {
    if !png_chunks(png).any(|(kind, length, _)| left_out(kind, length)) {
        return Cow::Borrowed(png);
    }
    let mut kept = Vec::with_capacity(png.len());
    let mut end = PNG_SIGNATURE_LEN.min(png.len());
    kept.extend_from_slice(png.get(..end).unwrap_or_default());
    for (kind, length, range) in png_chunks(png) {
        end = range.end;
        if !left_out(kind, length) {
            kept.extend_from_slice(png.get(range).unwrap_or_default());
        }
    }
    kept.extend_from_slice(png.get(end..).unwrap_or_default());
    Cow::Owned(kept)
}

const PNG_SIGNATURE_LEN: usize = 8;

fn png_chunks(png: &[u8]) -> PngChunks<'_> {
    PngChunks {
        png,
        pos: PNG_SIGNATURE_LEN,
    }
}

/// A PNG's chunks as (type, data length, byte range of the whole chunk), up to the first one
/// that runs past the end of the file.
struct PngChunks<'a> {
    png: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for PngChunks<'a> {
    type Item = (&'a [u8], usize, std::ops::Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        let start = self.pos;
        let header = self.png.get(start..start.checked_add(8)?)?;
        let length = usize::try_from(u32::from_be_bytes(header.get(..4)?.try_into().ok()?)).ok()?;
        // Length, type, data, CRC.
        let end = start.checked_add(12)?.checked_add(length)?;
        if end > self.png.len() {
            return None;
        }
        self.pos = end;
        Some((header.get(4..8)?, length, start..end))
    }
}

/// A top-level chunk of a RIFF file (WebP), when it is there and within the file.
fn riff_chunk<'a>(riff: &'a [u8], id: &[u8; 4]) -> Option<&'a [u8]> {
    let mut pos: usize = 12;
    loop {
        let header = riff.get(pos..pos.checked_add(8)?)?;
        let size = usize::try_from(u32::from_le_bytes(header.get(4..8)?.try_into().ok()?)).ok()?;
        let start = pos + 8;
        let end = start.checked_add(size)?;
        if header.get(..4)? == id.as_slice() {
            return riff.get(start..end);
        }
        // Chunks are padded to an even size.
        pos = end.checked_add(size & 1)?;
    }
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

/// Transparent pixels shown over white, as on the queue's white page. RGB8 and RGBA8 pictures
/// are taken over without a copy (RGBA8 is flattened in place); other types are converted beside
/// the decoded picture, which is freed right after (see `image_crate_needed`).
fn flatten_onto_white(image: DynamicImage) -> Rgb {
    let (width, height) = (image.width(), image.height());
    if !image.color().has_alpha() {
        return Rgb {
            width,
            height,
            pixels: image.into_rgb8().into_raw(),
        };
    }
    let mut pixels = image.into_rgba8().into_raw();
    let count = pixels.len() / 4;
    // Pixel i's three bytes go where its four were: 3i + 2 < 4(i + 1), so nothing is
    // overwritten before it is read.
    for i in 0..count {
        let (r, g, b, a) = (
            pixels[4 * i],
            pixels[4 * i + 1],
            pixels[4 * i + 2],
            pixels[4 * i + 3],
        );
        let alpha = u32::from(a);
        let over = |c: u8| ((u32::from(c) * alpha + 255 * (255 - alpha) + 127) / 255) as u8;
        pixels[3 * i] = over(r);
        pixels[3 * i + 1] = over(g);
        pixels[3 * i + 2] = over(b);
    }
    pixels.truncate(count * 3);
    pixels.shrink_to_fit();
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

    /// A PNG chunk with its CRC.
    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
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

    fn small_png() -> Vec<u8> {
        let mut png = Vec::new();
        image::RgbImage::from_pixel(8, 6, image::Rgb([10, 20, 30]))
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        png
    }

    /// `png` with `chunks` inserted right after its IHDR chunk.
    fn with_chunks(png: &[u8], chunks: &[Vec<u8>]) -> Vec<u8> {
        let after_ihdr = 8 + 12 + 13;
        [
            &png[..after_ihdr],
            chunks.concat().as_slice(),
            &png[after_ihdr..],
        ]
        .concat()
    }

    fn kinds(png: &[u8]) -> Vec<String> {
        png_chunks(png)
            .map(|(kind, _, _)| String::from_utf8_lossy(kind).into_owned())
            .collect()
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut encoder =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn png_metadata_chunks_over_the_cap_are_left_out() {
        let png = with_chunks(
            &small_png(),
            &[
                png_chunk(b"tEXt", b"Comment\0hello"),
                png_chunk(b"iCCP", &[7u8; 200]),
                png_chunk(b"eXIf", &[1u8; 50]),
            ],
        );
        // Nothing over the cap: the file itself, no copy.
        assert!(matches!(png_metadata_within(&png, 1000), Cow::Borrowed(_)));
        // The iCCP chunk is over 100 bytes; the text (13 bytes) and eXIf (50) are not.
        let kept = png_metadata_within(&png, 100);
        let kept_kinds = kinds(&kept);
        assert!(
            !kept_kinds.iter().any(|kind| kind == "iCCP"),
            "{kept_kinds:?}"
        );
        assert!(
            kept_kinds.iter().any(|kind| kind == "tEXt"),
            "{kept_kinds:?}"
        );
        assert!(
            kept_kinds.iter().any(|kind| kind == "eXIf"),
            "{kept_kinds:?}"
        );
        assert!(
            kept_kinds.iter().any(|kind| kind == "IDAT"),
            "{kept_kinds:?}"
        );
        for stripped in [png_metadata_within(&png, 10), png_without_metadata(&png)] {
            let left = kinds(&stripped);
            assert!(
                !left
                    .iter()
                    .any(|kind| ["tEXt", "iCCP", "eXIf"].contains(&kind.as_str())),
                "{left:?}"
            );
            assert_eq!(left.first().map(String::as_str), Some("IHDR"));
            assert_eq!(left.last().map(String::as_str), Some("IEND"));
        }
        // What is left still decodes.
        let decoded = decode(&kept, &PhotoSettings::default()).unwrap();
        assert_eq!((decoded.pixels.width, decoded.pixels.height), (8, 6));
        assert_eq!(decoded.icc, None);
    }

    #[test]
    fn png_icc_profiles_are_kept_up_to_the_cap() {
        let settings = PhotoSettings {
            max_metadata_bytes: 16 << 10,
            ..PhotoSettings::default()
        };
        let with_icc = |profile: &[u8]| {
            let mut data = b"profile\0\0".to_vec();
            data.extend_from_slice(&zlib(profile));
            with_chunks(&small_png(), &[png_chunk(b"iCCP", &data)])
        };
        let small = decode(&with_icc(&[3u8; 1000][..]), &settings).unwrap();
        assert_eq!(small.icc.map(|icc| icc.len()), Some(1000));
        // 64 KiB inflated from a few hundred bytes: over the 16 KiB cap, ignored.
        let large = decode(&with_icc(&[3u8; 64 << 10][..]), &settings).unwrap();
        assert_eq!(large.icc, None);
        assert_eq!((large.pixels.width, large.pixels.height), (8, 6));
    }

    #[test]
    fn riff_chunks_are_found_within_the_file() {
        let mut webp = b"RIFF\0\0\0\0WEBP".to_vec();
        for (id, data) in [
            (b"VP8X", &b"0123456789"[..]),
            (b"ICCP", &b"abc"[..]),
            (b"EXIF", &b"Exif\0\0II*\0"[..]),
        ] {
            webp.extend_from_slice(id);
            webp.extend_from_slice(&(data.len() as u32).to_le_bytes());
            webp.extend_from_slice(data);
            if data.len() & 1 == 1 {
                webp.push(0);
            }
        }
        assert_eq!(riff_chunk(&webp, b"ICCP"), Some(&b"abc"[..]));
        assert_eq!(riff_chunk(&webp, b"EXIF"), Some(&b"Exif\0\0II*\0"[..]));
        assert_eq!(riff_chunk(&webp, b"XMP "), None);
        // A chunk claiming more than the file holds is not read.
        let mut cut = webp.clone();
        cut.extend_from_slice(b"XMP \xff\xff\xff\x7f<x:");
        assert_eq!(riff_chunk(&cut, b"XMP "), None);
    }

    #[test]
    fn transparency_is_flattened_onto_white_in_place() {
        let rgba = image::RgbaImage::from_raw(3, 1, vec![255, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 128])
            .unwrap();
        let flat = flatten_onto_white(DynamicImage::ImageRgba8(rgba));
        assert_eq!((flat.width, flat.height), (3, 1));
        assert_eq!(flat.pixels, vec![255, 0, 0, 255, 255, 255, 127, 127, 127]);
        let grey = image::GrayAlphaImage::from_raw(1, 1, vec![100, 255]).unwrap();
        let flat = flatten_onto_white(DynamicImage::ImageLumaA8(grey));
        assert_eq!(flat.pixels, vec![100, 100, 100]);
    }

    #[test]
    fn estimates_count_the_native_buffer_the_conversion_and_the_resize() {
        let settings = PhotoSettings::default();
        // 10000×10000 16-bit RGBA: 800 MB decoded, then 400 MB of RGBA8 beside it.
        assert_eq!(
            image_crate_needed(
                PhotoFormat::Png,
                10_000,
                10_000,
                ColorType::Rgba16,
                &settings
            ),
            1_200_000_000
        );
        // 4000×3000 RGB8 is taken over as it is; the resize to 1280×960 then holds the
        // picture (36 MB), a 4000×960 pass (11.52 MB) and the preview (3.69 MB).
        assert_eq!(
            image_crate_needed(PhotoFormat::Png, 4000, 3000, ColorType::Rgb8, &settings),
            51_206_400
        );
        assert_eq!(
            jpeg_coefficient_bytes(4000, 3000, Subsamp::Sub2x2),
            36_000_000
        );
        assert_eq!(
            jpeg_coefficient_bytes(4000, 3000, Subsamp::Gray),
            24_000_000
        );
        assert_eq!(
            jpeg_coefficient_bytes(4000, 3000, Subsamp::None),
            72_000_000
        );
    }

    #[test]
    fn a_budget_refusal_names_the_setting() {
        let settings = PhotoSettings {
            max_decoded_bytes: 100 << 20,
            ..PhotoSettings::default()
        };
        let err = check_budget(6000, 4000, 150 << 20, &settings).unwrap_err();
        assert_eq!(err.code(), "image-too-large");
        let message = err.to_string();
        assert!(message.contains("photos.max_decoded"), "{message}");
        assert!(
            message.contains("150 MiB") && message.contains("100 MiB"),
            "{message}"
        );
        assert!(message.contains("6000×4000"), "{message}");
        assert!(check_budget(6000, 4000, 100 << 20, &settings).is_ok());
    }
}
