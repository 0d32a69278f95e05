//! The lexer and nesting scanner: iterative, fed chunks of any size, memory fixed. In the
//! file it also follows top-level dictionaries (the facts of a stream that follows one) and
//! counts objects (`objects`).

use super::dict::{FilterName, Key, Slot, StreamFacts, Value};
use super::objects::{FileState, XrefTable};
use super::streams::MAX_FILTERS;
use super::{ArticleLimits, too_deep, too_many_objects};
use crate::MediaError;

/// Bytes of a token kept: enough for the longest name looked at (`/ASCII85Decode`) even when
/// every letter is written `#xx`.
const TOKEN_MAX: usize = 48;

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
    pub(super) fn file(limits: &ArticleLimits) -> Scanner {
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
    pub(super) fn add_objects(&mut self, objects: u64) -> Result<(), MediaError> {
        if let Some(file) = self.file.as_mut() {
            file.objects = file.objects.saturating_add(objects);
            if file.objects > file.max_objects {
                return Err(too_many_objects(file.max_objects));
            }
        }
        Ok(())
    }

    /// The indirect objects counted so far (in the file scan; none in a stream's).
    pub(super) fn objects(&self) -> u64 {
        self.file.as_ref().map_or(0, |file| file.objects)
    }

    /// The facts of the dictionary before the stream just found; the scan then goes on
    /// after the stream, at the top level.
    pub(super) fn take_stream_facts(&mut self) -> StreamFacts {
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
mod tests {
    use super::*;

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
