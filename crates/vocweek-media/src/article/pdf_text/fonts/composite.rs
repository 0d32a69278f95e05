//! Composite (Type0) fonts: how codes are split and read, from the /Encoding CMap (a
//! predefined one by name, or an embedded one's code space ranges).

use pdf_extract::{Dictionary, Document, Object};

use super::charset::Charset;
use super::widths::Widths;
use super::{Font, Scheme};
use crate::article::pdf_objects::{array, entry, resolved, stream_data};
use crate::article::pdf_text::cmap::{CMap, CodeRange};

impl Font {
    pub(super) fn composite(pdf: &Document, font: &Dictionary, to_unicode: Option<CMap>) -> Font {
        let descendant = array(pdf, font, b"DescendantFonts")
            .and_then(|fonts| fonts.first())
            .and_then(|first| resolved(pdf, first).as_dict().ok());
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
        Font {
            scheme,
            to_unicode,
            widths: Widths::cid(pdf, descendant, identity),
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
