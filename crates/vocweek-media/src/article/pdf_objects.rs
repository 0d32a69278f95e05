//! Reading lopdf objects without panicking, for our own passes over a PDF (`pdf_crypt`,
//! `pdf_text`): references are followed (as far as lopdf's `dereference` goes), and a missing
//! key or a value of the wrong type reads as `None`. pdf-extract's own lookups panic instead.

use std::borrow::Cow;

use pdf_extract::{Dictionary, Document, Object, Stream};

/// `object`, or what it refers to.
pub(crate) fn resolved<'a>(pdf: &'a Document, object: &'a Object) -> &'a Object {
    pdf.dereference(object).map_or(object, |(_, target)| target)
}

pub(crate) fn entry<'a>(
    pdf: &'a Document,
    dictionary: &'a Dictionary,
    key: &[u8],
) -> Option<&'a Object> {
    dictionary.get(key).ok().map(|object| resolved(pdf, object))
}

pub(crate) fn name<'a>(
    pdf: &'a Document,
    dictionary: &'a Dictionary,
    key: &[u8],
) -> Option<&'a [u8]> {
    entry(pdf, dictionary, key).and_then(|object| object.as_name().ok())
}

pub(crate) fn integer(pdf: &Document, dictionary: &Dictionary, key: &[u8]) -> Option<i64> {
    entry(pdf, dictionary, key).and_then(|object| object.as_i64().ok())
}

pub(crate) fn string<'a>(
    pdf: &'a Document,
    dictionary: &'a Dictionary,
    key: &[u8],
) -> Option<&'a [u8]> {
    entry(pdf, dictionary, key).and_then(|object| object.as_str().ok())
}

pub(crate) fn dictionary<'a>(
    pdf: &'a Document,
    dictionary: &'a Dictionary,
    key: &[u8],
) -> Option<&'a Dictionary> {
    entry(pdf, dictionary, key).and_then(|object| object.as_dict().ok())
}

pub(crate) fn array<'a>(
    pdf: &'a Document,
    dictionary: &'a Dictionary,
    key: &[u8],
) -> Option<&'a [Object]> {
    entry(pdf, dictionary, key)
        .and_then(|object| object.as_array().ok())
        .map(Vec::as_slice)
}

pub(crate) fn stream<'a>(
    pdf: &'a Document,
    dictionary: &'a Dictionary,
    key: &[u8],
) -> Option<&'a Stream> {
    entry(pdf, dictionary, key).and_then(|object| object.as_stream().ok())
}

/// An integer or a real, as a float.
pub(crate) fn number(object: &Object) -> Option<f64> {
    match object {
        Object::Integer(n) => Some(*n as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

/// A stream's data decoded as lopdf decodes it, or its raw bytes when lopdf cannot (as
/// pdf-extract does for page contents). Inflating is bounded: `pdf_guard` has counted every
/// stream lopdf can decode against `articles.max_pdf_inflated`.
pub(crate) fn stream_data(stream: &Stream) -> Cow<'_, [u8]> {
    if stream.dict.get(b"Filter").is_ok()
        && let Ok(data) = stream.decompressed_content()
    {
        return Cow::Owned(data);
    }
    Cow::Borrowed(&stream.content)
}
