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
    #[error(
        "the image is {width}×{height}; the limit is {max_pixels} pixels and {max_side} px a side"
    )]
    ImageTooLarge {
        width: u32,
        height: u32,
        max_pixels: u64,
        max_side: u32,
    },
    #[error("{0}")]
    ImageCorrupt(String),
    #[error("{0}")]
    ImageTruncated(String),
    #[error("{0}")]
    ImageUnsupported(String),
    #[error("{0}")]
    ArticleCorrupt(String),
    #[error("{0}")]
    ArticleTooLarge(String),
    #[error("{0}")]
    ArticleUnsupported(String),
    /// A bug or an environment problem on our side, not the file's fault.
    #[error("internal media error: {0}")]
    Internal(String),
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
            MediaError::ImageTooLarge { .. } => "image-too-large",
            MediaError::ImageCorrupt(_) => "image-corrupt",
            MediaError::ImageTruncated(_) => "image-truncated",
            MediaError::ImageUnsupported(_) => "image-unsupported",
            MediaError::ArticleCorrupt(_) => "article-corrupt",
            MediaError::ArticleTooLarge(_) => "article-too-large",
            MediaError::ArticleUnsupported(_) => "article-unsupported",
            MediaError::Internal(_) => "internal",
        }
    }
}
