//! HTML articles: sanitised for the preview (ammonia), rendered to text for reading and counting.

use super::{ArticleLimits, Block, Document, MAX_TEXT_BYTES, html_guard, sanitize, text};
use crate::MediaError;

pub fn extract(bytes: &[u8], limits: &ArticleLimits) -> Result<Document, MediaError> {
    if bytes.len() as u64 > MAX_TEXT_BYTES {
        return Err(MediaError::ArticleTooLarge(format!(
            "HTML articles are limited to {MAX_TEXT_BYTES} bytes"
        )));
    }
    let (source, encoding) = text::decode(bytes).ok_or_else(|| {
        MediaError::ArticleCorrupt("the HTML is neither UTF-8 nor GB18030".to_owned())
    })?;
    html_guard::check_depth(&source, limits.max_html_depth)?;
    let safe = sanitize(&source);
    let rendered = html2text::from_read(safe.as_bytes(), 100_000)
        .map_err(|e| MediaError::ArticleCorrupt(format!("the HTML cannot be read: {e}")))?;
    let mut blocks = Vec::new();
    for paragraph in rendered.split("\n\n") {
        let line = paragraph.trim();
        if line.is_empty() {
            continue;
        }
        // html2text writes headings as Markdown-style "# Title".
        let hashes = line.chars().take_while(|c| *c == '#').count();
        if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
            blocks.push(Block::Heading(
                hashes as u8,
                line[hashes..].trim().to_owned(),
            ));
        } else {
            blocks.push(Block::Paragraph(line.to_owned()));
        }
    }
    Ok(Document {
        format: "html",
        encoding: Some(encoding),
        blocks,
        images: Vec::new(),
        html: Some(safe),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_handlers_are_removed() {
        let doc = extract(
            b"<html><body><h1>Title</h1><p onclick=\"x()\">Hello <b>there</b></p><script>evil()</script></body></html>",
            &ArticleLimits::default(),
        )
        .unwrap();
        let html = doc.html.unwrap();
        assert!(!html.contains("script") && !html.contains("onclick"));
        assert_eq!(doc.blocks[0], Block::Heading(1, "Title".to_owned()));
    }
}
