//! Plain text and Markdown: UTF-8 (BOM or not), UTF-16 with a BOM, or GB18030/GBK (what Chinese
//! Windows saves), converted to UTF-8.

use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use super::{ArticleLimits, Block, Document, MAX_TEXT_BYTES, sanitize};
use crate::MediaError;

/// Decodes text bytes; `None` when they are none of the accepted encodings.
pub fn decode(bytes: &[u8]) -> Option<(String, &'static str)> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest)
            .ok()
            .map(|t| (t.to_owned(), "utf-8"));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        let (text, _, bad) = UTF_16LE.decode(bytes);
        return (!bad).then(|| (text.into_owned(), "utf-16"));
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let (text, _, bad) = UTF_16BE.decode(bytes);
        return (!bad).then(|| (text.into_owned(), "utf-16"));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some((text.to_owned(), "utf-8"));
    }
    GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| (text.into_owned(), "gb18030"))
}

fn decoded(bytes: &[u8]) -> Result<(String, &'static str), MediaError> {
    if bytes.len() as u64 > MAX_TEXT_BYTES {
        return Err(MediaError::ArticleTooLarge(format!(
            "text articles are limited to {MAX_TEXT_BYTES} bytes"
        )));
    }
    decode(bytes).ok_or_else(|| {
        MediaError::ArticleCorrupt("the text is neither UTF-8, UTF-16 nor GB18030/GBK".to_owned())
    })
}

pub fn extract_plain(bytes: &[u8]) -> Result<Document, MediaError> {
    let (text, encoding) = decoded(bytes)?;
    let text = text.replace("\r\n", "\n");
    let blocks = text
        .split("\n\n")
        .flat_map(|chunk| {
            // Chinese texts often put one paragraph per line, with no blank line between.
            let lines: Vec<&str> = chunk
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            lines
                .into_iter()
                .map(|l| Block::Paragraph(l.to_owned()))
                .collect::<Vec<_>>()
        })
        .collect();
    Ok(Document {
        format: "text",
        encoding: Some(encoding),
        blocks,
        ..Document::default()
    })
}

pub fn extract_markdown(bytes: &[u8], limits: &ArticleLimits) -> Result<Document, MediaError> {
    let (text, encoding) = decoded(bytes)?;
    let mut rendered = String::new();
    pulldown_cmark::html::push_html(&mut rendered, Parser::new(&text));
    // Nested quotes and lists become nested elements for the sanitiser.
    super::html_guard::check_depth(&rendered, limits.max_html_depth)?;
    let mut blocks = Vec::new();
    let mut current = String::new();
    let mut heading: Option<u8> = None;
    for event in Parser::new(&text) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some(heading_number(level));
                current.clear();
            }
            Event::Start(Tag::Paragraph | Tag::Item) => current.clear(),
            Event::Text(t) | Event::Code(t) => current.push_str(&t),
            Event::SoftBreak | Event::HardBreak => current.push('\n'),
            Event::End(TagEnd::Heading(_)) => {
                blocks.push(Block::Heading(
                    heading.take().unwrap_or(1),
                    std::mem::take(&mut current),
                ));
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item) if !current.trim().is_empty() => {
                blocks.push(Block::Paragraph(std::mem::take(&mut current)));
            }
            _ => {}
        }
    }
    Ok(Document {
        format: "markdown",
        encoding: Some(encoding),
        blocks,
        images: Vec::new(),
        html: Some(sanitize(&rendered)),
    })
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_text_is_converted() {
        let (bytes, _, _) = GB18030.encode("山东省职业教育活动周");
        let (text, encoding) = decode(&bytes).unwrap();
        assert_eq!(text, "山东省职业教育活动周");
        assert_eq!(encoding, "gb18030");
        assert_eq!(decode("技能".as_bytes()).unwrap().1, "utf-8");
    }

    #[test]
    fn markdown_headings_and_html_are_kept_safe() {
        let doc = extract_markdown(
            "# 开幕式\n\n正文<script>alert(1)</script>".as_bytes(),
            &ArticleLimits::default(),
        )
        .unwrap();
        assert_eq!(doc.blocks[0], Block::Heading(1, "开幕式".to_owned()));
        let html = doc.html.unwrap();
        assert!(html.contains("<h1>开幕式</h1>"));
        assert!(!html.contains("script"));
    }
}
