//! Streams: where a stream's data stands in the file, what decoding all of them may cost, and
//! where their decoded bytes go (the nesting scanner, the count of an object stream's objects).

use pdf_extract::Dictionary;

use super::decode::{Stage, push};
use super::dict::{FilterKind, StreamFacts};
use super::scan::Scanner;
use super::{ArticleLimits, too_many_objects};
use crate::MediaError;

/// Most filters one stream may chain (real files use one or two).
pub(super) const MAX_FILTERS: usize = 8;
/// File bytes handed to a stream's decoder at a time.
const FEED: usize = 64 * 1024;
const ENDSTREAM: &[u8] = b"endstream";

/// What decoding the document's streams has cost so far.
pub(super) struct Budget {
    inflated: u64,
    max_inflated: u64,
    /// File bytes taken by the decoders. A stream is decoded from its start until its data
    /// ends, even past `endstream` (lopdf may take a stream's length from an indirect object),
    /// so overlapping streams could make the decoders read the file many times over.
    read: u64,
    max_read: u64,
}

impl Budget {
    pub(super) fn new(file_len: usize, max_inflated: u64) -> Budget {
        let file_len = u64::try_from(file_len).unwrap_or(u64::MAX);
        Budget {
            inflated: 0,
            max_inflated,
            read: 0,
            max_read: file_len.saturating_mul(4).saturating_add(1 << 20),
        }
    }

    pub(super) fn inflated(&mut self, bytes: usize) -> Result<(), MediaError> {
        self.inflated = self
            .inflated
            .saturating_add(u64::try_from(bytes).unwrap_or(u64::MAX));
        if self.inflated > self.max_inflated {
            return Err(MediaError::ArticleTooLarge(format!(
                "the PDF's compressed streams inflate to more than {} bytes in all (articles.max_pdf_inflated)",
                self.max_inflated
            )));
        }
        Ok(())
    }

    fn read(&mut self, bytes: usize) -> Result<(), MediaError> {
        self.read = self
            .read
            .saturating_add(u64::try_from(bytes).unwrap_or(u64::MAX));
        if self.read > self.max_read {
            return Err(MediaError::ArticleCorrupt(
                "the PDF's compressed streams overlap: decoding them reads the file more than four times over"
                    .to_owned(),
            ));
        }
        Ok(())
    }
}

/// What the file scan has used of the caps, handed on for the streams it could not see into:
/// an encrypted document's, checked once decrypted, against the same budgets.
pub(crate) struct Tally {
    budget: Budget,
    objects: u64,
    max_objects: u64,
    max_depth: u32,
}

impl Tally {
    pub(super) fn new(budget: Budget, objects: u64, limits: &ArticleLimits) -> Tally {
        Tally {
            budget,
            objects,
            max_objects: limits.max_pdf_objects,
            max_depth: limits.max_pdf_depth,
        }
    }

    /// Checks one stream of an encrypted document once decrypted, before lopdf parses or
    /// inflates it: `dictionary` is its dictionary as lopdf read it (dictionaries are not
    /// encrypted, and the file scan has bounded their nesting), `data` its decrypted bytes.
    pub(crate) fn decrypted_stream(
        &mut self,
        dictionary: &Dictionary,
        data: &[u8],
    ) -> Result<(), MediaError> {
        let facts = StreamFacts::of_dictionary(dictionary);
        let listed = decode_and_scan(data, data, &facts, self.max_depth, &mut self.budget)?;
        if facts.objstm {
            // The file scan, which saw this object stream encrypted, counted its /N already;
            // what its header lists beyond that is new.
            let more = listed.saturating_sub(facts.n.unwrap_or(0));
            self.objects = self.objects.saturating_add(more);
            if self.objects > self.max_objects {
                return Err(too_many_objects(self.max_objects));
            }
        }
        Ok(())
    }
}

/// One stream, whose keyword `stream` ends at `keyword_end`: decodes and counts it, scans what
/// lopdf will parse of it. Returns where the file scan resumes (after `endstream`).
pub(super) fn stream(
    bytes: &[u8],
    keyword_end: usize,
    facts: &StreamFacts,
    limits: &ArticleLimits,
    budget: &mut Budget,
    scanner: &mut Scanner,
) -> Result<usize, MediaError> {
    let body_start =
        keyword_end.saturating_add(eol_len(bytes.get(keyword_end..).unwrap_or_default()));
    let (raw_end, resume) = body_end(bytes, body_start, facts.length);
    let listed = decode_and_scan(
        bytes.get(body_start..).unwrap_or_default(),
        bytes.get(body_start..raw_end).unwrap_or_default(),
        facts,
        limits.max_pdf_depth,
        budget,
    )?;
    if facts.objstm {
        // lopdf parses one object per pair of numbers in the stream's header, whatever /N says.
        scanner.add_objects(facts.n.unwrap_or(0).max(listed))?;
    }
    Ok(resume)
}

