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

use encoding_rs::{BIG5, EUC_JP, EUC_KR, Encoding, GB18030, MACINTOSH, SHIFT_JIS, WINDOWS_1252};
use pdf_extract::{Dictionary, Document, Object};

use super::cmap::{CMap, CodeRange, code_value, utf16_text};
use crate::article::pdf_objects::{
    array, dictionary, entry, integer, name, number, resolved, stream, stream_data,
};

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

#[derive(Clone, Copy)]
enum Charset {
    Gb,
    Big5,
    ShiftJis,
    EucJp,
    EucKr,
    /// JIS X 0208 row and cell bytes (the `H` and `V` CMaps): EUC-JP less its high bits.
    Jis,
}

enum Widths {
    /// Simple fonts: /FirstChar and /Widths, and the width of the codes outside them.
    Simple {
        first: u32,
        widths: Vec<f64>,
        missing: f64,
    },
    /// Composite fonts: /W ranges (CID first, CID last, width), sorted, and /DW. Only for
    /// Identity CMaps, where the code is the CID; other CMaps use /DW throughout.
    Cid {
        ranges: Vec<(u32, u32, f64)>,
        default: f64,
    },
}

/// A width for glyphs whose font says none: about an average Latin letter. Only spacing
/// depends on it.
const UNKNOWN_WIDTH: f64 = 500.0;

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

    fn composite(pdf: &Document, font: &Dictionary, to_unicode: Option<CMap>) -> Font {
        let descendant = array(pdf, font, b"DescendantFonts")
            .and_then(|fonts| fonts.first())
            .and_then(|first| resolved(pdf, first).as_dict().ok());
        let default = descendant
            .and_then(|descendant| entry(pdf, descendant, b"DW"))
            .and_then(number)
            .unwrap_or(1000.0);
        let two_bytes = vec![CodeRange {
            len: 2,
            low: 0,
            high: 0xFFFF,
        }];
        let (scheme, identity) = match entry(pdf, font, b"Encoding") {
            Some(Object::Name(cmap)) => (predefined(cmap), cmap.starts_with(b"Identity")),
            Some(Object::Stream(cmap)) => {
                let ranges = CMap::parse(&stream_data(cmap)).codespace().to_vec();
                (
                    Scheme::Cids(if ranges.is_empty() { two_bytes } else { ranges }),
                    false,
                )
            }
            _ => (Scheme::Cids(two_bytes), true),
        };
        let ranges = match descendant {
            Some(descendant) if identity => cid_widths(pdf, descendant),
            _ => Vec::new(),
        };
        Font {
            scheme,
            to_unicode,
            widths: Widths::Cid { ranges, default },
        }
    }

    fn simple(pdf: &Document, font: &Dictionary, to_unicode: Option<CMap>) -> Font {
        let mut table = Box::new([None; 256]);
        let (base, differences) = match entry(pdf, font, b"Encoding") {
            Some(Object::Name(base)) => (Some(base.as_slice()), None),
            Some(Object::Dictionary(encoding)) => (
                name(pdf, encoding, b"BaseEncoding"),
                array(pdf, encoding, b"Differences"),
            ),
            _ => (None, None),
        };
        let charset: &'static Encoding = match base {
            Some(b"MacRomanEncoding") => MACINTOSH,
            // WinAnsi, Standard (close to it in ASCII), or a font's built-in encoding.
            _ => WINDOWS_1252,
        };
        for (code, slot) in (0u8..=255).zip(table.iter_mut()) {
            let byte = [code];
            let (text, _) = charset.decode_without_bom_handling(&byte);
            *slot = text
                .chars()
                .next()
                .filter(|c| !c.is_control() && *c != '\u{FFFD}');
        }
        if let Some(differences) = differences {
            let mut code = 0usize;
            for item in differences {
                match resolved(pdf, item) {
                    Object::Integer(n) => code = usize::try_from(*n).unwrap_or(256),
                    Object::Name(glyph) => {
                        if let Some(slot) = table.get_mut(code) {
                            *slot = glyph_char(glyph);
                        }
                        code = code.saturating_add(1);
                    }
                    _ => {}
                }
            }
        }
        let descriptor = dictionary(pdf, font, b"FontDescriptor");
        let missing = descriptor
            .and_then(|descriptor| entry(pdf, descriptor, b"MissingWidth"))
            .and_then(number)
            .filter(|width| *width > 0.0)
            .unwrap_or(UNKNOWN_WIDTH);
        let widths = array(pdf, font, b"Widths")
            .map(|widths| {
                widths
                    .iter()
                    .map(|width| number(resolved(pdf, width)).unwrap_or(missing))
                    .collect::<Vec<f64>>()
            })
            .unwrap_or_default();
        let first = integer(pdf, font, b"FirstChar")
            .and_then(|first| u32::try_from(first).ok())
            .unwrap_or(0);
        Font {
            scheme: Scheme::Simple(table),
            to_unicode,
            widths: Widths::Simple {
                first,
                widths,
                missing,
            },
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
                width: self.width(code),
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

    /// In thousandths of the font size.
    fn width(&self, code: u32) -> f64 {
        match &self.widths {
            Widths::Simple {
                first,
                widths,
                missing,
            } => code
                .checked_sub(*first)
                .and_then(|index| usize::try_from(index).ok())
                .and_then(|index| widths.get(index).copied())
                .unwrap_or(*missing),
            Widths::Cid { ranges, default } => {
                let after = ranges.partition_point(|(first, _, _)| *first <= code);
                after
                    .checked_sub(1)
                    .and_then(|index| ranges.get(index))
                    .filter(|(_, last, _)| code <= *last)
                    .map_or(*default, |(_, _, width)| *width)
            }
        }
    }
}

