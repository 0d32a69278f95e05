//! Plain text and Markdown: UTF-8 (BOM or not), UTF-16 with a BOM, GB18030/GBK (what Chinese
//! Windows saves) or Big5 (Taiwan and Hong Kong), converted to UTF-8.

mod legacy_chinese;

use encoding_rs::{BIG5, Encoding, GB18030, GBK, UTF_8};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use super::{ArticleLimits, Block, Document, MAX_TEXT_BYTES, sanitize};
use crate::MediaError;

/// Decodes text bytes; `None` when they are none of the accepted encodings.
pub fn decode(bytes: &[u8]) -> Option<(String, &'static str)> {
    decode_declared(bytes, None)
}

/// As [`decode`], trying the encoding a document declares (an HTML page's `<meta charset>`)
/// before telling GB18030 from Big5 by the text. A byte order mark, or bytes that are valid
/// UTF-8, win over the declaration: pages converted to UTF-8 often keep their old
/// `<meta charset=gbk>`.
pub fn decode_declared(
    bytes: &[u8],
    declared: Option<&'static Encoding>,
) -> Option<(String, &'static str)> {
    // A file cut in transfer may end inside a character (up to 3 bytes of one): the text
    // before it is still the text, so the cut character is dropped rather than the file
    // refused or read in a wrong encoding.
    (0..4).find_map(|cut| decode_whole(bytes.get(..bytes.len().checked_sub(cut)?)?, declared))
}

fn decode_whole(
    bytes: &[u8],
    declared: Option<&'static Encoding>,
) -> Option<(String, &'static str)> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, malformed) = encoding.decode_without_bom_handling(bytes.get(bom_len..)?);
        return (!malformed).then(|| (text.into_owned(), name(encoding)));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => return Some((text.to_owned(), "utf-8")),
        // Valid UTF-8 up to a character the end cut short (not GB18030 to guess at).
        Err(e) if e.error_len().is_none() => {
            let text = std::str::from_utf8(bytes.get(..e.valid_up_to())?).ok()?;
            return Some((text.to_owned(), "utf-8"));
        }
        Err(_) => {}
    }
    // A declared UTF-8 or UTF-16 was just disproved (UTF-16 is never declared in earnest).
    if let Some(encoding) = declared.filter(|encoding| encoding.output_encoding() != UTF_8)
        && let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(bytes)
    {
        return Some((text.into_owned(), name(encoding)));
    }
    legacy_chinese::decode(bytes)
}

/// The name in `ArticleFacts::encoding`. GBK is decoded as GB18030, which contains it.
fn name(encoding: &'static Encoding) -> &'static str {
    if encoding == UTF_8 {
        "utf-8"
    } else if encoding == GB18030 || encoding == GBK {
        "gb18030"
    } else if encoding == BIG5 {
        "big5"
    } else if encoding.output_encoding() == UTF_8 {
        "utf-16"
    } else {
        encoding.name()
    }
}

fn decoded(bytes: &[u8]) -> Result<(String, &'static str), MediaError> {
    if bytes.len() as u64 > MAX_TEXT_BYTES {
        return Err(MediaError::ArticleTooLarge(format!(
            "text articles are limited to {MAX_TEXT_BYTES} bytes"
        )));
    }
    decode(bytes).ok_or_else(|| {
        MediaError::ArticleCorrupt(
            "the text is neither UTF-8, UTF-16, GB18030/GBK nor Big5".to_owned(),
        )
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
    fn a_character_cut_by_the_end_of_the_file_is_dropped() {
        let utf8 = "职业教育活动周".as_bytes();
        for cut in 1..3 {
            let (text, encoding) = decode(&utf8[..utf8.len() - cut]).unwrap();
            assert_eq!((text.as_str(), encoding), ("职业教育活动", "utf-8"));
        }
        let (gbk, _, _) = GB18030.encode("职业教育活动周");
        let (text, encoding) = decode(&gbk[..gbk.len() - 1]).unwrap();
        assert_eq!((text.as_str(), encoding), ("职业教育活动", "gb18030"));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("职业教育活动周".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let (text, encoding) = decode(&utf16[..utf16.len() - 1]).unwrap();
        assert_eq!((text.as_str(), encoding), ("职业教育活动", "utf-16"));
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