/// Decodes a stream's data as lopdf would, counting it against `budget`, and scans what lopdf
/// parses of it. `encoded` is where its decoders start (they go on while the data does, even
/// past `raw`), `raw` its bytes as lopdf cuts them, parsed when it cannot decode them. Returns
/// the objects an object stream's header lists.
fn decode_and_scan(
    encoded: &[u8],
    raw: &[u8],
    facts: &StreamFacts,
    depth: u32,
    budget: &mut Budget,
) -> Result<u64, MediaError> {
    if facts.filters.len() > MAX_FILTERS {
        return Err(MediaError::ArticleCorrupt(format!(
            "a stream of the PDF chains more than {MAX_FILTERS} filters"
        )));
    }
    // lopdf decodes FlateDecode, LZWDecode and ASCII85Decode, never an image's data. When it
    // cannot decode a stream, the raw bytes are what it parses (pdf-extract falls back to them
    // for page contents, lopdf for object streams).
    let lopdf_decodes = !facts.image && facts.filters.iter().all(|f| f.lopdf_decodes);
    let raw_is_parsed = facts.filters.is_empty() || !lopdf_decodes;
    let mut stages = Vec::new();
    if !facts.image {
        for filter in &facts.filters {
            match filter.kind {
                FilterKind::Flate => stages.push(Stage::flate()),
                FilterKind::Ascii85 => stages.push(Stage::ascii85()),
                FilterKind::Other => break,
            }
        }
    }
    let decoded_is_parsed = !raw_is_parsed && stages.len() == facts.filters.len();
    let mut sink = if decoded_is_parsed {
        Sink::parsed(facts, depth)
    } else {
        Sink::none()
    };
    let mut at = 0usize;
    while stages.first().is_some_and(|stage| !stage.done()) {
        let end = at.saturating_add(FEED).min(encoded.len());
        let Some(chunk) = encoded.get(at..end).filter(|chunk| !chunk.is_empty()) else {
            break;
        };
        let taken = push(&mut stages, chunk, budget, &mut sink)?;
        budget.read(taken)?;
        if taken == 0 {
            break;
        }
        at = at.saturating_add(taken);
    }
    if raw_is_parsed {
        sink = Sink::parsed(facts, depth);
        sink.feed(raw)?;
    }
    Ok(sink.header_objects())
}

/// The length of the end of line at the start of `rest` (after `stream`, before `endstream`).
fn eol_len(rest: &[u8]) -> usize {
    if rest.starts_with(b"\r\n") {
        2
    } else if rest.first().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        1
    } else {
        0
    }
}

/// Where a stream's raw bytes end, and where the file scan resumes: after `/Length` bytes when
/// `endstream` stands there, else at the next `endstream`.
fn body_end(bytes: &[u8], body_start: usize, length: Option<u64>) -> (usize, usize) {
    let end = length
        .and_then(|length| usize::try_from(length).ok())
        .and_then(|length| body_start.checked_add(length));
    if let Some(end) = end
        && let Some(after) = bytes.get(end..)
    {
        let gap = eol_len(after);
        if after.get(gap..).is_some_and(|a| a.starts_with(ENDSTREAM)) {
            return (end, end.saturating_add(gap).saturating_add(ENDSTREAM.len()));
        }
    }
    match find(bytes, body_start, ENDSTREAM) {
        Some(at) => (at, at.saturating_add(ENDSTREAM.len())),
        None => (bytes.len(), bytes.len()),
    }
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|at| from.saturating_add(at))
}

/// Where a stream's decoded (or raw) bytes go: the depth scanner, and for an object stream
/// the count of the numbers in its header.
pub(super) struct Sink {
    scanner: Option<Scanner>,
    header: Option<HeaderWords>,
}

impl Sink {
    fn none() -> Sink {
        Sink {
            scanner: None,
            header: None,
        }
    }

    /// For bytes lopdf parses: an object stream fully (its objects are parsed from offsets in
    /// its header), anything else as a content stream (parsed from its start, so up to the
    /// first byte that is not PDF syntax).
    fn parsed(facts: &StreamFacts, max_depth: u32) -> Sink {
        Sink {
            scanner: Some(Scanner::stream(max_depth, !facts.objstm)),
            header: if facts.objstm {
                facts.first.map(HeaderWords::new)
            } else {
                None
            },
        }
    }

    pub(super) fn feed(&mut self, data: &[u8]) -> Result<(), MediaError> {
        if let Some(header) = self.header.as_mut() {
            header.feed(data);
        }
        if let Some(scanner) = self.scanner.as_mut() {
            scanner.feed(data)?;
        }
        Ok(())
    }

    /// The objects an object stream's header lists (lopdf parses one per pair of numbers).
    fn header_objects(&self) -> u64 {
        self.header.as_ref().map_or(0, |header| header.words / 2)
    }
}

/// Counts the words in the first `/First` bytes of an object stream.
struct HeaderWords {
    remaining: u64,
    words: u64,
    in_word: bool,
}

impl HeaderWords {
    fn new(first: u64) -> HeaderWords {
        HeaderWords {
            remaining: first,
            words: 0,
            in_word: false,
        }
    }

    fn feed(&mut self, data: &[u8]) {
        let take = usize::try_from(self.remaining)
            .unwrap_or(usize::MAX)
            .min(data.len());
        for &b in data.get(..take).unwrap_or_default() {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0B' | b'\x0C') {
                self.in_word = false;
            } else if !self.in_word {
                self.in_word = true;
                self.words += 1;
            }
        }
        self.remaining = self
            .remaining
            .saturating_sub(u64::try_from(take).unwrap_or(u64::MAX));
    }
}
