/// Why a file was refused or could not be processed. `code()` is the stable, kebab-case code
/// that reaches API clients and the asset's failure reason.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MediaError {
    #[error("the file is empty")]
    Empty,
    #[error("executable files are not accepted")]
    Executable,
    #[error("SVG images are not accepted (they can carry scripts); send PNG or JPEG instead")]
    Svg,
    #[error("unsupported file type: {0}")]
    Unsupported(String),
    #[error("the file no longer matches what was uploaded: {0}")]
    Changed(String),
    #[error("cannot read the file: {0}")]
    Unreadable(String),
}

impl MediaError {
    pub fn code(&self) -> &'static str {
        match self {
            MediaError::Empty => "empty-file",
            MediaError::Executable => "executable-refused",
            MediaError::Svg => "svg-refused",
            MediaError::Unsupported(_) => "unsupported-media-type",
            MediaError::Changed(_) => "media-changed",
            MediaError::Unreadable(_) => "media-unreadable",
        }
    }
}
