//! What pdf-extract 0.7.12 cannot read without panicking, found before it runs, so that such
//! a document goes to our extractor with no panic (and no backtrace in the log):
//!
//! - composite fonts: `PdfCIDFont::new` asserts that a /Encoding name is `Identity-H`
//!   (`assert!(name == "Identity-H")`: the predefined CJK CMaps such as `UniGB-UCS2-H` panic),
//!   and `expect`s /DescendantFonts, their /FontDescriptor and /Encoding;
//! - simple fonts: `encoding_to_unicode_table` panics on any base encoding but WinAnsi,
//!   MacRoman and MacExpert (/StandardEncoding included), /Differences index a 256-entry
//!   table, /Widths must run from /FirstChar to /LastChar (`assert_eq!`);
//! - /ToUnicode that is neither a stream nor `Identity-H` (`todo!`, `panic!`);
//! - form XObjects: pdf-extract's `Do` recurses into a form without limit, so a form that
//!   draws itself overflows the stack, which aborts the process (no `catch_unwind` can stop
//!   that).

use std::collections::HashMap;

use pdf_extract::{Dictionary, Document, Object, ObjectId};

use crate::article::pdf_objects::{array, dictionary, entry, integer, name, resolved, stream_data};

/// How deep form XObjects may nest for pdf-extract (each level is a recursive call).
const MAX_FORM_NESTING: usize = 32;

/// Whether pdf-extract would panic on `pdf` (or overflow the stack: form XObjects).
pub(crate) fn pdf_extract_cannot_read(pdf: &Document) -> bool {
    fonts_unreadable(pdf) || forms_recurse(pdf)
}

/// Whether a font of `pdf` is one pdf-extract panics on.
fn fonts_unreadable(pdf: &Document) -> bool {
    pdf.objects.values().any(|object| {
        let Object::Dictionary(font) = object else {
            return false;
        };
        match name(pdf, font, b"Subtype") {
            Some(b"Type0") => !pdf_extract_reads_type0(pdf, font),
            // Type 3 fonts, and the descendants of Type 0 ones, are read otherwise.
            Some(b"Type3" | b"CIDFontType0" | b"CIDFontType2") => false,
            _ if name(pdf, font, b"Type") == Some(b"Font".as_slice()) => {
                !pdf_extract_reads_simple(pdf, font)
            }
            _ => false,
        }
    })
}

/// What `PdfCIDFont::new` (pdf-extract 0.7.12) needs not to panic.
fn pdf_extract_reads_type0(pdf: &Document, font: &Dictionary) -> bool {
    let encoding = match entry(pdf, font, b"Encoding") {
        Some(Object::Name(cmap)) => cmap == b"Identity-H",
        Some(Object::Stream(_)) => true,
        _ => false,
    };
    let descriptor = array(pdf, font, b"DescendantFonts")
        .and_then(|fonts| fonts.first())
        .and_then(|first| resolved(pdf, first).as_dict().ok())
        .and_then(|descendant| entry(pdf, descendant, b"FontDescriptor"))
        .is_some_and(|descriptor| descriptor.as_dict().is_ok());
    let base_font = name(pdf, font, b"BaseFont").is_some();
    encoding && to_unicode_readable(pdf, font) && descriptor && base_font
}

/// What `PdfSimpleFont::new` needs not to panic: a /BaseFont, a base encoding it knows
/// (`encoding_to_unicode_table` panics on /StandardEncoding and any other name), /Differences
/// of numbers and names, as many /Widths as /FirstChar to /LastChar.
fn pdf_extract_reads_simple(pdf: &Document, font: &Dictionary) -> bool {
    let known = |encoding: &[u8]| {
        matches!(
            encoding,
            b"WinAnsiEncoding" | b"MacRomanEncoding" | b"MacExpertEncoding"
        )
    };
    let encoding = match entry(pdf, font, b"Encoding") {
        None => true,
        Some(Object::Name(encoding)) => known(encoding.as_slice()),
        Some(Object::Dictionary(encoding)) => {
            let base = entry(pdf, encoding, b"BaseEncoding")
                .is_none_or(|base| base.as_name().is_ok_and(known));
            // Codes index a 256-entry table.
            let differences = array(pdf, encoding, b"Differences").is_none_or(|differences| {
                let mut code = 0i64;
                differences.iter().all(|item| match resolved(pdf, item) {
                    Object::Integer(n) => {
                        code = *n;
                        (0..=255).contains(n)
                    }
                    Object::Name(_) => {
                        let fits = (0..=255).contains(&code);
                        code += 1;
                        fits
                    }
                    _ => false,
                })
            });
            base && differences
        }
        Some(_) => false,
    };
    let widths = match (
        integer(pdf, font, b"FirstChar"),
        integer(pdf, font, b"LastChar"),
        array(pdf, font, b"Widths"),
    ) {
        (Some(first), Some(last), Some(widths)) => {
            i64::try_from(widths.len())
                .ok()
                .and_then(|count| first.checked_add(count)?.checked_sub(1))
                == Some(last)
        }
        _ => true,
    };
    let base_font = name(pdf, font, b"BaseFont").is_some();
    encoding && widths && base_font && to_unicode_readable(pdf, font)
}

