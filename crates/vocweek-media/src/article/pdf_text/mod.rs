//! Our own text extraction over lopdf, for PDFs pdf-extract cannot read.
//!
//! Why: pdf-extract 0.7.12 builds a `PdfCIDFont` for every composite (/Type0) font, and
//! `PdfCIDFont::new` asserts that a /Encoding name is `Identity-H` (`assert!(name ==
//! "Identity-H")`), so the predefined CJK CMaps that Chinese PDFs use with the non-embedded
//! standard fonts (`/BaseFont /STSong-Light /Encoding /UniGB-UCS2-H`, …) make it panic; so do
//! a few other font forms and self-drawing forms (`unreadable`). [`pdf_extract_cannot_read`]
//! finds them before pdf-extract runs, so that the panic (and its backtrace in the log) never
//! happens, and [`extract`] reads the text instead. `pdf.rs` also falls back on it when
//! pdf-extract fails or panics on anything else.
//!
//! `content` walks the pages' content streams (text operators, positions → line breaks),
//! `fonts` turns codes into text (predefined CMaps, /ToUnicode, simple encodings), `cmap` reads
//! embedded CMaps. Memory: content streams were counted by `pdf_guard`, and the text stops at
//! `articles.max_extracted_text`.

mod cmap;
mod content;
mod fonts;
mod unreadable;

use pdf_extract::Document;

use content::Walker;
pub(crate) use unreadable::pdf_extract_cannot_read;

/// The text of `pdf`'s pages, at most `max_bytes` of it.
pub(crate) fn extract(pdf: &Document, max_bytes: u64) -> String {
    let mut walker = Walker::new(pdf, usize::try_from(max_bytes).unwrap_or(usize::MAX));
    for page in pdf.page_iter() {
        walker.page(page);
        if walker.full() {
            break;
        }
    }
    walker.finish()
}

/// A character of a CJK script (Han, kana, Hangul, their punctuation and full-width forms):
/// no space goes between two of them.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(
        u32::from(c),
        0x1100..=0x11FF
            | 0x2E80..=0x9FFF
            | 0xA960..=0xA97F
            | 0xAC00..=0xD7FF
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFFEF
            | 0x20000..=0x3FFFF
    )
}

#[cfg(test)]
mod tests;
