//! Articles: readable text, a sanitised HTML preview, a character count, the first heading (a
//! title when the upload gave none) and, for Word documents, the embedded pictures — which the
//! pipeline turns into photo assets of their own.

mod docx;
mod html;
mod pdf;
mod text;

use serde::Serialize;

use crate::MediaError;

/// Limits that keep a hostile document (a zip bomb, a huge text) from exhausting memory.
pub const MAX_TEXT_BYTES: u64 = 64 * 1024 * 1024;
pub const MAX_IMAGES: usize = 200;
pub const MAX_IMAGE_BYTES: u64 = 50 * 1024 * 1024;

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

/// Extracts an article. `mime` is the sniffed type. Blocking; run it off the async executor.
pub fn process_article(bytes: &[u8], mime: &str) -> Result<ArticleOutput, MediaError> {
    let document = match mime {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
            docx::extract(bytes)?
        }
        "application/pdf" => pdf::extract(bytes)?,
        "text/html" => html::extract(bytes)?,
        "text/markdown" => text::extract_markdown(bytes)?,
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
        )
        .unwrap();
        assert_eq!(out.facts.characters, 16, "9 + 4 + 3, spaces not counted");
        assert_eq!(out.facts.paragraphs, 2);
    }
}