/// pdf-extract's `get_unicode_map` panics on a /ToUnicode that is neither a stream nor the
/// name Identity-H.
fn to_unicode_readable(pdf: &Document, font: &Dictionary) -> bool {
    match entry(pdf, font, b"ToUnicode") {
        None | Some(Object::Stream(_)) => true,
        Some(Object::Name(cmap)) => cmap == b"Identity-H",
        Some(_) => false,
    }
}

/// Whether drawing some form XObject would draw it again (a cycle), or nest forms deeper than
/// `MAX_FORM_NESTING`. A form's edges are the XObjects of its own /Resources; a form without
/// /Resources uses those it is called from, so (when its content draws any XObject at all) it
/// gets the XObjects of every XObject dictionary that names it.
fn forms_recurse(pdf: &Document) -> bool {
    let mut edges: HashMap<ObjectId, Vec<ObjectId>> = HashMap::new();
    let mut inheriting = Vec::new();
    for (id, object) in &pdf.objects {
        if let Object::Stream(form) = object
            && name(pdf, &form.dict, b"Subtype") == Some(b"Form".as_slice())
        {
            match dictionary(pdf, &form.dict, b"Resources") {
                Some(resources) => {
                    edges.insert(*id, xobject_references(pdf, resources));
                }
                None => {
                    edges.insert(*id, Vec::new());
                    // Only a form that draws XObjects itself can recurse.
                    if stream_data(form).windows(2).any(|pair| pair == b"Do") {
                        inheriting.push(*id);
                    }
                }
            }
        }
    }
    if edges.is_empty() {
        return false;
    }
    if !inheriting.is_empty() {
        for object in pdf.objects.values() {
            let holder = match object {
                Object::Dictionary(dict) => dict,
                Object::Stream(stream) => &stream.dict,
                _ => continue,
            };
            let resources = [Some(holder), dictionary(pdf, holder, b"Resources")];
            for resources in resources.into_iter().flatten() {
                let named = xobject_references(pdf, resources);
                for id in &named {
                    if inheriting.contains(id)
                        && let Some(targets) = edges.get_mut(id)
                    {
                        targets.extend_from_slice(&named);
                    }
                }
            }
        }
    }
    cyclic_or_deep(&edges)
}

fn xobject_references(pdf: &Document, resources: &Dictionary) -> Vec<ObjectId> {
    dictionary(pdf, resources, b"XObject")
        .map(|xobjects| {
            xobjects
                .iter()
                .filter_map(|(_, xobject)| xobject.as_reference().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// A depth-first walk of the forms, iterative: a form met again on the path is a cycle; the
/// height of each finished form bounds the depth through it.
fn cyclic_or_deep(edges: &HashMap<ObjectId, Vec<ObjectId>>) -> bool {
    let mut height: HashMap<ObjectId, usize> = HashMap::new();
    let mut on_path: Vec<ObjectId> = Vec::new();
    for &start in edges.keys() {
        if height.contains_key(&start) {
            continue;
        }
        // (form, index of its next edge)
        let mut stack: Vec<(ObjectId, usize)> = vec![(start, 0)];
        on_path.push(start);
        while let Some(&(form, next)) = stack.last() {
            if stack.len() > MAX_FORM_NESTING {
                return true;
            }
            let target = edges
                .get(&form)
                .and_then(|targets| targets.get(next))
                .copied();
            let Some(target) = target else {
                let below = edges
                    .get(&form)
                    .into_iter()
                    .flatten()
                    .filter_map(|child| height.get(child))
                    .max()
                    .copied()
                    .unwrap_or(0);
                height.insert(form, below + 1);
                stack.pop();
                on_path.pop();
                continue;
            };
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            if !edges.contains_key(&target) {
                continue;
            }
            if on_path.contains(&target) {
                return true;
            }
            match height.get(&target) {
                Some(below) if stack.len() + below > MAX_FORM_NESTING => return true,
                Some(_) => {}
                None => {
                    stack.push((target, 0));
                    on_path.push(target);
                }
            }
        }
    }
    false
}
