//! PDF articles: their text (pdf-extract). A first-page picture would need a PDF renderer
//! (pdfium, poppler), which this build does not carry.

use super::{Block, Document};
use crate::MediaError;

pub fn extract(bytes: &[u8]) -> Result<Document, MediaError> {
    // pdf-extract panics on some malformed files: a panic here is a corrupt PDF, not a crash.
    let extracted = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(bytes))
        .map_err(|_| MediaError::ArticleCorrupt("the PDF cannot be read".to_owned()))?
        .map_err(|e| MediaError::ArticleCorrupt(format!("the PDF cannot be read: {e}")))?;
    let blocks = extracted
        .replace("\r\n", "\n")
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .map(Block::Paragraph)
        .collect();
    Ok(Document {
        format: "pdf",
        blocks,
        ..Document::default()
    })
}
