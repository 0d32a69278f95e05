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
    /// An old binary Office or WPS document (OLE2 compound file): a frequent upload from
    /// units whose computers still save `.doc`, told apart so the reason can say what to do.
    #[error(
        "old Office/WPS files (.doc, .wps, .xls, .ppt) are not accepted; save the document as .docx or PDF"
    )]
    LegacyOffice,
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
    /// Decoding would hold more memory than `photos.max_decoded` (estimated from the
    /// header: a 16-bit RGBA picture takes 8 bytes a pixel before its RGB copy). Same stable code
    /// as `ImageTooLarge`.
    #[error(
        "decoding this {width}×{height} image needs {} MiB; the limit is {} MiB (photos.max_decoded)",
        .needed.div_ceil(1 << 20),
        .limit / (1 << 20)
    )]
    ImageDecodeBudget {
        width: u32,
        height: u32,
        needed: u64,
        limit: u64,
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
    /// An encrypted PDF that the empty user password does not open (one that only restricts
    /// editing or printing opens with it, as in any reader, and is accepted).
    #[error("the PDF needs a password to open; send it without a password")]
    ArticlePasswordProtected,
    /// The container cannot be opened or parsed (an MP4 cut before its index, not a video).
    #[error("{0}")]
    VideoUnreadable(String),
    #[error("{0}")]
    VideoNoStreams(String),
    #[error("{0}")]
    VideoUnsupportedCodec(String),
    #[error(
        "the video is {width}×{height}; the limit is {max_pixels} pixels and {max_side} px a side"
    )]
    VideoTooLarge {
        width: u32,
        height: u32,
        max_pixels: u64,
        max_side: u32,
    },
    /// Not one picture or sound could be decoded.
    #[error("{0}")]
    VideoCorrupt(String),
    #[error("the transcode was cancelled")]
    Cancelled,
    /// A bug or an environment problem on our side, not the file's fault.
    #[error("internal media error: {0}")]
    Internal(String),
}

impl MediaError {
    /// One error of each kind, for tests that walk every code (the message catalog's).
    pub fn one_of_each() -> Vec<MediaError> {
        let text = String::new;
        let each = vec![
            MediaError::Empty,
            MediaError::Executable,
            MediaError::Svg,
            MediaError::Unsupported(text()),
            MediaError::LegacyOffice,
            MediaError::Changed(text()),
            MediaError::Unreadable(text()),
            MediaError::ImageTooLarge {
                width: 0,
                height: 0,
                max_pixels: 0,
                max_side: 0,
            },
            MediaError::ImageDecodeBudget {
                width: 0,
                height: 0,
                needed: 0,
                limit: 0,
            },
            MediaError::ImageCorrupt(text()),
            MediaError::ImageTruncated(text()),
            MediaError::ImageUnsupported(text()),
            MediaError::ArticleCorrupt(text()),
            MediaError::ArticleTooLarge(text()),
            MediaError::ArticleUnsupported(text()),
            MediaError::ArticlePasswordProtected,
            MediaError::VideoUnreadable(text()),
            MediaError::VideoNoStreams(text()),
            MediaError::VideoUnsupportedCodec(text()),
            MediaError::VideoTooLarge {
                width: 0,
                height: 0,
                max_pixels: 0,
                max_side: 0,
            },
            MediaError::VideoCorrupt(text()),
            MediaError::Cancelled,
            MediaError::Internal(text()),
        ];
        // Written without a wildcard, so that a new variant fails to compile here until it
        // is in the list above too.
        for error in &each {
            match error {
                MediaError::Empty
                | MediaError::Executable
                | MediaError::Svg
                | MediaError::Unsupported(_)
                | MediaError::LegacyOffice
                | MediaError::Changed(_)
                | MediaError::Unreadable(_)
                | MediaError::ImageTooLarge { .. }
                | MediaError::ImageDecodeBudget { .. }
                | MediaError::ImageCorrupt(_)
                | MediaError::ImageTruncated(_)
                | MediaError::ImageUnsupported(_)
                | MediaError::ArticleCorrupt(_)
                | MediaError::ArticleTooLarge(_)
                | MediaError::ArticleUnsupported(_)
                | MediaError::ArticlePasswordProtected
                | MediaError::VideoUnreadable(_)
                | MediaError::VideoNoStreams(_)
                | MediaError::VideoUnsupportedCodec(_)
                | MediaError::VideoTooLarge { .. }
                | MediaError::VideoCorrupt(_)
                | MediaError::Cancelled
                | MediaError::Internal(_) => {}
            }
        }
        each
    }

    pub fn code(&self) -> &'static str {
        match self {
            MediaError::Empty => "empty-file",
            MediaError::Executable => "executable-refused",
            MediaError::Svg => "svg-refused",
            MediaError::Unsupported(_) => "unsupported-media-type",
            MediaError::LegacyOffice => "legacy-office-file",
            MediaError::Changed(_) => "media-changed",
            MediaError::Unreadable(_) => "media-unreadable",
            MediaError::ImageTooLarge { .. } | MediaError::ImageDecodeBudget { .. } => {
                "image-too-large"
            }
            MediaError::ImageCorrupt(_) => "image-corrupt",
            MediaError::ImageTruncated(_) => "image-truncated",
            MediaError::ImageUnsupported(_) => "image-unsupported",
            MediaError::ArticleCorrupt(_) => "article-corrupt",
            MediaError::ArticleTooLarge(_) => "article-too-large",
            MediaError::ArticleUnsupported(_) => "article-unsupported",
            MediaError::ArticlePasswordProtected => "article-password-protected",
            MediaError::VideoUnreadable(_) => "video-unreadable",
            MediaError::VideoNoStreams(_) => "video-no-streams",
            MediaError::VideoUnsupportedCodec(_) => "video-unsupported-codec",
            MediaError::VideoTooLarge { .. } => "video-too-large",
            MediaError::VideoCorrupt(_) => "video-corrupt",
            MediaError::Cancelled => "cancelled",
            MediaError::Internal(_) => "internal",
        }
    }
}
