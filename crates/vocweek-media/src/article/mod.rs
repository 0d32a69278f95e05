//! Articles: readable text, a sanitised HTML preview, a character count, the first heading (a
//! title when the upload gave none) and, for Word documents, the embedded pictures — which the
//! pipeline turns into photo assets of their own.

mod docx;
mod html;
mod html_guard;
mod pdf;
mod pdf_crypt;
mod pdf_guard;
mod pdf_objects;
mod pdf_text;
mod text;

use serde::Serialize;

use crate::MediaError;

/// The largest text or HTML article, and the default of [`ArticleLimits::max_text_bytes`].
pub const MAX_TEXT_BYTES: u64 = 64 * 1024 * 1024;

/// Caps that keep a hostile document (a zip bomb, a flate bomb, arrays nested a hundred thousand
/// deep) from exhausting memory or the stack; see `[articles]` in the configuration. A refusal
/// names the cap it hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ArticleLimits {
    /// Largest Word `document.xml` (or its relationships), in bytes once inflated.
    pub max_text_bytes: u64,
    /// Pictures kept from one Word document; the rest are ignored.
    pub max_images: usize,
    /// Largest picture in a Word document, in bytes once inflated.
    pub max_image_bytes: u64,
    /// Parts (zip entries) a Word document may have.
    pub max_zip_entries: usize,
    /// Bytes all the parts read from one Word document may inflate to, together.
    pub max_inflated_bytes: u64,
    /// How deep a PDF may nest arrays and dictionaries (pdf-extract parses them recursively).
    pub max_pdf_depth: u32,
    /// Indirect objects one PDF may have.
    pub max_pdf_objects: u64,
    /// Bytes all the compressed streams of one PDF may inflate to, together.
    pub max_pdf_inflated_bytes: u64,
    /// Text kept from a PDF; what is beyond is cut (at a character boundary), not refused.
    pub max_extracted_text_bytes: u64,
    /// How deep HTML (and Markdown's HTML) may nest elements.
    pub max_html_depth: u32,
}

impl Default for ArticleLimits {
    fn default() -> Self {
        ArticleLimits {
            max_text_bytes: MAX_TEXT_BYTES,
            max_images: 200,
            max_image_bytes: 50 * 1024 * 1024,
            max_zip_entries: 10_000,
            max_inflated_bytes: 256 * 1024 * 1024,
            max_pdf_depth: 256,
            max_pdf_objects: 1_000_000,
            max_pdf_inflated_bytes: 256 * 1024 * 1024,
            max_extracted_text_bytes: 16 * 1024 * 1024,
            max_html_depth: 512,
        }
    }
}

/// A picture found inside a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedImage {
    /// Its name inside the document (`media/image1.png`).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What an article yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleOutput {
    pub facts: ArticleFacts,
    /// Plain text, paragraphs separated by blank lines.
    pub text: String,
    /// A sanitised HTML fragment (no scripts, styles, event handlers or remote content).
    pub html: String,
    pub images: Vec<EmbeddedImage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArticleFacts {
    /// `docx`, `pdf`, `markdown`, `text` or `html`.
    pub format: &'static str,
    /// The text encoding of a text file (`utf-8`, `utf-16`, `gb18030`).
    pub encoding: Option<&'static str>,
    /// Characters that are not whitespace: the measure for Chinese text, which has no words.
    pub characters: usize,
    /// The first heading, if any.
    pub first_heading: Option<String>,
    pub paragraphs: usize,
    pub images: usize,
}

/// Extracts an article. `mime` is the sniffed type; `limits` bound what a Word document or a
/// PDF may cost. Blocking; run it off the async executor.
pub fn process_article(
    bytes: &[u8],
    mime: &str,
    limits: &ArticleLimits,
) -> Result<ArticleOutput, MediaError> {
    let document = match mime {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
            docx::extract(bytes, limits)?
        }
        "application/pdf" => pdf::extract(bytes, limits)?,
        "text/html" => html::extract(bytes, limits)?,
        "text/markdown" => text::extract_markdown(bytes, limits)?,
        "text/plain" => text::extract_plain(bytes)?,
        other => {
            return Err(MediaError::ArticleUnsupported(format!(
                "{other} is not an article format"
            )));
        }
    };
    Ok(document.finish())
}

/// A document being assembled: paragraphs (with heading levels) and images.
#[derive(Debug, Default)]
pub(crate) struct Document {
    pub format: &'static str,
    pub encoding: Option<&'static str>,
    pub blocks: Vec<Block>,
    pub images: Vec<EmbeddedImage>,
    /// A ready sanitised HTML preview (Markdown, HTML); otherwise built from the blocks.
    pub html: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Block {
    Heading(u8, String),
    Paragraph(String),
    /// The n-th embedded image (0-based) stands here.
    Image(usize),
}

impl Document {
    fn finish(self) -> ArticleOutput {
        let mut text = String::new();
        let mut html = String::new();
        let mut paragraphs = 0;
        let mut first_heading = None;
        for block in &self.blocks {
            match block {
                Block::Heading(_, content) | Block::Paragraph(content)
                    if !content.trim().is_empty() =>
                {
                    let content = content.trim();
                    if !text.is_empty() {
                        text.push_str("\n\n");
                    }
                    text.push_str(content);
                    paragraphs += 1;
                    if let Block::Heading(level, _) = block {
                        if first_heading.is_none() {
                            first_heading = Some(content.to_owned());
                        }
                        let level = (*level).clamp(1, 6);
                        html.push_str(&format!("<h{level}>{}</h{level}>\n", escape(content)));
                    } else {
                        html.push_str(&format!("<p>{}</p>\n", escape(content)));
                    }
                }
                Block::Image(index) => {
                    html.push_str(&format!(
                        "<p class=\"embedded-image\">[图 {}]</p>\n",
                        index + 1
                    ));
                }
                _ => {}
            }
        }
        let html = self.html.unwrap_or(html);
        ArticleOutput {
            facts: ArticleFacts {
                format: self.format,
                encoding: self.encoding,
                characters: text.chars().filter(|c| !c.is_whitespace()).count(),
                first_heading,
                paragraphs,
                images: self.images.len(),
            },
            text,
            html,
            images: self.images,
        }
    }
}

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The sanitiser for every HTML we show: ammonia's safe defaults, no remote images.
pub(crate) fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .rm_tags(&["img"])
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_counted_in_characters() {
        let out = process_article(
            "技能：让生活更美好\n\n职业教育 活动周".as_bytes(),
            "text/plain",
            &ArticleLimits::default(),
        )
        .unwrap();
        assert_eq!(out.facts.characters, 16, "9 + 4 + 3, spaces not counted");
        assert_eq!(out.facts.paragraphs, 2);
    }
}
