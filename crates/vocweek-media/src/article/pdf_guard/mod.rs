//! A guard run before pdf-extract. lopdf (under pdf-extract) parses arrays and dictionaries
//! recursively and inflates streams without limit: a 600 KB PDF with arrays nested 100,000
//! deep overflows the stack (and aborts the process), a 1 MB flate bomb takes gigabytes. This
//! pass refuses such files first, in one iterative pass over the bytes, with memory bounded by a
//! few fixed buffers:
//!
//! - a scanner (a state machine that can be fed chunks) tracks how deep `[`…`]` and `<<`…`>>`
//!   nest, skipping literal strings `( … )` (escapes, balanced nested parentheses), hex
//!   strings `< … >`, comments and stream bodies; it counts indirect objects (`obj`) and the
//!   in-use entries of cross-reference tables;
//! - each stream that lopdf would decode (`/FlateDecode`, `/Fl`, `/ASCII85Decode`, `/A85`,
//!   chained in any order) is decoded into small fixed buffers, the bytes counted but not
//!   kept, against one budget for the whole document; its decoded bytes go through the scanner
//!   too (object streams, `/Type /ObjStm`, hide objects inside compressed streams; content
//!   streams are parsed by the same recursive parser). A stream that does not inflate cleanly
//!   is not fatal (readers tolerate them): its count stops where the data goes wrong.
//!
//! Refusals name the configuration key of the cap they hit.
//!
//! Depth is an upper bound of what lopdf's parser can reach: inside an array or dictionary a
//! keyword (anything but `true`, `false`, `null`, `R` and numbers) makes lopdf's parse fail, so
//! depth starts again from zero after one; for the same reason a stream's decoded bytes are
//! scanned only up to the first byte that cannot appear in PDF syntax (binary data such as a
//! font or a picture), except in object streams, whose objects lopdf parses from offsets.
//!
//! An encrypted document's streams are ciphertext to this pass: none inflates (which is not a
//! refusal, see above), so a bomb or deep nesting inside them goes unseen here. `check` returns
//! what the file scan counted (a `Tally`), which `pdf_crypt` uses to put each stream it
//! decrypts through [`Tally::decrypted_stream`] (the same decoding, scan and budgets) before
//! lopdf may parse or inflate it.
//!
//! The files: `scan` is the lexer and nesting scanner, `objects` what only the scan of the file
//! keeps (object counts, cross-reference tables), `dict` what a stream's dictionary says,
//! `streams` where a stream's data is and the budgets, `decode` the filters.

mod decode;
mod dict;
mod objects;
mod scan;
mod streams;

use scan::Scanner;
use streams::Budget;
pub(crate) use streams::Tally;

use super::ArticleLimits;
use crate::MediaError;

/// Refuses a PDF whose nesting, object count or inflated streams pass `limits`. Returns what
/// its objects and streams have used of the caps, for the streams of an encrypted document,
/// which are checked once decrypted.
pub(crate) fn check(bytes: &[u8], limits: &ArticleLimits) -> Result<Tally, MediaError> {
    let mut scanner = Scanner::file(limits);
    let mut budget = Budget::new(bytes.len(), limits.max_pdf_inflated_bytes);
    let mut pos = 0;
    while let Some(rest) = bytes.get(pos..).filter(|rest| !rest.is_empty()) {
        let Some(at) = scanner.feed(rest)? else {
            break;
        };
        // `at`: the end of line right after the keyword `stream`.
        let keyword_end = pos.saturating_add(at);
        let facts = scanner.take_stream_facts();
        let resume = streams::stream(
            bytes,
            keyword_end,
            &facts,
            limits,
            &mut budget,
            &mut scanner,
        )?;
        pos = resume.max(keyword_end.saturating_add(1));
    }
    Ok(Tally::new(budget, scanner.objects(), limits))
}

fn too_deep(max: u32) -> MediaError {
    MediaError::ArticleCorrupt(format!(
        "the PDF nests arrays or dictionaries deeper than {max} levels (articles.max_pdf_depth)"
    ))
}

fn too_many_objects(max: u64) -> MediaError {
    MediaError::ArticleTooLarge(format!(
        "the PDF has more than {max} objects (articles.max_pdf_objects)"
    ))
}

#[cfg(test)]
pub(crate) mod tests;
