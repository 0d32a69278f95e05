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

use std::collections::HashMap;

use flate2::{Decompress, FlushDecompress, Status};

use super::ArticleLimits;
use crate::MediaError;

/// Most filters one stream may chain (real files use one or two).
const MAX_FILTERS: usize = 8;
/// The output buffer of one decoding stage.
const STAGE_BUFFER: usize = 32 * 1024;
/// File bytes handed to a stream's decoder at a time.
const FEED: usize = 64 * 1024;
/// Bytes of a token kept: enough for the longest name looked at (`/ASCII85Decode`) even when
/// every letter is written `#xx`.
const TOKEN_MAX: usize = 48;
const ENDSTREAM: &[u8] = b"endstream";

/// Refuses a PDF whose nesting, object count or inflated streams pass `limits`.
pub(crate) fn check(bytes: &[u8], limits: &ArticleLimits) -> Result<(), MediaError> {
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
        let resume = stream(
            bytes,
            keyword_end,
            &facts,
            limits,
            &mut budget,
            &mut scanner,
        )?;
        pos = resume.max(keyword_end.saturating_add(1));
    }
    Ok(())
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

/// What decoding the document's streams has cost so far.
struct Budget {
    inflated: u64,
    max_inflated: u64,
    /// File bytes taken by the decoders. A stream is decoded from its start until its data
    /// ends, even past `endstream` (lopdf may take a stream's length from an indirect object),
    /// so overlapping streams could make the decoders read the file many times over.
    read: u64,
    max_read: u64,
}

impl Budget {
    fn new(file_len: usize, max_inflated: u64) -> Budget {
        let file_len = u64::try_from(file_len).unwrap_or(u64::MAX);
        Budget {
            inflated: 0,
            max_inflated,
            read: 0,
            max_read: file_len.saturating_mul(4).saturating_add(1 << 20),
        }
    }

