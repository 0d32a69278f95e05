//! Word documents (.docx): paragraphs and headings from `word/document.xml`, pictures from
//! `word/media/` in the order the text shows them.

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use zip::ZipArchive;

use super::{ArticleLimits, Block, Document, EmbeddedImage};
use crate::MediaError;

fn corrupt(message: impl std::fmt::Display) -> MediaError {
    MediaError::ArticleCorrupt(format!("the Word document cannot be read: {message}"))
}

pub fn extract(bytes: &[u8], limits: &ArticleLimits) -> Result<Document, MediaError> {
    let archive = ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    if archive.len() > limits.max_zip_entries {
        return Err(MediaError::ArticleTooLarge(format!(
            "the Word document has {} parts; the limit is {} (articles.max_zip_entries)",
            archive.len(),
            limits.max_zip_entries
        )));
    }
    let mut parts = Parts {
        archive,
        read: HashSet::new(),
        inflated: 0,
        max_inflated: limits.max_inflated_bytes,
    };
    let body = parts
        .read_named("word/document.xml", limits.max_text_bytes, None)?
        .ok_or_else(|| corrupt("it has no word/document.xml"))?;
    let relations =
        match parts.read_named("word/_rels/document.xml.rels", limits.max_text_bytes, None)? {
            Some(xml) => relationships(&xml)?,
            None => HashMap::new(),
        };
    let (blocks, image_ids) = walk(&body)?;
    drop(body);
    let mut images = Vec::new();
    // rel id → picture, and zip entry → picture: relationships may point many times at one
    // entry, which is read (inflated) once and shown wherever it is referred to.
    let mut index_of: HashMap<String, usize> = HashMap::new();
    let mut picture_of_entry: HashMap<usize, usize> = HashMap::new();
    for id in &image_ids {
        if index_of.contains_key(id) {
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
        let Some(entry) = parts.archive.index_for_name_raw(path.as_bytes()) else {
            continue;
        };
        if let Some(&picture) = picture_of_entry.get(&entry) {
            index_of.insert(id.clone(), picture);
            continue;
        }
        if images.len() >= limits.max_images {
            continue;
        }
        // `None`: the entry was already read as something else (the document itself).
        if let Some(bytes) = parts.read(
            entry,
            &path,
            limits.max_image_bytes,
            Some("articles.max_image"),
        )? {
            picture_of_entry.insert(entry, images.len());
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

/// The archive, and what has been inflated from it: each entry is read at most once, and the
/// bytes read from all of them together are capped (`articles.max_inflated`).
struct Parts<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    read: HashSet<usize>,
    inflated: u64,
    max_inflated: u64,
}

impl Parts<'_> {
    fn read_named(
        &mut self,
        name: &str,
        limit: u64,
        key: Option<&str>,
    ) -> Result<Option<Vec<u8>>, MediaError> {
        match self.archive.index_for_name_raw(name.as_bytes()) {
            Some(index) => self.read(index, name, limit, key),
            None => Ok(None),
        }
    }

    /// Reads entry `index` (called `name`), refusing one that inflates beyond `limit` (whose
    /// configuration key is `key`) or takes the document's total past `max_inflated` (zip
    /// bombs). The declared size is not trusted: at most one byte past the cap is inflated.
    /// `None` when the entry has already been read.
    fn read(
        &mut self,
        index: usize,
        name: &str,
        limit: u64,
        key: Option<&str>,
    ) -> Result<Option<Vec<u8>>, MediaError> {
        if !self.read.insert(index) {
            return Ok(None);
        }
        let left = self.max_inflated.saturating_sub(self.inflated);
        let entry = self.archive.by_index(index).map_err(corrupt)?;
        if entry.size() > limit {
            return Err(part_too_large(name, limit, key));
        }
        if entry.size() > left {
            return Err(total_too_large(self.max_inflated));
        }
        let mut bytes = Vec::new();
        entry
            .take(limit.min(left).saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(corrupt)?;
        let got = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if got > limit {
            return Err(part_too_large(name, limit, key));
        }
        self.inflated = self.inflated.saturating_add(got);
        if self.inflated > self.max_inflated {
            return Err(total_too_large(self.max_inflated));
        }
        Ok(Some(bytes))
    }
}

fn part_too_large(name: &str, limit: u64, key: Option<&str>) -> MediaError {
    MediaError::ArticleTooLarge(match key {
        Some(key) => format!("{name} inflates to more than {limit} bytes ({key})"),
        None => format!("{name} inflates to more than {limit} bytes"),
    })
}

fn total_too_large(max: u64) -> MediaError {
    MediaError::ArticleTooLarge(format!(
        "the parts of the Word document inflate to more than {max} bytes in all (articles.max_inflated)"
    ))
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
            extract(b"PK\x03\x04 broken", &ArticleLimits::default()),
            Err(MediaError::ArticleCorrupt(_))
        ));
    }

    /// A zip (deflated, level 1) of `parts`, built in memory.
    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write;
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(1));
        for (name, content) in parts {
            writer.start_file(*name, options).unwrap();
            writer.write_all(content).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    /// A `document.xml` with a paragraph of `text`, then one picture per rel id.
    fn document(text: &str, picture_ids: &[String]) -> Vec<u8> {
        let mut xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p>"#
        );
        for id in picture_ids {
            xml.push_str(&format!(
                r#"<w:p><w:r><w:drawing><a:blip r:embed="{id}"/></w:drawing></w:r></w:p>"#
            ));
        }
        xml.push_str("</w:body></w:document>");
        xml.into_bytes()
    }

    /// Relationships `(id, target)`.
    fn rels(relations: &[(String, &str)]) -> Vec<u8> {
        let mut xml = String::from(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
        );
        for (id, target) in relations {
            xml.push_str(&format!(
                r#"<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="{target}"/>"#
            ));
        }
        xml.push_str("</Relationships>");
        xml.into_bytes()
    }

    #[test]
    fn a_picture_referred_to_ten_times_is_read_once() {
        let ids: Vec<String> = (1..=10).map(|i| format!("rId{i}")).collect();
        let relations: Vec<(String, &str)> = ids
            .iter()
            .map(|id| (id.clone(), "media/image1.png"))
            .collect();
        let picture = vec![0u8; 5 << 20];
        let docx = zip_of(&[
            ("word/document.xml", document("Hello", &ids).as_slice()),
            ("word/_rels/document.xml.rels", rels(&relations).as_slice()),
            ("word/media/image1.png", picture.as_slice()),
        ]);
        // Ten reads of the picture would be 50 MiB; one stays well under 8 MiB.
        let limits = ArticleLimits {
            max_inflated_bytes: 8 << 20,
            ..ArticleLimits::default()
        };
        let document = extract(&docx, &limits).unwrap();
        assert_eq!(document.images.len(), 1);
        assert_eq!(document.images[0].name, "media/image1.png");
        assert_eq!(document.images[0].bytes.len(), 5 << 20);
        let shown = document
            .blocks
            .iter()
            .filter(|b| **b == Block::Image(0))
            .count();
        assert_eq!(shown, 10, "every reference shows the one picture");
    }

    #[test]
    fn too_many_parts_are_refused_naming_the_cap() {
        let mut parts: Vec<(String, Vec<u8>)> = vec![
            ("word/document.xml".to_owned(), document("Hello", &[])),
            ("word/_rels/document.xml.rels".to_owned(), rels(&[])),
        ];
        for i in 0..8 {
            parts.push((format!("word/media/extra{i}.bin"), vec![1, 2, 3]));
        }
        let borrowed: Vec<(&str, &[u8])> = parts
            .iter()
            .map(|(name, content)| (name.as_str(), content.as_slice()))
            .collect();
        let docx = zip_of(&borrowed);
        let limits = ArticleLimits {
            max_zip_entries: 5,
            ..ArticleLimits::default()
        };
        match extract(&docx, &limits) {
            Err(MediaError::ArticleTooLarge(reason)) => {
                assert!(reason.contains("10 parts"), "{reason}");
                assert!(reason.contains("articles.max_zip_entries"), "{reason}");
            }
            other => panic!("expected article-too-large, got {other:?}"),
        }
        // The same archive under the default cap is read.
        assert!(extract(&docx, &ArticleLimits::default()).is_ok());
    }

    #[test]
    fn parts_inflating_past_the_total_are_refused() {
        let ids = vec!["rId1".to_owned()];
        let text = "a".repeat(600 << 10);
        let picture = vec![7u8; 600 << 10];
        let docx = zip_of(&[
            ("word/document.xml", document(&text, &ids).as_slice()),
            (
                "word/_rels/document.xml.rels",
                rels(&[("rId1".to_owned(), "media/image1.png")]).as_slice(),
            ),
            ("word/media/image1.png", picture.as_slice()),
        ]);
        let limits = ArticleLimits {
            max_inflated_bytes: 1 << 20,
            ..ArticleLimits::default()
        };
        // Each part is under the cap; together they are over it.
        match extract(&docx, &limits) {
            Err(MediaError::ArticleTooLarge(reason)) => {
                assert!(reason.contains("articles.max_inflated"), "{reason}");
                assert!(reason.contains(&(1u64 << 20).to_string()), "{reason}");
            }
            other => panic!("expected article-too-large, got {other:?}"),
        }
        let roomy = ArticleLimits {
            max_inflated_bytes: 2 << 20,
            ..ArticleLimits::default()
        };
        let document = extract(&docx, &roomy).unwrap();
        assert_eq!(document.images.len(), 1);
    }

    #[test]
    fn a_picture_over_its_own_cap_is_refused() {
        let ids = vec!["rId1".to_owned()];
        let docx = zip_of(&[
            ("word/document.xml", document("Hello", &ids).as_slice()),
            (
                "word/_rels/document.xml.rels",
                rels(&[("rId1".to_owned(), "media/image1.png")]).as_slice(),
            ),
            ("word/media/image1.png", vec![0u8; 64 << 10].as_slice()),
        ]);
        let limits = ArticleLimits {
            max_image_bytes: 32 << 10,
            ..ArticleLimits::default()
        };
        match extract(&docx, &limits) {
            Err(MediaError::ArticleTooLarge(reason)) => {
                assert!(reason.contains("articles.max_image"), "{reason}")
            }
            other => panic!("expected article-too-large, got {other:?}"),
        }
    }
}
