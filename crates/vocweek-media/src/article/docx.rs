//! Word documents (.docx): paragraphs and headings from `word/document.xml`, pictures from
//! `word/media/` in the order the text shows them.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use zip::ZipArchive;

use super::{Block, Document, EmbeddedImage, MAX_IMAGE_BYTES, MAX_IMAGES, MAX_TEXT_BYTES};
use crate::MediaError;

fn corrupt(message: impl std::fmt::Display) -> MediaError {
    MediaError::ArticleCorrupt(format!("the Word document cannot be read: {message}"))
}

pub fn extract(bytes: &[u8]) -> Result<Document, MediaError> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    let body = read_entry(&mut archive, "word/document.xml", MAX_TEXT_BYTES)?
        .ok_or_else(|| corrupt("it has no word/document.xml"))?;
    let relations = match read_entry(&mut archive, "word/_rels/document.xml.rels", MAX_TEXT_BYTES)?
    {
        Some(xml) => relationships(&xml)?,
        None => HashMap::new(),
    };
    let (blocks, image_ids) = walk(&body)?;
    let mut images = Vec::new();
    let mut index_of: HashMap<String, usize> = HashMap::new();
    for id in &image_ids {
        if index_of.contains_key(id) || images.len() >= MAX_IMAGES {
            continue;
        }
        let Some(target) = relations.get(id) else {
            continue;
        };
        let path = if let Some(absolute) = target.strip_prefix('/') {
            absolute.to_owned()
        } else {
            format!("word/{target}")
        };
        if let Some(bytes) = read_entry(&mut archive, &path, MAX_IMAGE_BYTES)? {
            index_of.insert(id.clone(), images.len());
            images.push(EmbeddedImage {
                name: target.clone(),
                bytes,
            });
        }
    }
    // Image blocks refer to rel ids while walking; renumber them by extracted picture.
    let blocks = blocks
        .into_iter()
        .filter_map(|block| match block {
            WalkBlock::Text(block) => Some(block),
            WalkBlock::Image(id) => index_of.get(&id).map(|i| Block::Image(*i)),
        })
        .collect();
    Ok(Document {
        format: "docx",
        blocks,
        images,
        ..Document::default()
    })
}

/// Reads one zip entry, refusing entries that inflate beyond `limit` (zip bombs).
fn read_entry(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limit: u64,
) -> Result<Option<Vec<u8>>, MediaError> {
    let entry = match archive.by_name(name) {
        Ok(entry) => entry,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(corrupt(e)),
    };
    if entry.size() > limit {
        return Err(MediaError::ArticleTooLarge(format!(
            "{name} inflates to {} bytes (limit {limit})",
            entry.size()
        )));
    }
    let mut bytes = Vec::new();
    entry
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(corrupt)?;
    if bytes.len() as u64 > limit {
        return Err(MediaError::ArticleTooLarge(format!(
            "{name} is larger than {limit} bytes"
        )));
    }
    Ok(Some(bytes))
}

fn attribute(element: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// `rId → target` from the document's relationships.
fn relationships(xml: &[u8]) -> Result<HashMap<String, String>, MediaError> {
    let mut reader = Reader::from_reader(xml);
    let mut buffer = Vec::new();
    let mut map = HashMap::new();
    loop {
        match reader.read_event_into(&mut buffer).map_err(corrupt)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"Relationship" => {
                if let (Some(id), Some(target)) = (attribute(&e, b"Id"), attribute(&e, b"Target")) {
                    map.insert(id, target);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    Ok(map)
}

enum WalkBlock {
    Text(Block),
    Image(String),
}

/// A heading level from a paragraph style: `Heading1`…`Heading9` (English Word, LibreOffice),
/// `1`…`9` (Chinese Word's 标题 1…), `Title`.
fn heading_level(style: &str) -> Option<u8> {
    if style.eq_ignore_ascii_case("title") {
        return Some(1);
    }
    let digits = style
        .strip_prefix("Heading")
        .or_else(|| style.strip_prefix("heading"))
        .unwrap_or(style);
    digits.parse::<u8>().ok().filter(|n| (1..=9).contains(n))
}

/// Elements that matter whether written empty (`<a:blip/>`) or with content.
fn element(
    e: &BytesStart<'_>,
    text: &mut String,
    level: &mut Option<u8>,
    blocks: &mut Vec<WalkBlock>,
    images: &mut Vec<String>,
) {
    match e.name().as_ref() {
        b"w:pStyle" => *level = attribute(e, b"w:val").as_deref().and_then(heading_level),
        b"w:tab" => text.push('\t'),
        b"w:br" | b"w:cr" => text.push('\n'),
        b"a:blip" => {
            if let Some(id) = attribute(e, b"r:embed") {
                blocks.push(WalkBlock::Image(id.clone()));
                images.push(id);
            }
        }
        _ => {}
    }
}

fn walk(xml: &[u8]) -> Result<(Vec<WalkBlock>, Vec<String>), MediaError> {
    let mut reader = Reader::from_reader(xml);
    let mut buffer = Vec::new();
    let mut blocks = Vec::new();
    let mut images = Vec::new();
    let mut text = String::new();
    let mut level: Option<u8> = None;
    let mut in_text = false;
    loop {
        match reader.read_event_into(&mut buffer).map_err(corrupt)? {
            Event::Start(e) => match e.name().as_ref() {
                b"w:p" => {
                    text.clear();
                    level = None;
                }
                b"w:t" => in_text = true,
                _ => element(&e, &mut text, &mut level, &mut blocks, &mut images),
            },
            Event::Empty(e) => element(&e, &mut text, &mut level, &mut blocks, &mut images),
            Event::Text(t) if in_text => text.push_str(&t.unescape().map_err(corrupt)?),
            Event::End(e) => match e.name().as_ref() {
                b"w:t" => in_text = false,
                b"w:p" => {
                    let content = std::mem::take(&mut text);
                    blocks.push(WalkBlock::Text(match level.take() {
                        Some(level) => Block::Heading(level, content),
                        None => Block::Paragraph(content),
                    }));
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    Ok((blocks, images))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_styles_of_both_word_languages() {
        assert_eq!(heading_level("Heading1"), Some(1));
        assert_eq!(heading_level("2"), Some(2));
        assert_eq!(heading_level("Title"), Some(1));
        assert_eq!(heading_level("Normal"), None);
    }

    #[test]
    fn not_a_zip_is_corrupt() {
        assert!(matches!(
            extract(b"PK\x03\x04 broken"),
            Err(MediaError::ArticleCorrupt(_))
        ));
    }
}