    fn inflated(&mut self, bytes: usize) -> Result<(), MediaError> {
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

/// One stream, whose keyword `stream` ends at `keyword_end`: decodes and counts it, scans what
/// lopdf will parse of it. Returns where the file scan resumes (after `endstream`).
fn stream(
    bytes: &[u8],
    keyword_end: usize,
    facts: &StreamFacts,
    limits: &ArticleLimits,
    budget: &mut Budget,
    scanner: &mut Scanner,
) -> Result<usize, MediaError> {
    if facts.filters.len() > MAX_FILTERS {
        return Err(MediaError::ArticleCorrupt(format!(
            "a stream of the PDF chains more than {MAX_FILTERS} filters"
        )));
    }
    let body_start =
        keyword_end.saturating_add(eol_len(bytes.get(keyword_end..).unwrap_or_default()));
    let (raw_end, resume) = body_end(bytes, body_start, facts.length);
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
    let depth = limits.max_pdf_depth;
    let mut sink = if decoded_is_parsed {
        Sink::parsed(facts, depth)
    } else {
        Sink::none()
    };
    let mut at = body_start;
    while stages.first().is_some_and(|stage| !stage.done()) {
        let end = at.saturating_add(FEED).min(bytes.len());
        let Some(chunk) = bytes.get(at..end).filter(|chunk| !chunk.is_empty()) else {
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
        sink.feed(bytes.get(body_start..raw_end).unwrap_or_default())?;
    }
    if facts.objstm {
        // lopdf parses one object per pair of numbers in the stream's header, whatever /N says.
        scanner.add_objects(facts.n.unwrap_or(0).max(sink.header_objects()))?;
    }
    Ok(resume)
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

/// One decoding step of a stream's filter chain, writing into a fixed buffer.
enum Stage {
    Flate {
        inflater: Decompress,
        out: Vec<u8>,
        done: bool,
    },
    Ascii85 {
        group: u32,
        count: u8,
        out: Vec<u8>,
        done: bool,
    },
}

impl Stage {
    fn flate() -> Stage {
        Stage::Flate {
            inflater: Decompress::new(true),
            out: vec![0; STAGE_BUFFER],
            done: false,
        }
    }

    fn ascii85() -> Stage {
        Stage::Ascii85 {
            group: 0,
            count: 0,
            out: Vec::with_capacity(STAGE_BUFFER + 4),
            done: false,
        }
    }

    fn done(&self) -> bool {
        match self {
            Stage::Flate { done, .. } | Stage::Ascii85 { done, .. } => *done,
        }
    }
}

/// Feeds `input` to the first of `stages`, whose output goes through the others (each one's
/// output counted against the budget) and then to `sink`. Returns how much of `input` the first
/// stage took: all of it unless its data ended (or went wrong) on the way.
fn push(
    stages: &mut [Stage],
    input: &[u8],
    budget: &mut Budget,
    sink: &mut Sink,
) -> Result<usize, MediaError> {
    let Some((stage, rest)) = stages.split_first_mut() else {
        sink.feed(input)?;
        return Ok(input.len());
    };
    match stage {
        Stage::Flate {
            inflater,
            out,
            done,
        } => {
            let mut taken = 0;
            while !*done {
                let remaining = input.get(taken..).unwrap_or_default();
                let (in_before, out_before) = (inflater.total_in(), inflater.total_out());
                let status =
                    inflater.decompress(remaining, out.as_mut_slice(), FlushDecompress::None);
                let consumed = usize::try_from(inflater.total_in().saturating_sub(in_before))
                    .unwrap_or(usize::MAX)
                    .min(remaining.len());
                let produced = usize::try_from(inflater.total_out().saturating_sub(out_before))
                    .unwrap_or(usize::MAX)
                    .min(out.len());
                taken += consumed;
                if produced > 0 {
                    budget.inflated(produced)?;
                    push(rest, out.get(..produced).unwrap_or_default(), budget, sink)?;
                }
                match status {
                    // A broken stream is not fatal: its count stops here.
                    Ok(Status::StreamEnd) | Err(_) => *done = true,
                    Ok(Status::Ok | Status::BufError) => {
                        let more_input = taken < input.len();
                        let drained = produced < out.len();
                        if (consumed == 0 && produced == 0) || (!more_input && drained) {
                            break;
                        }
                    }
                }
            }
            Ok(taken)
        }
        Stage::Ascii85 {
            group,
            count,
            out,
            done,
        } => {
            // As lopdf decodes it: `z` is four zeros, whitespace is skipped, and the data ends
            // at the first character outside `!`..=`u` (normally the `~` of `~>`).
            let mut taken = 0;
            for &c in input {
                if *done {
                    break;
                }
                taken += 1;
                if c.is_ascii_whitespace() {
                    continue;
                }
                if c == b'z' && *count == 0 {
                    out.extend_from_slice(&[0; 4]);
                } else if (b'!'..=b'u').contains(&c) {
                    *group = group.wrapping_mul(85).wrapping_add(u32::from(c - b'!'));
                    *count += 1;
                    if *count == 5 {
                        out.extend_from_slice(&group.to_be_bytes());
                        *group = 0;
                        *count = 0;
                    }
                } else {
                    *done = true;
                    if *count > 0 {
                        for _ in *count..5 {
                            *group = group.wrapping_mul(85).wrapping_add(84);
                        }
                        let last = group.to_be_bytes();
                        out.extend_from_slice(
                            last.get(..usize::from(*count - 1)).unwrap_or_default(),
                        );
                        *count = 0;
                    }
                }
                if out.len() >= STAGE_BUFFER {
                    budget.inflated(out.len())?;
                    push(rest, out.as_slice(), budget, sink)?;
                    out.clear();
                }
            }
            if !out.is_empty() {
                budget.inflated(out.len())?;
                push(rest, out.as_slice(), budget, sink)?;
                out.clear();
            }
            Ok(taken)
        }
    }
}

/// Where a stream's decoded (or raw) bytes go: the depth scanner, and for an object stream
/// the count of the numbers in its header.
struct Sink {
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

    fn feed(&mut self, data: &[u8]) -> Result<(), MediaError> {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FilterKind {
    Flate,
    Ascii85,
    /// Not decoded here (LZWDecode, DCTDecode, …).
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FilterName {
    kind: FilterKind,
    /// lopdf decodes it (it knows the full names only).
    lopdf_decodes: bool,
}

impl FilterName {
    const OTHER: FilterName = FilterName {
        kind: FilterKind::Other,
        lopdf_decodes: false,
    };

    fn of(name: &[u8]) -> FilterName {
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
struct StreamFacts {
    /// In decoding order; at most `MAX_FILTERS + 1` kept (more is refused).
    filters: Vec<FilterName>,
    /// `/Type /ObjStm`.
    objstm: bool,
    /// `/Subtype /Image`: lopdf never decodes it.
    image: bool,
    /// A direct `/Length` (an indirect one reads as its object number, checked against where
    /// `endstream` stands).
    length: Option<u64>,
    /// `/N` and `/First` of an object stream.
    n: Option<u64>,
    first: Option<u64>,
}

/// The dictionary keys looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Filter,
    Type,
    Subtype,
    Length,
    N,
    First,
    Other,
}

impl Key {
    fn of(name: &[u8]) -> Key {
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
enum Slot {
    Key,
    Value(Key),
    Nested(Key),
}

/// A dictionary value, as far as the facts go.
#[derive(Debug, Clone, Copy)]
enum Value<'a> {
    Name(&'a [u8]),
    Int(u64),
    Other,
}

/// Reading a classic cross-reference table: `start count` headers, `offset generation n|f`
/// entries.
#[derive(Debug, Default)]
struct XrefTable {
    ints: [u64; 2],
    count: u8,
    next_id: u64,
}

/// What only the scan of the file itself (not of a stream's content) keeps.
#[derive(Debug)]
struct FileState {
    objects: u64,
    max_objects: u64,
    /// The outermost open container is a dictionary.
    top_dict: bool,
    slot: Slot,
    facts: StreamFacts,
    /// A top-level dictionary has just closed (nothing but whitespace and comments since):
    /// only then is `stream` a stream.
    after_dict: bool,
    xref: Option<XrefTable>,
    xref_entries: u64,
    /// Offset → object number, over all cross-reference tables: lopdf parses the object at an
    /// offset once per entry, so two numbers at one offset multiply what it holds.
    xref_offsets: HashMap<u64, u64>,
}

impl FileState {
    fn new(max_objects: u64) -> FileState {
        FileState {
            objects: 0,
            max_objects,
            top_dict: false,
            slot: Slot::Key,
            facts: StreamFacts::default(),
            after_dict: false,
            xref: None,
            xref_entries: 0,
            xref_offsets: HashMap::new(),
        }
    }

    fn apply(&mut self, key: Key, value: Value<'_>) {
        let facts = &mut self.facts;
        match key {
            Key::Filter => {
                facts.filters.clear();
                facts.filters.push(match value {
                    Value::Name(name) => FilterName::of(name),
                    Value::Int(_) | Value::Other => FilterName::OTHER,
                });
            }
            Key::Type => facts.objstm = matches!(value, Value::Name(name) if name == b"ObjStm"),
            Key::Subtype => facts.image = matches!(value, Value::Name(name) if name == b"Image"),
            Key::Length => facts.length = int(&value),
            Key::N => facts.n = int(&value),
            Key::First => facts.first = int(&value),
            Key::Other => {}
        }
    }

    /// `n` or `f` in a cross-reference table; `false` when `token` is neither (the table ends).
    fn xref_keyword(&mut self, token: &[u8]) -> Result<bool, MediaError> {
        let Some(xref) = self.xref.as_mut() else {
            return Ok(false);
        };
        let in_use = match token {
            b"n" => true,
            b"f" => false,
            _ => {
                self.xref = None;
                return Ok(false);
            }
        };
        let complete = xref.count == 2;
        let (offset, id) = (xref.ints[0], xref.next_id);
        xref.count = 0;
        xref.next_id = xref.next_id.saturating_add(1);
        if in_use && complete {
            self.xref_entries = self.xref_entries.saturating_add(1);
            if self.xref_entries > self.max_objects {
                return Err(too_many_objects(self.max_objects));
            }
            if offset != 0
                && let Some(other) = self.xref_offsets.insert(offset, id)
                && other != id
            {
                return Err(MediaError::ArticleCorrupt(format!(
                    "the PDF's cross-reference tables give objects {other} and {id} the same offset"
                )));
            }
        }
        Ok(true)
    }

    fn xref_integer(&mut self, n: u64) {
        if let Some(xref) = self.xref.as_mut() {
            if xref.count == 2 {
                // The two numbers before were a subsection header: `first-number count`.
                xref.next_id = xref.ints[0];
                xref.count = 0;
            }
            if let Some(slot) = xref.ints.get_mut(usize::from(xref.count)) {
                *slot = n;
            }
            xref.count += 1;
        }
    }
}

fn int(value: &Value<'_>) -> Option<u64> {
    match value {
        Value::Int(n) => Some(*n),
        Value::Name(_) | Value::Other => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lex {
    Normal,
    Comment,
    /// In a literal string: open parentheses, and whether a backslash escapes the next byte.
    Literal {
        nesting: u32,
        escaped: bool,
    },
    Hex,
    /// After `<`: a dictionary if another `<` follows, else a hex string.
    AfterLt,
    /// After `>` outside a hex string: the end of a dictionary if another `>` follows.
    AfterGt,
    /// A content stream's syntax ended (binary data): the rest is not looked at.
    Stopped,
}

/// The nesting scanner: iterative, fed in chunks of any size (a token or a `<<` may straddle
/// two), memory fixed.
#[derive(Debug)]
pub(crate) struct Scanner {
    lex: Lex,
    depth: u32,
    max_depth: u32,
    /// Stop at the first byte that cannot appear in PDF syntax (for content streams).
    stop_at_junk: bool,
    token: [u8; TOKEN_MAX],
    /// The token's full length (only the first `TOKEN_MAX` bytes are kept).
    token_len: usize,
    /// Only when scanning the file itself.
    file: Option<FileState>,
}

impl Scanner {
    fn file(limits: &ArticleLimits) -> Scanner {
        Scanner {
            file: Some(FileState::new(limits.max_pdf_objects)),
            ..Scanner::stream(limits.max_pdf_depth, false)
        }
    }

    /// A scanner for decoded stream content.
    pub(crate) fn stream(max_depth: u32, stop_at_junk: bool) -> Scanner {
        Scanner {
            lex: Lex::Normal,
            depth: 0,
            max_depth,
            stop_at_junk,
            token: [0; TOKEN_MAX],
            token_len: 0,
            file: None,
        }
    }

    /// Scans `chunk`, continuing from the previous one. In the file, returns `Some(i)` when
    /// the keyword `stream` of a stream ends at `chunk[i]` (an end of line): the caller handles
    /// the stream and goes on feeding from after it.
    pub(crate) fn feed(&mut self, chunk: &[u8]) -> Result<Option<usize>, MediaError> {
        for (i, &b) in chunk.iter().enumerate() {
            match self.lex {
                Lex::Stopped => return Ok(None),
                Lex::Comment => {
                    if b == b'\n' || b == b'\r' {
                        self.lex = Lex::Normal;
                    }
                }
                Lex::Literal { nesting, escaped } => self.lex = literal_step(nesting, escaped, b),
                Lex::Hex => {
                    if b == b'>' {
                        self.lex = Lex::Normal;
                    }
                }
                Lex::AfterLt => {
                    if b == b'<' {
                        self.lex = Lex::Normal;
                        self.open(true)?;
                    } else {
                        self.value();
                        self.lex = if b == b'>' { Lex::Normal } else { Lex::Hex };
                    }
                }
                Lex::AfterGt => {
                    self.lex = Lex::Normal;
                    if b == b'>' {
                        self.close();
                    } else {
                        self.junk();
                        if self.lex == Lex::Normal && self.normal(b)? {
                            return Ok(Some(i));
                        }
                    }
                }
                Lex::Normal => {
                    if self.normal(b)? {
                        return Ok(Some(i));
                    }
                }
            }
        }
        Ok(None)
    }

    /// A byte outside strings and comments; `true` when it ends the keyword of a stream.
    fn normal(&mut self, b: u8) -> Result<bool, MediaError> {
        if is_whitespace(b) {
            return self.end_token(b);
        }
        match b {
            b'%' => {
                self.end_token(b)?;
                self.lex = Lex::Comment;
            }
            b'(' => {
                self.end_token(b)?;
                self.value();
                self.lex = Lex::Literal {
                    nesting: 1,
                    escaped: false,
                };
            }
            b'<' => {
                self.end_token(b)?;
                self.lex = Lex::AfterLt;
            }
            b'>' => {
                self.end_token(b)?;
                self.lex = Lex::AfterGt;
            }
            b'[' => {
                self.end_token(b)?;
                self.open(false)?;
            }
            b']' => {
                self.end_token(b)?;
                self.close();
            }
            b')' | b'{' | b'}' => {
                self.end_token(b)?;
                self.junk();
            }
            b'/' => {
                self.end_token(b)?;
                self.push(b);
            }
            _ => {
                if self.stop_at_junk && !self.in_name() && !bare_ok(b) {
                    self.junk();
                } else {
                    self.push(b);
                }
            }
        }
        Ok(false)
    }

    fn push(&mut self, b: u8) {
        if let Some(slot) = self.token.get_mut(self.token_len) {
            *slot = b;
        }
        self.token_len = self.token_len.saturating_add(1);
    }

    fn in_name(&self) -> bool {
        self.token_len > 0 && self.token.first() == Some(&b'/')
    }

    /// A byte that is not PDF syntax here: ends a content stream's scan; elsewhere nothing.
    fn junk(&mut self) {
        if self.stop_at_junk {
            self.lex = Lex::Stopped;
            self.token_len = 0;
        }
        if let Some(file) = self.file.as_mut() {
            file.after_dict = false;
        }
    }

    fn open(&mut self, dict: bool) -> Result<(), MediaError> {
        let outer = self.depth;
        self.depth = self.depth.saturating_add(1);
        if self.depth > self.max_depth {
            return Err(too_deep(self.max_depth));
        }
        if let Some(file) = self.file.as_mut() {
            file.after_dict = false;
            if outer == 0 {
                file.top_dict = dict;
                file.slot = Slot::Key;
                if dict {
                    file.facts = StreamFacts::default();
                }
            } else if outer == 1 && file.top_dict {
                let slot = file.slot;
                file.slot = match slot {
                    Slot::Value(Key::Filter) if !dict => {
                        file.facts.filters.clear();
                        Slot::Nested(Key::Filter)
                    }
                    Slot::Value(key) => {
                        file.apply(key, Value::Other);
                        Slot::Nested(Key::Other)
                    }
                    Slot::Key | Slot::Nested(_) => Slot::Nested(Key::Other),
                };
            }
        }
        Ok(())
    }

    fn close(&mut self) {
        let outer = self.depth;
        self.depth = self.depth.saturating_sub(1);
        if let Some(file) = self.file.as_mut() {
            file.after_dict = outer == 1 && file.top_dict;
            if outer == 2 && file.top_dict && matches!(file.slot, Slot::Nested(_)) {
                file.slot = Slot::Key;
            }
        }
    }

    /// A string, a number other than a plain integer, `true`, `R`…: a value.
    fn value(&mut self) {
        let depth = self.depth;
        if let Some(file) = self.file.as_mut() {
            file.after_dict = false;
            if file.top_dict
                && depth == 1
                && let Slot::Value(key) = file.slot
            {
                file.apply(key, Value::Other);
                file.slot = Slot::Key;
            }
        }
    }

    fn integer(&mut self, n: u64) {
        let depth = self.depth;
        if let Some(file) = self.file.as_mut() {
            file.after_dict = false;
            file.xref_integer(n);
            if file.top_dict
                && depth == 1
                && let Slot::Value(key) = file.slot
            {
                file.apply(key, Value::Int(n));
                file.slot = Slot::Key;
            }
        }
    }

    fn name(&mut self, name: &[u8]) {
        let depth = self.depth;
        if let Some(file) = self.file.as_mut() {
            file.after_dict = false;
            if !file.top_dict {
                return;
            }
            match (depth, file.slot) {
                (1, Slot::Key) => file.slot = Slot::Value(Key::of(name)),
                (1, Slot::Value(key)) => {
                    file.apply(key, Value::Name(name));
                    file.slot = Slot::Key;
                }
                (2, Slot::Nested(Key::Filter)) if file.facts.filters.len() <= MAX_FILTERS => {
                    file.facts.filters.push(FilterName::of(name));
                }
                _ => {}
            }
        }
    }

    /// Ends the token being read, if any, before byte `terminator`.
    fn end_token(&mut self, terminator: u8) -> Result<bool, MediaError> {
        if self.token_len == 0 {
            return Ok(false);
        }
        let len = self.token_len;
        self.token_len = 0;
        let kept = self.token;
        let truncated = len > TOKEN_MAX;
        let token = kept.get(..len.min(TOKEN_MAX)).unwrap_or_default();
        if token.first() == Some(&b'/') {
            // A name longer than kept is none of those looked at.
            let (decoded, decoded_len) = decode_name(token);
            let name = if truncated {
                &[][..]
            } else {
                decoded.get(..decoded_len).unwrap_or_default()
            };
            self.name(name);
            return Ok(false);
        }
        if let Some(n) = integer(token, truncated) {
            self.integer(n);
            return Ok(false);
        }
        if object_syntax(token, truncated) {
            self.value();
            return Ok(false);
        }
        self.keyword(token, terminator)
    }

    /// A keyword: inside an array or a dictionary lopdf's parse fails at it, so nesting
    /// starts again from zero.
    fn keyword(&mut self, token: &[u8], terminator: u8) -> Result<bool, MediaError> {
        self.depth = 0;
        let Some(file) = self.file.as_mut() else {
            return Ok(false);
        };
        if file.xref_keyword(token)? {
            return Ok(false);
        }
        let after_dict = std::mem::replace(&mut file.after_dict, false);
        file.top_dict = false;
        file.slot = Slot::Key;
        match token {
            b"stream" if after_dict && (terminator == b'\n' || terminator == b'\r') => {
                return Ok(true);
            }
            b"obj" => {
                file.objects = file.objects.saturating_add(1);
                if file.objects > file.max_objects {
                    return Err(too_many_objects(file.max_objects));
                }
                file.facts = StreamFacts::default();
            }
            b"xref" => file.xref = Some(XrefTable::default()),
            _ => {}
        }
        Ok(false)
    }

    /// Objects found inside an object stream.
    fn add_objects(&mut self, objects: u64) -> Result<(), MediaError> {
        if let Some(file) = self.file.as_mut() {
            file.objects = file.objects.saturating_add(objects);
            if file.objects > file.max_objects {
                return Err(too_many_objects(file.max_objects));
            }
        }
        Ok(())
    }

    /// The facts of the dictionary before the stream just found; the scan then goes on
    /// after the stream, at the top level.
    fn take_stream_facts(&mut self) -> StreamFacts {
        self.lex = Lex::Normal;
        self.depth = 0;
        self.token_len = 0;
        match self.file.as_mut() {
            Some(file) => {
                file.top_dict = false;
                file.slot = Slot::Key;
                file.after_dict = false;
                std::mem::take(&mut file.facts)
            }
            None => StreamFacts::default(),
        }
    }
}

fn literal_step(nesting: u32, escaped: bool, b: u8) -> Lex {
    if escaped {
        return Lex::Literal {
            nesting,
            escaped: false,
        };
    }
    match b {
        b'\\' => Lex::Literal {
            nesting,
            escaped: true,
        },
        b'(' => Lex::Literal {
            nesting: nesting.saturating_add(1),
            escaped: false,
        },
        b')' if nesting <= 1 => Lex::Normal,
        b')' => Lex::Literal {
            nesting: nesting - 1,
            escaped: false,
        },
        _ => Lex::Literal {
            nesting,
            escaped: false,
        },
    }
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\0' | b'\x0C')
}

/// A byte that may stand outside strings and names in a content stream: digits, letters, signs,
/// the point, and the operators `*`, `'` and `"`.
fn bare_ok(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.' | b'*' | b'\'' | b'"')
}

/// A plain unsigned integer token.
fn integer(token: &[u8], truncated: bool) -> Option<u64> {
    if truncated || token.is_empty() {
        return None;
    }
    token.iter().try_fold(0u64, |n, &d| {
        if d.is_ascii_digit() {
            n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        } else {
            None
        }
    })
}

/// Whether lopdf may read `token` as values inside an array: numbers, `true`, `false`,
/// `null`, `R`, even run together (`truefalse` is two booleans to lopdf). A token cut short
/// counts as values when what was kept does.
fn object_syntax(token: &[u8], truncated: bool) -> bool {
    let mut rest = token;
    while let Some(&b) = rest.first() {
        if b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'R') {
            rest = rest.get(1..).unwrap_or_default();
            continue;
        }
        let mut matched = false;
        for word in [&b"null"[..], &b"true"[..], &b"false"[..]] {
            if rest.starts_with(word) {
                rest = rest.get(word.len()..).unwrap_or_default();
                matched = true;
                break;
            }
            if truncated && word.starts_with(rest) {
                return true;
            }
        }
        if !matched {
            return false;
        }
    }
    true
}

/// A name token (`/` first) with its `#xx` escapes decoded, without the `/`.
fn decode_name(token: &[u8]) -> ([u8; TOKEN_MAX], usize) {
    let mut out = [0u8; TOKEN_MAX];
    let mut len = 0;
    let mut i = 1;
    while let Some(&b) = token.get(i) {
        let mut byte = b;
        if b == b'#'
            && let (Some(high), Some(low)) = (
                token.get(i + 1).copied().and_then(hex_value),
                token.get(i + 2).copied().and_then(hex_value),
            )
        {
            byte = high * 16 + low;
            i += 2;
        }
        if let Some(slot) = out.get_mut(len) {
            *slot = byte;
            len += 1;
        }
        i += 1;
    }
    (out, len)
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::Write;
    use std::time::{Duration, Instant};

    use flate2::write::ZlibEncoder;
    use flate2::{Compress, Compression, FlushCompress};

    use super::*;

    /// A whole PDF of `objects` (numbered from 1, the first the catalog) with a correct
    /// cross-reference table.
    pub(crate) fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
        let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref_at = out.len();
        let size = objects.len() + 1;
        out.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f \n").as_bytes());
        for offset in offsets {
            out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!("trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n")
                .as_bytes(),
        );
        out
    }

    /// A stream object's body: its dictionary (`/Length` and `dictionary`) and `data`.
    pub(crate) fn stream_object(dictionary: &str, data: &[u8]) -> Vec<u8> {
        let mut out = format!("<< {dictionary} /Length {} >>\nstream\n", data.len()).into_bytes();
        out.extend_from_slice(data);
        out.extend_from_slice(b"\nendstream");
        out
    }

    pub(crate) fn zlib(data: &[u8]) -> Vec<u8> {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    /// `mib` mebibytes of zeros as raw deflate blocks (not the last), and the last, empty
    /// block: one mebibyte is compressed and fully flushed (so its compressed bytes stand
    /// alone) and those bytes are repeated; the zeros are never held. 1 GiB takes about 1 MB.
    fn zeros_deflate(mib: u64) -> (Vec<u8>, Vec<u8>) {
        let zeros = vec![0u8; 1 << 20];
        let mut compress = Compress::new(Compression::best(), false);
        let mut block = Vec::with_capacity(256 << 10);
        compress
            .compress_vec(&zeros, &mut block, FlushCompress::Full)
            .unwrap();
        assert_eq!(
            compress.total_in(),
            1 << 20,
            "the whole mebibyte compressed"
        );
        let mut last = Vec::with_capacity(1 << 10);
        compress
            .compress_vec(&[], &mut last, FlushCompress::Finish)
            .unwrap();
        let mut blocks = Vec::with_capacity(block.len() * usize::try_from(mib).unwrap());
        for _ in 0..mib {
            blocks.extend_from_slice(&block);
        }
        (blocks, last)
    }

    /// A zlib stream of `mib` mebibytes of zeros (see `zeros_deflate`).
    pub(crate) fn zlib_zeros(mib: u64) -> Vec<u8> {
        let (blocks, last) = zeros_deflate(mib);
        let mut out = vec![0x78, 0x9C];
        out.extend_from_slice(&blocks);
        out.extend_from_slice(&last);
        // Adler-32 of zeros: a stays 1, b adds 1 a byte.
        let adler = (((mib << 20) % 65521) << 16) | 1;
        out.extend_from_slice(&u32::try_from(adler).unwrap().to_be_bytes());
        out
    }

    /// ASCII85 (`~>` at the end), as PDF writers encode it.
    fn ascii85(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for chunk in data.chunks(4) {
            let mut group = [0u8; 4];
            group[..chunk.len()].copy_from_slice(chunk);
            let mut value = u32::from_be_bytes(group);
            if chunk.len() == 4 && value == 0 {
                out.push(b'z');
                continue;
            }
            let mut digits = [0u8; 5];
            for digit in digits.iter_mut().rev() {
                *digit = u8::try_from(value % 85).unwrap() + b'!';
                value /= 85;
            }
            out.extend_from_slice(&digits[..chunk.len() + 1]);
        }
        out.extend_from_slice(b"~>");
        out
    }

    fn limits() -> ArticleLimits {
        ArticleLimits::default()
    }

    fn catalog() -> Vec<u8> {
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()
    }

    /// The reason of a refusal, which must be `article-corrupt` (`corrupt`) or
    /// `article-too-large`.
    fn refusal(result: Result<(), MediaError>, corrupt: bool) -> String {
        match (result, corrupt) {
            (Err(MediaError::ArticleCorrupt(reason)), true)
            | (Err(MediaError::ArticleTooLarge(reason)), false) => reason,
            (other, _) => panic!("unexpected outcome: {other:?}"),
        }
    }

    fn nested(open: &str, close: &str, depth: usize) -> Vec<u8> {
        let mut out = open.repeat(depth);
        out.push_str(&close.repeat(depth));
        out.into_bytes()
    }

    /// A small one-page PDF, as writers make them: catalog, pages, page, font, and a
    /// compressed content stream.
    pub(crate) fn small_pdf(text: &str) -> Vec<u8> {
        let content = format!("BT /F1 24 Tf 72 720 Td ({text}) Tj ET");
        pdf(&[
            catalog(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
              /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
                .to_vec(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
            stream_object("/Filter /FlateDecode", &zlib(content.as_bytes())),
        ])
    }

    #[test]
    fn a_normal_small_pdf_passes() {
        check(&small_pdf("Hello, world"), &limits()).unwrap();
        // Uncompressed content, ASCII85 over Flate, nested arrays and dictionaries.
        let content = b"BT /F1 12 Tf [(A) -120 (B)] TJ ET /Span <</MCID 0>> BDC EMC";
        let file = pdf(&[
            b"<< /Type /Catalog /Pages 2 0 R /Names << /Dests << /Kids [[1 [2 [3]]]] >> >> >>"
                .to_vec(),
            stream_object("", content),
            stream_object(
                "/Filter [/ASCII85Decode /FlateDecode]",
                &ascii85(&zlib(content)),
            ),
        ]);
        check(&file, &limits()).unwrap();
    }

    #[test]
    fn nesting_up_to_the_cap_passes_and_one_more_level_is_refused() {
        let limits = ArticleLimits {
            max_pdf_depth: 16,
            ..limits()
        };
        check(&pdf(&[catalog(), nested("[", "]", 16)]), &limits).unwrap();
        check(&pdf(&[catalog(), nested("<< /A ", " >>", 16)]), &limits).unwrap();
        let reason = refusal(
            check(&pdf(&[catalog(), nested("[", "]", 17)]), &limits),
            true,
        );
        assert!(reason.contains("16 levels"), "{reason}");
        assert!(reason.contains("articles.max_pdf_depth"), "{reason}");
    }

    #[test]
    fn arrays_nested_a_hundred_thousand_deep_are_refused_quickly() {
        let started = Instant::now();
        let file = pdf(&[catalog(), nested("[", "]", 100_000)]);
        let reason = refusal(check(&file, &limits()), true);
        assert_eq!(
            reason,
            "the PDF nests arrays or dictionaries deeper than 256 levels (articles.max_pdf_depth)"
        );
        let file = pdf(&[catalog(), nested("<< /A ", " >>", 100_000)]);
        refusal(check(&file, &limits()), true);
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn nesting_hidden_in_a_compressed_object_stream_is_refused() {
        let header = b"3 0 ";
        let mut objects = header.to_vec();
        objects.extend_from_slice(&nested("[", "]", 100_000));
        let object_stream = stream_object(
            &format!(
                "/Type /ObjStm /N 1 /First {} /Filter /FlateDecode",
                header.len()
            ),
            &zlib(&objects),
        );
        let file = pdf(&[catalog(), object_stream]);
        let reason = refusal(check(&file, &limits()), true);
        assert!(reason.contains("articles.max_pdf_depth"), "{reason}");
        // Written with escapes in the names, it is the same object stream to lopdf.
        let escaped = stream_object(
            &format!(
                "/Type /Obj#53tm /N 1 /First {} /Filter /Flate#44ecode",
                header.len()
            ),
            &zlib(&objects),
        );
        refusal(check(&pdf(&[catalog(), escaped]), &limits()), true);
    }

    #[test]
    fn nesting_in_a_compressed_content_stream_is_refused() {
        let mut content = b"BT ".to_vec();
        content.extend_from_slice(&nested("[", "]", 1_000));
        content.extend_from_slice(b" TJ ET");
        let file = pdf(&[
            catalog(),
            stream_object("/Filter /FlateDecode", &zlib(&content)),
        ]);
        refusal(check(&file, &limits()), true);
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_nest() {
        let brackets = "[".repeat(1_000);
        let dicts = "<<".repeat(1_000);
        let object = format!(
            "<< /Title ({brackets} \\) still the string \\( {dicts} (nested {brackets}) ) \
             /Hex <5b5b5b5b> /A [1 2 [3]] >>\n% {brackets}\n"
        );
        let content = format!("BT ({brackets}\\)) Tj ET % {brackets}\n");
        let file = pdf(&[
            catalog(),
            object.into_bytes(),
            stream_object("", content.as_bytes()),
            stream_object("/Filter /FlateDecode", &zlib(content.as_bytes())),
        ]);
        check(&file, &limits()).unwrap();
    }

    #[test]
    fn binary_stream_data_is_not_syntax() {
        // A JPEG's bytes (never decoded by lopdf) and a compressed font program (decoded, but
        // binary from its first bytes): brackets in them are no nesting.
        let mut jpeg = b"\xFF\xD8\xFF\xE0".to_vec();
        jpeg.extend_from_slice(&b"[".repeat(1_000));
        let mut font = vec![0u8, 1, 0, 0];
        font.extend_from_slice(&b"<<".repeat(1_000));
        let file = pdf(&[
            catalog(),
            stream_object(
                "/Type /XObject /Subtype /Image /Width 8 /Height 8 /Filter /DCTDecode",
                &jpeg,
            ),
            stream_object("/Length1 2004 /Filter /FlateDecode", &zlib(&font)),
        ]);
        check(&file, &limits()).unwrap();
    }

    #[test]
    fn a_flate_bomb_is_refused_naming_the_cap() {
        let bomb = zlib_zeros(1 << 10);
        assert!(
            bomb.len() < 2 << 20,
            "1 GiB of zeros in {} bytes",
            bomb.len()
        );
        let file = pdf(&[catalog(), stream_object("/Filter /FlateDecode", &bomb)]);
        let started = Instant::now();
        let reason = refusal(check(&file, &limits()), false);
        assert_eq!(
            reason,
            format!(
                "the PDF's compressed streams inflate to more than {} bytes in all (articles.max_pdf_inflated)",
                256u64 << 20
            )
        );
        assert!(started.elapsed() < Duration::from_secs(60));
    }

    #[test]
    fn the_inflated_budget_is_for_the_whole_document() {
        let small = ArticleLimits {
            max_pdf_inflated_bytes: 8 << 20,
            ..limits()
        };
        let six = zlib_zeros(6);
        let one = pdf(&[catalog(), stream_object("/Filter /FlateDecode", &six)]);
        check(&one, &small).unwrap();
        let two = pdf(&[
            catalog(),
            stream_object("/Filter /FlateDecode", &six),
            stream_object("/Filter /FlateDecode", &six),
        ]);
        let reason = refusal(check(&two, &small), false);
        assert!(reason.contains(&(8u64 << 20).to_string()), "{reason}");
    }

    #[test]
    fn bombs_behind_other_filters_are_counted() {
        let small = ArticleLimits {
            max_pdf_inflated_bytes: 8 << 20,
            ..limits()
        };
        let bomb = zlib_zeros(32);
        let twice = pdf(&[
            catalog(),
            stream_object("/Filter [/FlateDecode /FlateDecode]", &zlib(&bomb)),
        ]);
        refusal(check(&twice, &small), false);
        let ascii = pdf(&[
            catalog(),
            stream_object("/Filter [/ASCII85Decode /FlateDecode]", &ascii85(&bomb)),
        ]);
        refusal(check(&ascii, &small), false);
        let abbreviated = pdf(&[catalog(), stream_object("/Filter /Fl", &bomb)]);
        refusal(check(&abbreviated, &small), false);
        // lopdf may take a stream's length from an indirect object, past an `endstream` in
        // its data (here in a stored block): the data is decoded to its end all the same.
        let (blocks, last) = zeros_deflate(32);
        let text = b"\nendstream\nendobj\n";
        let stored = u16::try_from(text.len()).unwrap();
        let mut data = vec![0x78, 0x9C, 0x00];
        data.extend_from_slice(&stored.to_le_bytes());
        data.extend_from_slice(&(!stored).to_le_bytes());
        data.extend_from_slice(text);
        data.extend_from_slice(&blocks);
        data.extend_from_slice(&last);
        data.extend_from_slice(&[0; 4]);
        let mut object = b"<< /Filter /FlateDecode /Length 3 0 R >>\nstream\n".to_vec();
        object.extend_from_slice(&data);
        object.extend_from_slice(b"\nendstream");
        let file = pdf(&[catalog(), object, data.len().to_string().into_bytes()]);
        refusal(check(&file, &small), false);
    }

    #[test]
    fn a_broken_compressed_stream_is_not_fatal() {
        let mut broken = zlib(b"BT (some text) Tj ET");
        broken.truncate(broken.len() / 2);
        let file = pdf(&[
            catalog(),
            stream_object("/Filter /FlateDecode", &broken),
            stream_object("/Filter /FlateDecode", b"not zlib at all"),
        ]);
        check(&file, &limits()).unwrap();
    }

    #[test]
    fn too_many_objects_are_refused_naming_the_cap() {
        let objects: Vec<Vec<u8>> = (0..10).map(|i| format!("{i}").into_bytes()).collect();
        let file = pdf(&objects);
        let capped = |max_pdf_objects| ArticleLimits {
            max_pdf_objects,
            ..limits()
        };
        check(&file, &capped(10)).unwrap();
        let reason = refusal(check(&file, &capped(9)), false);
        assert_eq!(
            reason,
            "the PDF has more than 9 objects (articles.max_pdf_objects)"
        );
        // Objects inside an object stream count too: lopdf parses one per pair of numbers in
        // its header, whatever /N says.
        let header: String = (0..20).map(|i| format!("{} {} ", i + 10, i * 2)).collect();
        let mut content = header.clone().into_bytes();
        content.extend_from_slice(&b"1 ".repeat(20));
        let object_stream = stream_object(
            &format!(
                "/Type /ObjStm /N 1 /First {} /Filter /FlateDecode",
                header.len()
            ),
            &zlib(&content),
        );
        let file = pdf(&[catalog(), object_stream]);
        refusal(check(&file, &capped(10)), false);
        check(&file, &capped(30)).unwrap();
    }

    #[test]
    fn two_objects_at_one_offset_are_refused() {
        let head = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
        let xref_at = head.len();
        let file = |entries: &str| {
            let mut out = head.to_vec();
            out.extend_from_slice(entries.as_bytes());
            out.extend_from_slice(
                format!("trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n")
                    .as_bytes(),
            );
            out
        };
        let twice =
            file("xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000009 00000 n \n");
        refusal(check(&twice, &limits()), true);
        // One object listed again at its offset (a later revision's table) is fine.
        let again = file(
            "xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \nxref\n1 1\n0000000009 00000 n \n",
        );
        check(&again, &limits()).unwrap();
    }

    #[test]
    fn the_scanner_takes_any_chunking() {
        let text = b"<< /A (a [[ string \\) [) /B [<< /C <5b5b> >>] % [[[\n >>";
        for max_depth in [2, 3] {
            let whole = Scanner::stream(max_depth, false).feed(text).is_ok();
            let mut scanner = Scanner::stream(max_depth, false);
            let bytewise = text
                .iter()
                .try_for_each(|b| scanner.feed(&[*b]).map(|_| ()))
                .is_ok();
            assert_eq!(whole, bytewise);
            assert_eq!(whole, max_depth == 3);
        }
    }

    #[test]
    fn a_content_scan_stops_at_binary_data() {
        let mut scanner = Scanner::stream(4, true);
        scanner.feed(b"q [[ ] ] Q BI /W 2 ID \x01").unwrap();
        scanner.feed(&b"[".repeat(100)).unwrap();
        let mut objects = Scanner::stream(4, false);
        objects.feed(b"\x01").unwrap();
        assert!(objects.feed(&b"[".repeat(100)).is_err());
    }
}
