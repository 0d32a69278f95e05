//! PDF articles: their text. The guard (`pdf_guard`) runs first; lopdf loads the document;
//! an encrypted one is decrypted with the empty user password (`pdf_crypt`: lopdf 0.34 cannot
//! decrypt AES); pdf-extract reads the text, except from documents whose fonts make it panic
//! (CJK fonts with a predefined CMap), which our own extractor (`pdf_text`) reads, as it does
//! any document pdf-extract fails on. A first-page picture would need a PDF renderer (pdfium,
//! poppler), which this build does not carry.

use std::fmt::Display;
use std::panic::{AssertUnwindSafe, catch_unwind};

use super::{ArticleLimits, Block, Document, pdf_crypt, pdf_guard, pdf_text};
use crate::MediaError;

pub fn extract(bytes: &[u8], limits: &ArticleLimits) -> Result<Document, MediaError> {
    // pdf-extract (lopdf) parses nested arrays and dictionaries recursively and inflates
    // streams without limit: what would overflow the stack or exhaust memory is refused first.
    let mut tally = pdf_guard::check(bytes, limits)?;
    let mut pdf = load(bytes)?;
    // An encrypted document's streams were ciphertext to the guard: each is checked against
    // the same caps (`tally`) as it is decrypted. A panic in lopdf's object stream parser is a
    // corrupt PDF, as in `load`.
    catch_unwind(AssertUnwindSafe(|| {
        pdf_crypt::decrypt(&mut pdf, bytes, &mut tally)
    }))
    .map_err(|_| unreadable(None))??;
    let extracted = cut_text(text(&pdf, limits)?, limits.max_extracted_text_bytes);
    let blocks = extracted
        .replace("\r\n", "\n")
        .split("\n\n")
        .map(join_lines)
        .filter(|p| !p.is_empty())
        .map(Block::Paragraph)
        .collect();
    Ok(Document {
        format: "pdf",
        blocks,
        ..Document::default()
    })
}

/// lopdf's document. pdf-extract and lopdf panic on some malformed files: a panic here is a
/// corrupt PDF, not a crash.
fn load(bytes: &[u8]) -> Result<pdf_extract::Document, MediaError> {
    catch_unwind(|| pdf_extract::Document::load_mem(bytes))
        .map_err(|_| unreadable(None))?
        .map_err(|e| unreadable(Some(&e)))
}

fn unreadable(reason: Option<&dyn Display>) -> MediaError {
    MediaError::ArticleCorrupt(match reason {
        Some(reason) => format!("the PDF cannot be read: {reason}"),
        None => "the PDF cannot be read".to_owned(),
    })
}

/// The document's text: pdf-extract's, or our own extractor's where pdf-extract cannot read it.
fn text(pdf: &pdf_extract::Document, limits: &ArticleLimits) -> Result<String, MediaError> {
    if pdf_text::pdf_extract_cannot_read(pdf) {
        // Its fonts (or self-drawing forms) would make pdf-extract panic (or overflow the
        // stack): chosen before, so that no panic (and no backtrace in the log) happens.
        return Ok(pdf_text::extract(pdf, limits.max_extracted_text_bytes));
    }
    let mut text = String::new();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut output = pdf_extract::PlainTextOutput::new(&mut text);
        pdf_extract::output_doc(pdf, &mut output)
    }));
    let failure = match outcome {
        Ok(Ok(())) => return Ok(text),
        Ok(Err(e)) => unreadable(Some(&e)),
        Err(_) => unreadable(None),
    };
    // pdf-extract also panics on other things than fonts (an unexpected operand, a colour
    // space): what our extractor reads is better than a refusal, when it reads anything.
    let own = pdf_text::extract(pdf, limits.max_extracted_text_bytes);
    if own.trim().is_empty() {
        return Err(failure);
    }
    tracing::warn!(%failure, "pdf-extract could not read the PDF; its text comes from our own extractor");
    Ok(own)
}

/// One paragraph's lines as one line: words joined by a space, except between two CJK
/// characters (a Chinese sentence broken across lines has no space at the break).
fn join_lines(paragraph: &str) -> String {
    let mut joined = String::new();
    for word in paragraph.split_whitespace() {
        let cjk_break = joined.chars().next_back().is_some_and(pdf_text::is_cjk)
            && word.chars().next().is_some_and(pdf_text::is_cjk);
        if !joined.is_empty() && !cjk_break {
            joined.push(' ');
        }
        joined.push_str(word);
    }
    joined
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
    fn lines_are_joined_without_spaces_between_cjk_characters() {
        assert_eq!(join_lines("职业教育\n活动周"), "职业教育活动周");
        assert_eq!(join_lines("Hello\n  world"), "Hello world");
        assert_eq!(join_lines("活动周\n2025 年"), "活动周 2025 年");
        assert_eq!(join_lines(" \n "), "");
    }

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
