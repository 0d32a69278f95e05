//! What the dictionary before a stream says about it: its filters, whether it is an object
//! stream or a picture, its length, and the keys the scanner reads them from.

use pdf_extract::{Dictionary, Object};

use super::streams::MAX_FILTERS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FilterKind {
    Flate,
    Ascii85,
    /// Not decoded here (LZWDecode, DCTDecode, …).
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FilterName {
    pub(super) kind: FilterKind,
    /// lopdf decodes it (it knows the full names only).
    pub(super) lopdf_decodes: bool,
}

impl FilterName {
    pub(super) const OTHER: FilterName = FilterName {
        kind: FilterKind::Other,
        lopdf_decodes: false,
    };

    pub(super) fn of(name: &[u8]) -> FilterName {
        let (kind, lopdf_decodes) = match name {
            b"FlateDecode" => (FilterKind::Flate, true),
            b"Fl" => (FilterKind::Flate, false),
            b"ASCII85Decode" => (FilterKind::Ascii85, true),
            b"A85" => (FilterKind::Ascii85, false),
            b"LZWDecode" => (FilterKind::Other, true),
            _ => (FilterKind::Other, false),
        };
        FilterName {
            kind,
            lopdf_decodes,
        }
    }
}

/// What the dictionary before a stream says about it.
#[derive(Debug, Default)]
pub(super) struct StreamFacts {
    /// In decoding order; at most `MAX_FILTERS + 1` kept (more is refused).
    pub(super) filters: Vec<FilterName>,
    /// `/Type /ObjStm`.
    pub(super) objstm: bool,
    /// `/Subtype /Image`: lopdf never decodes it.
    pub(super) image: bool,
    /// A direct `/Length` (an indirect one reads as its object number, checked against where
    /// `endstream` stands).
    pub(super) length: Option<u64>,
    /// `/N` and `/First` of an object stream.
    pub(super) n: Option<u64>,
    pub(super) first: Option<u64>,
}

impl StreamFacts {
    /// The facts of a stream whose dictionary lopdf has parsed (an encrypted document's, whose
    /// data the file scan could not read). Its data is given whole, so no length is needed.
    pub(super) fn of_dictionary(dictionary: &Dictionary) -> StreamFacts {
        let filters = match dictionary.get(b"Filter") {
            Ok(Object::Name(name)) => vec![FilterName::of(name)],
            Ok(Object::Array(names)) => names
                .iter()
                .take(MAX_FILTERS + 1)
                .map(|name| name.as_name().map_or(FilterName::OTHER, FilterName::of))
                .collect(),
            Ok(_) => vec![FilterName::OTHER],
            Err(_) => Vec::new(),
        };
        StreamFacts {
            filters,
            objstm: name(dictionary, b"Type") == Some(b"ObjStm".as_slice()),
            image: name(dictionary, b"Subtype") == Some(b"Image".as_slice()),
            length: None,
            n: integer(dictionary, b"N"),
            first: integer(dictionary, b"First"),
        }
    }
}

fn name<'a>(dictionary: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    dictionary.get(key).ok().and_then(|o| o.as_name().ok())
}

fn integer(dictionary: &Dictionary, key: &[u8]) -> Option<u64> {
    dictionary
        .get(key)
        .ok()
        .and_then(|o| o.as_i64().ok())
        .and_then(|n| u64::try_from(n).ok())
}

/// The dictionary keys looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Key {
    Filter,
    Type,
    Subtype,
    Length,
    N,
    First,
    Other,
}

impl Key {
    pub(super) fn of(name: &[u8]) -> Key {
        match name {
            b"Filter" => Key::Filter,
            b"Type" => Key::Type,
            b"Subtype" => Key::Subtype,
            b"Length" => Key::Length,
            b"N" => Key::N,
            b"First" => Key::First,
            _ => Key::Other,
        }
    }
}

/// Where the scanner stands in a top-level dictionary: expecting a key, the value of a key, or
/// inside a value that is an array or a dictionary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    Key,
    Value(Key),
    Nested(Key),
}

/// A dictionary value, as far as the facts go.
#[derive(Debug, Clone, Copy)]
pub(super) enum Value<'a> {
    Name(&'a [u8]),
    Int(u64),
    Other,
}

impl Value<'_> {
    pub(super) fn int(&self) -> Option<u64> {
        match self {
            Value::Int(n) => Some(*n),
            Value::Name(_) | Value::Other => None,
        }
    }
}
