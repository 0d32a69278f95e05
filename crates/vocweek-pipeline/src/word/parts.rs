//! The package's parts, each rendered by its template in `templates/word/` (askama escapes
//! every value for XML): the content types, the relationships, the document body and its
//! styles. A block is what one template branch draws: a paragraph, a table or a picture.

use askama::Template;

use super::xml_text;

const DOCUMENT: &str = "word/document.xml";
const STYLES: &str = "word/styles.xml";

/// A4 in twentieths of a point, with 2.54 cm margins: 9026 twips of text width.
const PAGE_WIDTH: u32 = 11_906;
const PAGE_HEIGHT: u32 = 16_838;
const MARGIN: u32 = 1_440;
const TEXT_WIDTH: u32 = PAGE_WIDTH - 2 * MARGIN;

/// A picture's longest side in the document: 8 cm, in EMU (360 000 a centimetre).
const PICTURE_SIDE_EMU: u64 = 8 * 360_000;
/// EMU per pixel at 96 dpi, the size a picture has before it is fitted.
const EMU_PER_PIXEL: u64 = 9_525;

/// The fonts and sizes (half-points) of `styles.xml`: 宋体 for Chinese, 12 pt body, 16 pt
/// title, 14 pt section headings, 10.5 pt captions.
const EAST_ASIAN_FONT: &str = "宋体";
const LATIN_FONT: &str = "Times New Roman";
const BODY_HALF_POINTS: u32 = 24;
const TITLE_HALF_POINTS: u32 = 32;
const HEADING_HALF_POINTS: u32 = 28;
const CAPTION_HALF_POINTS: u32 = 21;

/// One block of the body; exactly one of `text`, `table` and `image` is set.
#[derive(Debug)]
pub(crate) struct Block {
    /// A paragraph's style id (`Heading1`, `Heading2`, `Caption`), empty for body text.
    style: &'static str,
    /// Bold words before a paragraph's text.
    label: Option<String>,
    text: Option<String>,
    table: Option<TableBlock>,
    image: Option<ImageBlock>,
}

#[derive(Debug)]
struct TableBlock {
    /// Each column's width in twips, the text width shared equally.
    widths: Vec<u32>,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

#[derive(Debug)]
struct ImageBlock {
    /// From 1, in the order pictures were added: names the picture's part and relationship.
    number: usize,
    rel_id: String,
    file_name: String,
    /// The picture's size on the page, in EMU.
    cx: u64,
    cy: u64,
}

impl Block {
    fn empty(style: &'static str) -> Block {
        Block {
            style,
            label: None,
            text: None,
            table: None,
            image: None,
        }
    }

    pub(crate) fn paragraph(style: &'static str, label: Option<&str>, text: &str) -> Block {
        Block {
            label: label.map(xml_text),
            text: Some(xml_text(text)),
            ..Block::empty(style)
        }
    }

    pub(crate) fn table(header: &[&str], rows: Vec<Vec<String>>) -> Block {
        let columns = header.len().max(1);
        let width = TEXT_WIDTH / u32::try_from(columns).unwrap_or(u32::MAX).max(1);
        Block {
            table: Some(TableBlock {
                widths: vec![width; columns],
                header: header.iter().map(|cell| xml_text(cell)).collect(),
                rows: rows
                    .into_iter()
                    .map(|row| row.iter().map(|cell| xml_text(cell)).collect())
                    .collect(),
            }),
            ..Block::empty("")
        }
    }

    /// Picture `number`, `width`×`height` pixels, fitted into a square of
    /// [`PICTURE_SIDE_EMU`] (a picture of unknown size is drawn 4:3).
    pub(crate) fn image(number: usize, width: u32, height: u32) -> Block {
        let (cx, cy) = fitted(width, height);
        Block {
            image: Some(ImageBlock {
                number,
                rel_id: rel_id(number),
                file_name: file_name(number),
                cx,
                cy,
            }),
            ..Block::empty("")
        }
    }
}

/// `width`×`height` pixels as EMU, scaled down (never up) so the longer side is at most
/// [`PICTURE_SIDE_EMU`].
pub(crate) fn fitted(width: u32, height: u32) -> (u64, u64) {
    if width == 0 || height == 0 {
        return (PICTURE_SIDE_EMU, PICTURE_SIDE_EMU * 3 / 4);
    }
    let (cx, cy) = (
        u64::from(width) * EMU_PER_PIXEL,
        u64::from(height) * EMU_PER_PIXEL,
    );
    let longest = cx.max(cy);
    if longest <= PICTURE_SIDE_EMU {
        return (cx, cy);
    }
    (
        (cx * PICTURE_SIDE_EMU / longest).max(1),
        (cy * PICTURE_SIDE_EMU / longest).max(1),
    )
}

fn rel_id(number: usize) -> String {
    format!("rIdImage{number}")
}

fn file_name(number: usize) -> String {
    format!("image{number}.jpeg")
}

/// The zip entry of picture `number`.
pub(crate) fn media_entry(number: usize) -> String {
    format!("word/media/{}", file_name(number))
}

#[derive(Template)]
#[template(path = "word/content_types.xml")]
struct ContentTypes {
    has_pictures: bool,
    document: &'static str,
    styles: &'static str,
}

#[derive(Template)]
#[template(path = "word/package_rels.xml")]
struct PackageRels {
    document: &'static str,
}

/// A picture's relationship from the document to its part.
struct ImageRel {
    rel_id: String,
    file_name: String,
}

#[derive(Template)]
#[template(path = "word/document_rels.xml")]
struct DocumentRels<'a> {
    images: &'a [ImageRel],
}

#[derive(Template)]
#[template(path = "word/styles.xml")]
struct StylesXml {
    east_asian_font: &'static str,
    latin_font: &'static str,
    body_half_points: u32,
    title_half_points: u32,
    heading_half_points: u32,
    caption_half_points: u32,
}

#[derive(Template)]
#[template(path = "word/document.xml")]
struct DocumentXml<'a> {
    blocks: &'a [Block],
    page_width: u32,
    page_height: u32,
    margin: u32,
}

/// Every XML part of a document of `blocks` holding `pictures` pictures, as (entry, text),
/// `[Content_Types].xml` first.
pub(crate) fn render(
    blocks: &[Block],
    pictures: usize,
) -> Result<Vec<(&'static str, String)>, askama::Error> {
    let images: Vec<ImageRel> = (1..=pictures)
        .map(|number| ImageRel {
            rel_id: rel_id(number),
            file_name: file_name(number),
        })
        .collect();
    let content_types = ContentTypes {
        has_pictures: pictures > 0,
        document: DOCUMENT,
        styles: STYLES,
    };
    let styles = StylesXml {
        east_asian_font: EAST_ASIAN_FONT,
        latin_font: LATIN_FONT,
        body_half_points: BODY_HALF_POINTS,
        title_half_points: TITLE_HALF_POINTS,
        heading_half_points: HEADING_HALF_POINTS,
        caption_half_points: CAPTION_HALF_POINTS,
    };
    let document = DocumentXml {
        blocks,
        page_width: PAGE_WIDTH,
        page_height: PAGE_HEIGHT,
        margin: MARGIN,
    };
    Ok(vec![
        ("[Content_Types].xml", content_types.render()?),
        ("_rels/.rels", PackageRels { document: DOCUMENT }.render()?),
        (DOCUMENT, document.render()?),
        (STYLES, styles.render()?),
        (
            "word/_rels/document.xml.rels",
            DocumentRels { images: &images }.render()?,
        ),
    ])
}
