//! HTML articles: sanitised for the preview (ammonia), rendered to text for reading and counting.
//! Inline SVG (charts, icons) is dropped whole, scripts and all: it is neither refused nor kept.

mod charset;

use super::{ArticleLimits, Block, Document, MAX_TEXT_BYTES, html_guard, text};
use crate::MediaError;

pub fn extract(bytes: &[u8], limits: &ArticleLimits) -> Result<Document, MediaError> {
    if bytes.len() as u64 > MAX_TEXT_BYTES {
        return Err(MediaError::ArticleTooLarge(format!(
            "HTML articles are limited to {MAX_TEXT_BYTES} bytes"
        )));
    }
    let declared = charset::declared_encoding(bytes);
    let (source, encoding) = text::decode_declared(bytes, declared).ok_or_else(|| {
        MediaError::ArticleCorrupt(
            "the HTML is neither UTF-8, its declared encoding, GB18030 nor Big5".to_owned(),
        )
    })?;
    html_guard::check_depth(&source, limits.max_html_depth)?;
    let safe = sanitize_page(&source);
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

/// The articles' sanitiser (`article::sanitize`: ammonia's safe defaults, no remote images),
/// with each inline `<svg>` removed together with everything inside it. Ammonia alone would
/// drop the SVG elements and their scripts but keep their text, so a chart's axis labels and
/// legend would run into the article's text; the HTML parser (not a scan of the text) decides
/// where the SVG ends.
fn sanitize_page(html: &str) -> String {
    ammonia::Builder::default()
        .rm_tags(&["img"])
        .add_clean_content_tags(&["svg"])
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::super::process_article;
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

    #[test]
    fn inline_svg_is_dropped_with_its_scripts_and_the_article_kept() {
        let page = "<!DOCTYPE html><html><body><h1>职业教育活动周</h1>\
                    <p>第一段：开幕式在济南举行。</p>\
                    <svg width=\"100\" height=\"50\"><script>alert(1)</script>\
                    <text x=\"0\" y=\"20\">图表</text>\
                    <a href=\"javascript:alert(2)\"><circle r=\"5\" onclick=\"alert(3)\"/></a></svg>\
                    <p>第二段：<svg viewBox=\"0 0 10 10\"><path d=\"M0 0h10\"/></svg>展示了学生作品。</p>\
                    </body></html>";
        let doc = extract(page.as_bytes(), &ArticleLimits::default()).unwrap();
        assert_eq!(
            doc.blocks,
            vec![
                Block::Heading(1, "职业教育活动周".to_owned()),
                Block::Paragraph("第一段：开幕式在济南举行。".to_owned()),
                Block::Paragraph("第二段：展示了学生作品。".to_owned()),
            ]
        );
        let html = doc.html.unwrap();
        for gone in ["svg", "script", "alert", "javascript", "onclick", "图表"] {
            assert!(!html.contains(gone), "{gone} in {html}");
        }
        // Through the public entry point: accepted, paragraphs kept, nothing of the SVG.
        let out = process_article(page.as_bytes(), "text/html", &ArticleLimits::default()).unwrap();
        assert_eq!(out.facts.paragraphs, 3);
        assert!(out.text.contains("第一段") && out.text.contains("展示了学生作品"));
        for gone in ["alert", "图表", "script"] {
            assert!(
                !out.text.contains(gone) && !out.html.contains(gone),
                "{gone}"
            );
        }
    }

    #[test]
    fn the_declared_encoding_is_used_unless_the_bytes_are_utf_8() {
        let page =
            "<html><head><meta charset=\"big5\"></head><body><p>職業教育活動週</p></body></html>";
        let (big5, _, _) = encoding_rs::BIG5.encode(page);
        let doc = extract(&big5, &ArticleLimits::default()).unwrap();
        assert_eq!(doc.encoding, Some("big5"));
        assert_eq!(
            doc.blocks,
            vec![Block::Paragraph("職業教育活動週".to_owned())]
        );
        // Saved as UTF-8 but still declaring GBK: the bytes win.
        let page = "<html><head><meta charset=gbk></head><body><p>职业教育活动周</p></body></html>";
        let doc = extract(page.as_bytes(), &ArticleLimits::default()).unwrap();
        assert_eq!(doc.encoding, Some("utf-8"));
        assert_eq!(
            doc.blocks,
            vec![Block::Paragraph("职业教育活动周".to_owned())]
        );
    }
}