/// The scheme of a predefined CMap, from its name (ISO 32000-2, table 116, and Adobe's CMap
/// resources); `-H` and `-V` (horizontal, vertical) share their codes.
fn predefined(name: &[u8]) -> Scheme {
    let name = String::from_utf8_lossy(name);
    let name: &str = &name;
    if name == "H" || name == "V" {
        return Scheme::Charset(Charset::Jis);
    }
    let base = name
        .strip_suffix("-H")
        .or_else(|| name.strip_suffix("-V"))
        .unwrap_or(name);
    let two_bytes = || {
        Scheme::Cids(vec![CodeRange {
            len: 2,
            low: 0,
            high: 0xFFFF,
        }])
    };
    if base.starts_with("Uni") {
        if base.contains("UCS2") || base.contains("UTF16") {
            Scheme::Utf16
        } else if base.contains("UTF8") {
            Scheme::Utf8
        } else if base.contains("UTF32") {
            Scheme::Utf32
        } else {
            two_bytes()
        }
    } else if base.starts_with("GB") {
        // GB-EUC, GBpc-EUC, GBK-EUC, GBKp-EUC, GBK2K, GBT-EUC, GBTpc-EUC: GB 18030 reads
        // them all (GBT, traditional forms in GB codes, reads as their simplified forms).
        Scheme::Charset(Charset::Gb)
    } else if base.contains("B5") {
        // B5pc, ETen-B5, ETenms-B5, HKscs-B5, HKdla-B5, HKgccs-B5…
        Scheme::Charset(Charset::Big5)
    } else if base.contains("RKSJ") {
        Scheme::Charset(Charset::ShiftJis)
    } else if base == "EUC" {
        Scheme::Charset(Charset::EucJp)
    } else if base.starts_with("KSC") {
        Scheme::Charset(Charset::EucKr)
    } else {
        // Identity, CNS-EUC (EUC-TW, which encoding_rs does not know), anything else.
        two_bytes()
    }
}

impl Charset {
    fn code_len(self, bytes: &[u8]) -> usize {
        let first = bytes.first().copied().unwrap_or(0);
        let second = bytes.get(1).copied().unwrap_or(0);
        match self {
            Charset::Gb if (0x81..=0xFE).contains(&first) => {
                if (0x30..=0x39).contains(&second) {
                    4
                } else {
                    2
                }
            }
            Charset::Big5 | Charset::EucKr if (0x81..=0xFE).contains(&first) => 2,
            Charset::ShiftJis if matches!(first, 0x81..=0x9F | 0xE0..=0xFC) => 2,
            Charset::EucJp if first == 0x8F => 3,
            Charset::EucJp if first == 0x8E || (0xA1..=0xFE).contains(&first) => 2,
            Charset::Jis => 2,
            _ => 1,
        }
    }

