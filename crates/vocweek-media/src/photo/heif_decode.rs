//! HEIF and AVIF through libheif: its security limits follow `photos.max_pixels`, the header
//! is checked against the limits and the budget, and the container's rotation is reconciled
//! with the EXIF orientation.

use libheif_rs::{ColorSpace, HeifContext, ImageHandle, LibHeif, RgbChroma};

use super::decode::{Decoded, PhotoFormat};
use super::decode_budget::{check_budget, check_limits, resize_peak, rgb8_bytes};
use super::metadata_cap::{capped, within_cap};
use super::{PhotoSettings, Rgb};
use crate::MediaError;

/// The estimate [`decode`] admits the picture by, after the same checks.
pub fn needed(bytes: &[u8], settings: &PhotoSettings) -> Result<u64, MediaError> {
    let context = heif_context(bytes, settings)?;
    let handle = context.primary_image_handle().map_err(heif_corrupt)?;
    heif_needed(&handle, settings)
}

fn heif_corrupt(e: libheif_rs::HeifError) -> MediaError {
    MediaError::ImageCorrupt(format!("the HEIF file cannot be read: {}", e.message))
}

/// A failed decode, by libheif's error code: a file cut short is truncated (sent again, it
/// may work), damaged content is corrupt, and only what libheif says it cannot do (a codec or
/// feature this build lacks) is unsupported.
fn heif_decode_error(e: libheif_rs::HeifError) -> MediaError {
    use libheif_rs::{HeifErrorCode, HeifErrorSubCode};
    match (e.code, e.sub_code) {
        (_, HeifErrorSubCode::EndOfData) => MediaError::ImageTruncated(format!(
            "the HEIF file ends before its picture does: {}",
            e.message
        )),
        (HeifErrorCode::InvalidInput | HeifErrorCode::DecoderPluginError, _) => {
            MediaError::ImageCorrupt(format!("the HEIF picture is damaged: {}", e.message))
        }
        _ => MediaError::ImageUnsupported(format!(
            "the HEIF picture cannot be decoded here: {}",
            e.message
        )),
    }
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

pub fn decode(
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
        .map_err(heif_decode_error)?;
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
