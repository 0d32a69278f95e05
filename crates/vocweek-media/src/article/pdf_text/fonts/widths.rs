//! Glyph widths, in thousandths of the font size: only spacing depends on them (where a
//! string ends decides whether a space goes before the next).

use pdf_extract::{Dictionary, Document, Object};

use crate::article::pdf_objects::{array, dictionary, entry, integer, number, resolved};

pub(super) enum Widths {
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

impl Widths {
    /// A simple font's: /FirstChar and /Widths, and the descriptor's /MissingWidth for the
    /// codes outside them.
    pub(super) fn simple(pdf: &Document, font: &Dictionary) -> Widths {
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
        Widths::Simple {
            first,
            widths,
            missing,
        }
    }

    /// A composite font's: /DW, and the descendant font's /W when the CMap is an Identity one
    /// (`identity`).
    pub(super) fn cid(pdf: &Document, descendant: Option<&Dictionary>, identity: bool) -> Widths {
        let default = descendant
            .and_then(|descendant| entry(pdf, descendant, b"DW"))
            .and_then(number)
            .unwrap_or(1000.0);
        let ranges = match descendant {
            Some(descendant) if identity => cid_widths(pdf, descendant),
            _ => Vec::new(),
        };
        Widths::Cid { ranges, default }
    }

    /// In thousandths of the font size.
    pub(super) fn width(&self, code: u32) -> f64 {
        match self {
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
