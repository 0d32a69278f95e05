//! Encrypted PDFs, decrypted with the empty user password (what any reader does first: a PDF
//! with only an owner password, which restricts editing or printing, opens with it).
//!
//! Why not lopdf's own: lopdf 0.34 (under pdf-extract 0.7.12) decrypts RC4 only, revisions 2
//! and 3 (`Document::decrypt` → `encryption::get_encryption_key` accepts /V 1–2 and /R 2–3,
//! anything else is `DecryptionError::UnsupportedEncryption`), so AES-128 (/V 4, AESV2) and
//! AES-256 (/V 5, AESV3) files fail in `pdf_extract::extract_text_from_mem`'s `decrypt("")`.
//! And lopdf parses object streams while loading, before anything can decrypt them: an
//! encrypted object stream does not inflate, is emptied, and the objects in it are lost. Here
//! every string and stream of the loaded document is decrypted in place, object streams are
//! read again from the file, decrypted, checked and parsed, and `/Encrypt` is removed, so that
//! pdf-extract reads a plain document.
//!
//! `Handler` (in `security`) derives the key; the block cipher and hashes are RustCrypto's
//! (`aes`, `md-5`, `sha2`, wrapped in `aes` and `digests`). RC4 is the dozen lines in `rc4`:
//! the `rc4` crate fixes the key length in the type, while a PDF's RC4 key is 5 to 16 bytes
//! chosen by the file.

mod aes;
mod digests;
mod rc4;
mod security;

use std::collections::{BTreeSet, HashSet};

use pdf_extract::xref::XrefEntry;
use pdf_extract::{Dictionary, Document, Object, ObjectId, ObjectStream, Reader};

use super::pdf_guard::Tally;
use super::pdf_objects::resolved;
use crate::MediaError;
use security::Handler;

/// Decrypts `pdf` (loaded from `bytes`) in place when it is encrypted. Every stream it
/// decrypts goes through `tally` (the guard's caps) before lopdf may parse or inflate it.
/// A document that needs a password is refused with [`MediaError::ArticlePasswordProtected`].
pub(crate) fn decrypt(
    pdf: &mut Document,
    bytes: &[u8],
    tally: &mut Tally,
) -> Result<(), MediaError> {
    let Ok(encrypt) = pdf.trailer.get(b"Encrypt") else {
        return Ok(());
    };
    let encrypt_id = encrypt.as_reference().ok();
    let handler = {
        let Ok(encryption) = resolved(pdf, encrypt).as_dict() else {
            return Err(MediaError::ArticleCorrupt(
                "the PDF's encryption dictionary is missing".to_owned(),
            ));
        };
        Handler::open(pdf, encryption, &first_file_id(pdf))?
    };
    let containers = object_streams(pdf);
    // Objects that lopdf read out of object streams while loading came out of ciphertext (if
    // any came at all): only those it read at their own offset stay; the others come again
    // from the decrypted object streams below.
    let entries = &pdf.reference_table.entries;
    pdf.objects
        .retain(|(number, _), _| matches!(entries.get(number), Some(XrefEntry::Normal { .. })));
    let ids: Vec<ObjectId> = pdf.objects.keys().copied().collect();
    for id in ids {
        // The encryption dictionary itself is not encrypted; object streams are read again.
        if Some(id) == encrypt_id || containers.contains(&id) {
            continue;
        }
        if let Some(object) = pdf.objects.get_mut(&id) {
            decrypt_object(&handler, id, object, tally)?;
        }
    }
    let reader = Reader {
        buffer: bytes,
        document: Document {
            reference_table: pdf.reference_table.clone(),
            ..Document::new()
        },
    };
    for id in containers {
        let Ok(Object::Stream(mut stream)) = reader.get_object(id, &mut HashSet::new()) else {
            continue;
        };
        if !stream.dict.type_is(b"ObjStm") {
            continue;
        }
        let data = handler.stream(id, &stream.content);
        tally.decrypted_stream(&stream.dict, &data)?;
        stream.set_content(data);
        // As lopdf does when loading: an object given outside object streams wins.
        if let Ok(parsed) = ObjectStream::new(&mut stream) {
            for (object_id, object) in parsed.objects {
                pdf.objects.entry(object_id).or_insert(object);
            }
        }
        pdf.objects.insert(id, Object::Stream(stream));
    }
    pdf.trailer.remove(b"Encrypt");
    Ok(())
}

