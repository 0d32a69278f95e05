//! Simple fonts: one byte a code, its character from the base encoding, overridden by the
//! /Differences glyph names that say their character.

use encoding_rs::{Encoding, MACINTOSH, WINDOWS_1252};
use pdf_extract::{Dictionary, Document, Object};

use super::widths::Widths;
use super::{Font, Scheme};
use crate::article::pdf_objects::{array, entry, name, resolved};
use crate::article::pdf_text::cmap::CMap;

impl Font {
    pub(super) fn simple(pdf: &Document, font: &Dictionary, to_unicode: Option<CMap>) -> Font {
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
        Font {
            scheme: Scheme::Simple(table),
            to_unicode,
            widths: Widths::simple(pdf, font),
        }
    }
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
