//! How a font's character codes become text, and how wide each glyph is (for spacing).
//!
//! Composite (Type0) fonts: codes are split by the font's CMap. The predefined CJK CMaps need
//! no table: the codes of `UniGB-UCS2-H`, `UniGB-UTF16-H`, `UniCNS-UCS2-H`, `UniJIS-UCS2-H`,
//! `UniKS-UCS2-H`… are UTF-16BE, those of `GBK-EUC-H`, `B5pc-H`, `90ms-RKSJ-H`, `KSC-EUC-H`…
//! are GBK, Big5, Shift_JIS, EUC-KR (decoded by encoding_rs). Identity and embedded CMaps give
//! CIDs, which have text only through /ToUnicode. /ToUnicode, when present, comes first.
//!
//! Simple fonts: one byte a code; /ToUnicode, else /Differences glyph names that say their
//! character, else the base encoding (WinAnsi for the standard ones, MacRoman).
//!
//! Here: the font as the content walker uses it (codes → glyphs). `simple` and `composite`
//! build it from the font dictionary, `charset` decodes the legacy CJK charsets, `widths`
//! reads the glyph widths.

mod charset;
mod composite;
mod simple;
mod widths;

use pdf_extract::{Dictionary, Document};

use self::charset::Charset;
use self::widths::Widths;
use super::cmap::{CMap, CodeRange, code_value, utf16_text};
use crate::article::pdf_objects::{name, stream, stream_data};

/// One glyph shown: its text (possibly empty), its width in thousandths of the font size, and
/// whether it is the single-byte code 32 (which word spacing applies to).
pub(super) struct Glyph {
    pub(super) text: String,
    pub(super) width: f64,
    pub(super) space: bool,
}

pub(super) struct Font {
    scheme: Scheme,
    to_unicode: Option<CMap>,
    widths: Widths,
}

enum Scheme {
    /// Simple fonts: one byte a code, its character from the base encoding and /Differences.
    Simple(Box<[Option<char>; 256]>),
    /// Codes from these code space ranges (Identity: two bytes), CIDs with no text of their own.
    Cids(Vec<CodeRange>),
    /// The `Uni…-UCS2` and `Uni…-UTF16` CMaps: UTF-16BE, two bytes, four for a surrogate pair.
    Utf16,
    Utf8,
    Utf32,
    /// A legacy CJK charset.
    Charset(Charset),
}

impl Font {
    pub(super) fn new(pdf: &Document, font: &Dictionary) -> Font {
        let to_unicode =
            stream(pdf, font, b"ToUnicode").map(|cmap| CMap::parse(&stream_data(cmap)));
        if name(pdf, font, b"Subtype") == Some(b"Type0".as_slice()) {
            Font::composite(pdf, font, to_unicode)
        } else {
            Font::simple(pdf, font, to_unicode)
        }
    }

    /// The glyphs a string shows.
    pub(super) fn glyphs(&self, bytes: &[u8]) -> Vec<Glyph> {
        let mut glyphs = Vec::new();
        let mut rest = bytes;
        while !rest.is_empty() {
            let len = self.code_len(rest).clamp(1, rest.len());
            let (code_bytes, after) = rest.split_at(len);
            rest = after;
            let Some((len, code)) = code_value(code_bytes) else {
                continue;
            };
            let text = self
                .to_unicode
                .as_ref()
                .and_then(|cmap| cmap.text(len, code))
                .unwrap_or_else(|| self.own_text(code_bytes, code));
            glyphs.push(Glyph {
                text,
                width: self.widths.width(code),
                space: len == 1 && code == 32,
            });
        }
        glyphs
    }

    /// How many bytes the code at the start of `bytes` takes.
    fn code_len(&self, bytes: &[u8]) -> usize {
        let first = bytes.first().copied().unwrap_or(0);
        match &self.scheme {
            Scheme::Simple(_) => 1,
            Scheme::Utf16 => {
                if (0xD8..=0xDB).contains(&first) {
                    4
                } else {
                    2
                }
            }
            Scheme::Utf8 => match first {
                0xF0..=0xF7 => 4,
                0xE0..=0xEF => 3,
                0xC0..=0xDF => 2,
                _ => 1,
            },
            Scheme::Utf32 => 4,
            Scheme::Charset(charset) => charset.code_len(bytes),
            Scheme::Cids(ranges) => (1..=4u8)
                .find(|len| {
                    bytes
                        .get(..usize::from(*len))
                        .and_then(code_value)
                        .is_some_and(|(_, code)| {
                            ranges.iter().any(|range| {
                                range.len == *len && (range.low..=range.high).contains(&code)
                            })
                        })
                })
                .map_or_else(
                    || usize::from(ranges.iter().map(|range| range.len).min().unwrap_or(1)),
                    usize::from,
                ),
        }
    }

    /// A code's text without /ToUnicode.
    fn own_text(&self, bytes: &[u8], code: u32) -> String {
        match &self.scheme {
            Scheme::Simple(table) => usize::try_from(code)
                .ok()
                .and_then(|code| table.get(code).copied().flatten())
                .map(String::from)
                .unwrap_or_default(),
            Scheme::Cids(_) => String::new(),
            Scheme::Utf16 => {
                let units: Vec<u16> = bytes
                    .chunks_exact(2)
                    .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                    .collect();
                utf16_text(&units)
            }
            Scheme::Utf8 => clean(&String::from_utf8_lossy(bytes)),
            Scheme::Utf32 => char::from_u32(code).map(String::from).unwrap_or_default(),
            Scheme::Charset(charset) => charset.decode(bytes),
        }
    }
}

/// Text without replacement characters (bytes a decoder did not know) or controls.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| *c != '\u{FFFD}' && !c.is_control())
        .collect()
}