    fn decode(self, bytes: &[u8]) -> String {
        let (encoding, high_bits): (&'static Encoding, bool) = match self {
            Charset::Gb => (GB18030, false),
            Charset::Big5 => (BIG5, false),
            Charset::ShiftJis => (SHIFT_JIS, false),
            Charset::EucJp => (EUC_JP, false),
            Charset::EucKr => (EUC_KR, false),
            Charset::Jis => (EUC_JP, true),
        };
        if high_bits {
            let euc: Vec<u8> = bytes.iter().map(|byte| byte | 0x80).collect();
            clean(&encoding.decode_without_bom_handling(&euc).0)
        } else {
            clean(&encoding.decode_without_bom_handling(bytes).0)
        }
    }
}

/// Text without replacement characters (bytes a decoder did not know) or controls.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| *c != '\u{FFFD}' && !c.is_control())
        .collect()
}

/// The character a glyph name says: `uniXXXX`, `uXXXX`, a letter or digit name, common
/// punctuation. Other names (a subset font's own) say nothing.
fn glyph_char(name: &[u8]) -> Option<char> {
    let name = std::str::from_utf8(name).ok()?;
    let hex = |digits: &str| {
        u32::from_str_radix(digits, 16)
            .ok()
            .and_then(char::from_u32)
    };
    if let Some(digits) = name.strip_prefix("uni") {
        return digits.get(..4).and_then(hex);
    }
    if let Some(digits) = name.strip_prefix('u')
        && (4..=6).contains(&digits.len())
        && let Some(c) = hex(digits)
    {
        return Some(c);
    }
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && c.is_ascii_alphanumeric()
    {
        return Some(c);
    }
    let c = match name {
        "space" | "nbspace" => ' ',
        "zero" => '0',
        "one" => '1',
        "two" => '2',
        "three" => '3',
        "four" => '4',
        "five" => '5',
        "six" => '6',
        "seven" => '7',
        "eight" => '8',
        "nine" => '9',
        "exclam" => '!',
        "quotedbl" => '"',
        "numbersign" => '#',
        "dollar" => '$',
        "percent" => '%',
        "ampersand" => '&',
        "quotesingle" => '\'',
        "parenleft" => '(',
        "parenright" => ')',
        "asterisk" => '*',
        "plus" => '+',
        "comma" => ',',
        "hyphen" | "minus" => '-',
        "period" => '.',
        "slash" => '/',
        "colon" => ':',
        "semicolon" => ';',
        "less" => '<',
        "equal" => '=',
        "greater" => '>',
        "question" => '?',
        "at" => '@',
        "bracketleft" => '[',
        "backslash" => '\\',
        "bracketright" => ']',
        "underscore" => '_',
        "braceleft" => '{',
        "bar" => '|',
        "braceright" => '}',
        "quoteleft" => '‘',
        "quoteright" => '’',
        "quotedblleft" => '“',
        "quotedblright" => '”',
        "endash" => '–',
        "emdash" => '—',
        "bullet" => '•',
        "ellipsis" => '…',
        _ => return None,
    };
    Some(c)
}

/// /W of a CID font: `c [w1 w2 …]` gives CIDs from c on, `c_first c_last w` one width to a
/// range.
fn cid_widths(pdf: &Document, descendant: &Dictionary) -> Vec<(u32, u32, f64)> {
    let Some(w) = array(pdf, descendant, b"W") else {
        return Vec::new();
    };
    let cid = |object: &Object| {
        number(resolved(pdf, object))
            .filter(|n| *n >= 0.0 && *n <= f64::from(u32::MAX))
            .map(|n| n as u32)
    };
    let mut ranges = Vec::new();
    let mut i = 0;
    while let Some(first) = w.get(i).and_then(cid) {
        match w.get(i + 1).map(|next| resolved(pdf, next)) {
            Some(Object::Array(list)) => {
                for (offset, width) in (0u32..).zip(list) {
                    if let Some(width) = number(resolved(pdf, width)) {
                        let code = first.saturating_add(offset);
                        ranges.push((code, code, width));
                    }
                }
                i += 2;
            }
            Some(last) => {
                let (Some(last), Some(width)) = (
                    cid(last),
                    w.get(i + 2).and_then(|width| number(resolved(pdf, width))),
                ) else {
                    break;
                };
                ranges.push((first, last, width));
                i += 3;
            }
            None => break,
        }
    }
    ranges.sort_by_key(|range| range.0);
    ranges
}
