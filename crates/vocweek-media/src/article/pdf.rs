//! PDF articles: their text (pdf-extract). A first-page picture would need a PDF renderer
//! (pdfium, poppler), which this build does not carry.

use super::{ArticleLimits, Block, Document, pdf_guard};
use crate::MediaError;

pub fn extract(bytes: &[u8], limits: &ArticleLimits) -> Result<Document, MediaError> {
    // pdf-extract (lopdf) parses nested arrays and dictionaries recursively and inflates
    // streams without limit: what would overflow the stack or exhaust memory is refused first.
    pdf_guard::check(bytes, limits)?;
    // pdf-extract panics on some malformed files: a panic here is a corrupt PDF, not a crash.
    let extracted = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(bytes))
        .map_err(|_| MediaError::ArticleCorrupt("the PDF cannot be read".to_owned()))?
        .map_err(|e| MediaError::ArticleCorrupt(format!("the PDF cannot be read: {e}")))?;
    let extracted = cut_text(extracted, limits.max_extracted_text_bytes);
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

/// Keeps at most `max` bytes of `text` (`articles.max_extracted_text`), cut at a character
/// boundary: a longer text is shortened, not refused.
fn cut_text(mut text: String, max: u64) -> String {
    let Ok(max) = usize::try_from(max) else {
        return text;
    };
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    tracing::warn!(
        extracted = text.len(),
        kept = end,
        "the PDF's text is cut at articles.max_extracted_text"
    );
    text.truncate(end);
    text
}

#[cfg(test)]
mod tests {
    use super::super::pdf_guard::tests::{pdf, small_pdf};
    use super::*;

    #[test]
    fn text_is_cut_at_a_character_boundary() {
        assert_eq!(cut_text("技能周".to_owned(), 4), "技");
        assert_eq!(cut_text("技能周".to_owned(), 6), "技能");
        assert_eq!(cut_text("技能周".to_owned(), 9), "技能周");
        assert_eq!(cut_text("abc".to_owned(), 0), "");
    }

    #[test]
    fn a_small_pdf_is_read_and_its_text_capped() {
        let file = small_pdf("Hello world");
        let document = extract(&file, &ArticleLimits::default()).unwrap();
        let text: Vec<String> = document
            .blocks
            .iter()
            .filter_map(|block| match block {
                Block::Paragraph(text) => Some(text.clone()),
                _ => None,
            })
            .collect();
        assert!(text.join(" ").contains("Hello"), "{text:?}");
        let capped = ArticleLimits {
            max_extracted_text_bytes: 3,
            ..ArticleLimits::default()
        };
        let document = extract(&file, &capped).unwrap();
        let length: usize = document
            .blocks
            .iter()
            .map(|block| match block {
                Block::Paragraph(text) | Block::Heading(_, text) => text.len(),
                Block::Image(_) => 0,
            })
            .sum();
        assert!(length <= 3, "{:?}", document.blocks);
    }

    #[test]
    fn a_deeply_nested_pdf_is_refused_before_pdf_extract() {
        // Without the guard, lopdf's recursion would overflow the stack and abort the tests.
        let mut deep = "[".repeat(100_000);
        deep.push_str(&"]".repeat(100_000));
        let file = pdf(&[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [] /Count 0 /Deep 3 0 R >>".to_vec(),
            deep.into_bytes(),
        ]);
        assert!(matches!(
            extract(&file, &ArticleLimits::default()),
            Err(MediaError::ArticleCorrupt(_))
        ));
    }
}
