//! `Upload-Metadata`: comma-separated `key base64(value)` pairs (the value may be absent).
//! Known keys fill the same form as the simple upload's fields; the keys tus clients add on their
//! own (`filetype`, `name`, `relativePath`…) are accepted, and a MIME type hints at the kind.

use base64::Engine;
use vocweek_domain::AssetKind;
use vocweek_pipeline::UploadForm;

use crate::ApiError;
use crate::upload_form::{TEXT_FIELDS as UPLOAD_TEXT_FIELDS, apply_field as apply_upload_field};

/// What the metadata says about the upload.
#[derive(Debug, Default)]
pub struct UploadMetadata {
    pub filename: String,
    pub form: UploadForm,
    /// The kind the client declared, or the one its MIME type (`filetype`) implies.
    pub kind_hint: Option<AssetKind>,
}

fn malformed(message: String) -> ApiError {
    ApiError::bad_request("invalid-upload-metadata", message)
}

pub fn parse(header: &str) -> Result<UploadMetadata, ApiError> {
    let mut metadata = UploadMetadata::default();
    let mut mime = None;
    for pair in header.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, encoded) = pair.split_once(' ').unwrap_or((pair, ""));
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|_| malformed(format!("the value of '{key}' is not base64")))?;
        let value = String::from_utf8(bytes)
            .map_err(|_| malformed(format!("the value of '{key}' is not UTF-8 text")))?;
        match key {
            "filename" | "name" if metadata.filename.is_empty() => {
                crate::plain_text::refuse_control_characters("filename", &value)?;
                metadata.filename = value
            }
            "filetype" | "type" => mime = Some(value),
            key if UPLOAD_TEXT_FIELDS.contains(&key) => {
                apply_upload_field(&mut metadata.form, key, value)?
            }
            _ => {}
        }
    }
    if metadata.filename.is_empty() {
        metadata.filename = "upload".to_owned();
    }
    metadata.kind_hint = metadata
        .form
        .kind
        .or_else(|| mime.as_deref().and_then(kind_of_mime))
        .or_else(|| kind_of_name(&metadata.filename));
    Ok(metadata)
}

/// The kind a MIME type implies (a hint for the size limit at creation; the bytes decide
/// once they arrive).
fn kind_of_mime(mime: &str) -> Option<AssetKind> {
    let mime = mime.trim().to_ascii_lowercase();
    if mime.starts_with("image/") {
        Some(AssetKind::Photo)
    } else if mime.starts_with("video/") || mime.starts_with("audio/") {
        Some(AssetKind::Video)
    } else if mime.starts_with("text/")
        || mime == "application/pdf"
        || mime == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    {
        Some(AssetKind::Article)
    } else {
        None
    }
}

/// The kind a file name's extension implies, when the client sent no useful MIME type.
fn kind_of_name(name: &str) -> Option<AssetKind> {
    let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
    const PHOTO: [&str; 10] = [
        "jpg", "jpeg", "png", "gif", "webp", "tif", "tiff", "heic", "heif", "avif",
    ];
    const VIDEO: [&str; 19] = [
        "mp4", "m4v", "mov", "mkv", "webm", "avi", "ts", "flv", "wmv", "mp3", "wav", "flac", "aac",
        "m4a", "ogg", "opus", "amr", "wma", "aiff",
    ];
    const ARTICLE: [&str; 6] = ["pdf", "docx", "txt", "md", "html", "htm"];
    let is = |list: &[&str]| list.contains(&extension.as_str());
    if is(&PHOTO) {
        Some(AssetKind::Photo)
    } else if is(&VIDEO) {
        Some(AssetKind::Video)
    } else if is(&ARTICLE) {
        Some(AssetKind::Article)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(text: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(text)
    }

    #[test]
    fn known_keys_fill_the_form_and_client_keys_are_ignored() {
        let header = format!(
            "filename {},title {},themes {},filetype {},relativePath {},is_draft",
            b64("决赛.mp4"),
            b64("数控车决赛"),
            b64("skills-competition,craftsmanship"),
            b64("video/mp4"),
            b64("a/b"),
        );
        let parsed = parse(&header).unwrap();
        assert_eq!(parsed.filename, "决赛.mp4");
        assert_eq!(parsed.form.title.as_deref(), Some("数控车决赛"));
        assert_eq!(parsed.form.tags.themes.len(), 2);
        assert_eq!(parsed.kind_hint, Some(AssetKind::Video));
    }

    #[test]
    fn articles_and_names_hint_at_the_kind() {
        let pdf = parse(&format!("filetype {}", b64("application/pdf"))).unwrap();
        assert_eq!(pdf.kind_hint, Some(AssetKind::Article));
        let text = parse(&format!("filetype {}", b64("text/plain"))).unwrap();
        assert_eq!(text.kind_hint, Some(AssetKind::Article));
        let named = parse(&format!(
            "filename {},filetype {}",
            b64("总结.DOCX"),
            b64("application/octet-stream")
        ))
        .unwrap();
        assert_eq!(named.kind_hint, Some(AssetKind::Article));
        let sound = parse(&format!("filename {}", b64("采访.mp3"))).unwrap();
        assert_eq!(sound.kind_hint, Some(AssetKind::Video));
        assert_eq!(parse("").unwrap().kind_hint, None);
    }

    #[test]
    fn a_value_that_is_not_base64_is_refused() {
        let err = parse("title 这不是base64").unwrap_err();
        assert_eq!(err.code, "invalid-upload-metadata");
    }

    #[test]
    fn credit_and_consent_travel_in_the_metadata() {
        let parsed = parse(&format!(
            "credit {},portrait_consent {}",
            b64("摄影：张三"),
            b64("true")
        ))
        .unwrap();
        assert_eq!(parsed.form.credit.as_deref(), Some("摄影：张三"));
        assert!(parsed.form.portrait_consent);
        for (value, consent) in [("on", true), ("1", true), ("0", false), ("false", false)] {
            let parsed = parse(&format!("portrait_consent {}", b64(value))).unwrap();
            assert_eq!(parsed.form.portrait_consent, consent, "{value}");
        }
        assert!(
            !parse("").unwrap().form.portrait_consent,
            "absent is not given"
        );
        let err = parse(&format!("portrait_consent {}", b64("maybe"))).unwrap_err();
        assert_eq!(err.code, "invalid-field");
    }

    #[test]
    fn an_invalid_kind_is_refused() {
        let err = parse(&format!("kind {}", b64("podcast"))).unwrap_err();
        assert_eq!(err.code, "invalid-field");
    }
}
