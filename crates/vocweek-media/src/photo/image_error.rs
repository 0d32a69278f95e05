//! The `image` crate's errors as vocweek's reasons, with the picture's real size where a limit
//! was hit (the image crate's limit errors do not carry it).

use image::ImageError;
use image::error::LimitError;

use super::PhotoSettings;
use super::decode_budget::check_limits;
use crate::MediaError;

/// `size` is the picture's size when known: from the decoder once it was opened, else from the
/// header (`header_size`).
pub fn image_error(
    err: ImageError,
    settings: &PhotoSettings,
    size: Option<(u32, u32)>,
) -> MediaError {
    match err {
        ImageError::Limits(limit) => limit_error(&limit, settings, size),
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

/// A limit the image crate enforced. The sides are checked by `check_limits` before the image
/// crate could refuse them, so this is mostly memory: the decoder needed more than it may
/// allocate, and its error does not say how much more, so the budget refusal says one byte more
/// than the limit (shown as the next MiB).
fn limit_error(
    limit: &LimitError,
    settings: &PhotoSettings,
    size: Option<(u32, u32)>,
) -> MediaError {
    let Some((width, height)) = size else {
        return MediaError::ImageUnsupported(format!(
            "the image cannot be opened within vocweek's limits: {limit}"
        ));
    };
    if let Err(too_large) = check_limits(width, height, settings) {
        return too_large;
    }
    MediaError::ImageDecodeBudget {
        width,
        height,
        needed: settings.max_decoded_bytes.saturating_add(1),
        limit: settings.max_decoded_bytes,
    }
}

#[cfg(test)]
mod tests {
    use image::error::LimitErrorKind;

    use super::*;

    #[test]
    fn a_limit_error_names_the_real_size() {
        let settings = PhotoSettings::default();
        let dimensions =
            || ImageError::Limits(LimitError::from_kind(LimitErrorKind::DimensionError));
        let err = image_error(dimensions(), &settings, Some((50_000, 50_000)));
        assert!(
            matches!(
                err,
                MediaError::ImageTooLarge {
                    width: 50_000,
                    height: 50_000,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("50000×50000"), "{err}");
        let memory = ImageError::Limits(LimitError::from_kind(LimitErrorKind::InsufficientMemory));
        let err = image_error(memory, &settings, Some((4000, 3000)));
        assert_eq!(err.code(), "image-too-large");
        assert!(err.to_string().contains("4000×3000"), "{err}");
        assert!(
            !image_error(dimensions(), &settings, None)
                .to_string()
                .contains("0×0")
        );
    }
}
