//! Word documents (`.docx`) vocweek writes itself: a 典型案例's original (`case_doc.rs`) and the
//! editors' 每日简报 (`brief_doc.rs`). Our own small writer, not a library: a document is a list
//! of blocks (title, headings, paragraphs, tables, pictures), its OOXML parts are rendered by
//! askama templates that escape every value (`templates/word/*.xml`), and the package is a zip
//! (the `zip` crate) written to a file, pictures copied into it one at a time from their stored
//! renditions (`pictures.rs`). At most [`MAX_PICTURES`] pictures, each a JPEG rendition of at
//! most [`MAX_PICTURE_BYTES`]: a document's size is bounded whatever the data.

mod brief_doc;
mod case_doc;
mod parts;
mod pictures;
mod staged;

use std::io::{Seek, Write};

use vocweek_storage::LocalBlob;
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

pub use brief_doc::{
    BriefCity, BriefDecided, BriefMissing, BriefPicture, DailyBrief, KindCounts, daily_brief,
};
pub use case_doc::{CaseAttachmentEntry, CaseDocument, case_document};
pub use pictures::{MAX_PICTURE_BYTES, jpeg_picture};
pub use staged::{WrittenDocx, write_staged};

/// The type a `.docx` is served and stored as.
pub const DOCX_MIME: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// Pictures one document embeds at most; more are listed without their picture.
pub const MAX_PICTURES: usize = 40;

/// Why a document could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WordError {
    #[error("writing the document failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("writing the document's package failed: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("rendering a part of the document failed: {0}")]
    Template(#[from] askama::Error),
    #[error(transparent)]
    Storage(#[from] vocweek_storage::StorageError),
    #[error(transparent)]
    Database(#[from] vocweek_db::DbError),
}

/// A picture to embed: a stored JPEG (a local copy of it) and its size in pixels.
#[derive(Debug)]
pub struct Picture {
    pub blob: LocalBlob,
    pub width: u32,
    pub height: u32,
}

/// A document being composed, block after block.
#[derive(Debug, Default)]
pub struct WordDocument {
    blocks: Vec<parts::Block>,
    pictures: Vec<Picture>,
}

impl WordDocument {
    pub fn new() -> Self {
        WordDocument::default()
    }

    /// The document's title (heading 1, 16 pt, centred).
    pub fn title(&mut self, text: &str) {
        self.blocks
            .push(parts::Block::paragraph("Heading1", None, text));
    }

    /// A section heading (heading 2).
    pub fn heading(&mut self, text: &str) {
        self.blocks
            .push(parts::Block::paragraph("Heading2", None, text));
    }

    /// One paragraph of body text (12 pt); line breaks become spaces.
    pub fn paragraph(&mut self, text: &str) {
        self.blocks.push(parts::Block::paragraph("", None, text));
    }

    /// A paragraph that starts with a bold `label` (`联系人：`).
    pub fn labelled(&mut self, label: &str, text: &str) {
        self.blocks
            .push(parts::Block::paragraph("", Some(label), text));
    }

    /// Text as the unit typed it: one paragraph per line, blank lines dropped.
    pub fn paragraphs(&mut self, text: &str) {
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            self.paragraph(line);
        }
    }

    /// A small caption line under a picture.
    pub fn caption(&mut self, text: &str) {
        self.blocks
            .push(parts::Block::paragraph("Caption", None, text));
    }

    /// A table with a bold header row, repeated on every page.
    pub fn table(&mut self, header: &[&str], rows: Vec<Vec<String>>) {
        self.blocks.push(parts::Block::table(header, rows));
    }

    /// Embeds `picture`, at most 8 cm a side, centred; `false` (and nothing added) once the
    /// document holds [`MAX_PICTURES`].
    pub fn picture(&mut self, picture: Picture) -> bool {
        if self.pictures.len() >= MAX_PICTURES {
            return false;
        }
        let number = self.pictures.len() + 1;
        self.blocks
            .push(parts::Block::image(number, picture.width, picture.height));
        self.pictures.push(picture);
        true
    }

    /// Whether another picture fits.
    pub fn has_room_for_pictures(&self) -> bool {
        self.pictures.len() < MAX_PICTURES
    }

    /// Writes the package to `out` (blocking: run it off the runtime) and answers `out` at its
    /// end. Every entry has the same fixed time, so the same document is the same bytes.
    pub fn write<W: Write + Seek>(&self, out: W) -> Result<W, WordError> {
        let mut zip = zip::ZipWriter::new(out);
        let when = zip::DateTime::default();
        let deflated = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(when);
        // JPEGs are compressed already.
        let stored = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .last_modified_time(when);
        for (name, xml) in parts::render(&self.blocks, self.pictures.len())? {
            zip.start_file(name, deflated)?;
            zip.write_all(xml.as_bytes())?;
        }
        for (index, picture) in self.pictures.iter().enumerate() {
            zip.start_file(parts::media_entry(index + 1), stored)?;
            let mut file = std::fs::File::open(picture.blob.path())?;
            std::io::copy(&mut file, &mut zip)?;
        }
        Ok(zip.finish()?)
    }
}

/// Text as a part may hold it: without the characters XML 1.0 refuses (control characters
/// other than tab, and the two non-characters U+FFFE and U+FFFF); line breaks become spaces.
pub(crate) fn xml_text(text: &str) -> String {
    text.chars()
        .map(|c| if matches!(c, '\n' | '\r') { ' ' } else { c })
        .filter(|&c| allowed_in_xml(c))
        .collect()
}

fn allowed_in_xml(c: char) -> bool {
    let refused_control = c.is_control() && c != '\t';
    let non_character = matches!(c, '\u{FFFE}' | '\u{FFFF}');
    !refused_control && !non_character
}

#[cfg(test)]
mod tests;