/// The first element of the trailer's /ID, which the key of revisions 2 to 4 depends on.
fn first_file_id(pdf: &Document) -> Vec<u8> {
    pdf.trailer
        .get(b"ID")
        .ok()
        .and_then(|id| resolved(pdf, id).as_array().ok())
        .and_then(|ids| ids.first())
        .and_then(|first| resolved(pdf, first).as_str().ok())
        .map(<[u8]>::to_vec)
        .unwrap_or_default()
}

/// The object streams, or what may be one: those the cross-reference streams name as
/// containers, those lopdf kept (emptied) while loading, and the objects it dropped (an
/// object stream whose ciphertext happened to inflate to something it could not parse).
fn object_streams(pdf: &Document) -> BTreeSet<ObjectId> {
    let entries = &pdf.reference_table.entries;
    let mut ids = BTreeSet::new();
    for (number, entry) in entries {
        match entry {
            XrefEntry::Compressed { container, .. } => {
                if let Some(XrefEntry::Normal { generation, .. }) = entries.get(container) {
                    ids.insert((*container, *generation));
                }
            }
            XrefEntry::Normal { generation, .. } => {
                if !pdf.objects.contains_key(&(*number, *generation)) {
                    ids.insert((*number, *generation));
                }
            }
            XrefEntry::Free | XrefEntry::UnusableFree => {}
        }
    }
    for (id, object) in &pdf.objects {
        if let Object::Stream(stream) = object
            && stream.dict.type_is(b"ObjStm")
        {
            ids.insert(*id);
        }
    }
    ids
}

/// Decrypts the strings and the stream data of one indirect object (its nesting is bounded:
/// lopdf parsed it from the file, whose depth `pdf_guard` checked).
fn decrypt_object(
    handler: &Handler,
    id: ObjectId,
    object: &mut Object,
    tally: &mut Tally,
) -> Result<(), MediaError> {
    match object {
        Object::String(bytes, _) => *bytes = handler.string(id, bytes),
        Object::Array(items) => {
            for item in items.iter_mut() {
                decrypt_object(handler, id, item, tally)?;
            }
        }
        Object::Dictionary(dictionary) => decrypt_dictionary(handler, id, dictionary, tally)?,
        Object::Stream(stream) => {
            // Cross-reference streams are never encrypted.
            if stream.dict.type_is(b"XRef") {
                return Ok(());
            }
            decrypt_dictionary(handler, id, &mut stream.dict, tally)?;
            let plain_metadata = stream.dict.type_is(b"Metadata") && !handler.encrypts_metadata();
            // A stream with its own /Crypt filter (an embedded file, metadata left plain) is
            // not page content: it is left as it is rather than decrypted with /StmF.
            if plain_metadata || has_crypt_filter(&stream.dict) {
                return Ok(());
            }
            let data = handler.stream(id, &stream.content);
            tally.decrypted_stream(&stream.dict, &data)?;
            stream.set_content(data);
        }
        _ => {}
    }
    Ok(())
}

fn decrypt_dictionary(
    handler: &Handler,
    id: ObjectId,
    dictionary: &mut Dictionary,
    tally: &mut Tally,
) -> Result<(), MediaError> {
    for (_, value) in dictionary.iter_mut() {
        decrypt_object(handler, id, value, tally)?;
    }
    Ok(())
}

fn has_crypt_filter(dictionary: &Dictionary) -> bool {
    match dictionary.get(b"Filter") {
        Ok(Object::Name(name)) => name == b"Crypt",
        Ok(Object::Array(names)) => names
            .iter()
            .any(|name| name.as_name().is_ok_and(|name| name == b"Crypt")),
        _ => false,
    }
}

/// Lowercase hex, to compare digests with published values.
#[cfg(test)]
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests;
