//! CMaps embedded in a PDF: a font's /ToUnicode (character codes → Unicode) and an embedded
//! /Encoding CMap (of which only the code space matters here: how long each code is).
//!
//! A CMap is PostScript-like, but its tokens are those of a content stream
//! (`1 begincodespacerange <0000> <FFFF> endcodespacerange`), so lopdf's content parser reads
//! it: each `end…` operator carries the entries as operands. Ranges are kept as ranges (a
//! `<0000> <FFFF> <0000>` bfrange is one entry, not 65,536).

use std::collections::HashMap;

use pdf_extract::Object;
use pdf_extract::content::Content;

/// Codes from `low` to `high`, `len` bytes long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct CodeRange {
    pub(super) len: u8,
    pub(super) low: u32,
    pub(super) high: u32,
}

#[derive(Debug)]
enum Target {
    /// UTF-16 units; the code `low + n` maps to them with the last unit plus n.
    From(Vec<u16>),
    /// One text per code.
    List(Vec<String>),
}

#[derive(Debug)]
struct Span {
    range: CodeRange,
    target: Target,
}

#[derive(Debug, Default)]
pub(super) struct CMap {
    codespace: Vec<CodeRange>,
    chars: HashMap<(u8, u32), String>,
    /// Sorted by length, then low code.
    spans: Vec<Span>,
}

impl CMap {
    pub(super) fn parse(data: &[u8]) -> CMap {
        let mut cmap = CMap::default();
        // A CMap lopdf cannot read to its end gives what it read up to there.
        let Ok(content) = Content::decode(data) else {
            return cmap;
        };
        for operation in &content.operations {
            let operands = operation.operands.as_slice();
            match operation.operator.as_str() {
                "endcodespacerange" => {
                    for pair in operands.chunks_exact(2) {
                        if let [low, high] = pair
                            && let Some(range) = code_range(low, high)
                        {
                            cmap.codespace.push(range);
                        }
                    }
                }
                "endbfchar" => {
                    for pair in operands.chunks_exact(2) {
                        if let [Object::String(code, _), Object::String(text, _)] = pair
                            && let Some((len, code)) = code_value(code)
                        {
                            cmap.chars.insert((len, code), utf16_text(&units(text)));
                        }
                    }
                }
                "endbfrange" => {
                    for triple in operands.chunks_exact(3) {
                        let [low, high, target] = triple else {
                            continue;
                        };
                        let Some(range) = code_range(low, high) else {
                            continue;
                        };
                        let target = match target {
                            Object::String(start, _) => Target::From(units(start)),
                            Object::Array(texts) => Target::List(
                                texts
                                    .iter()
                                    .map(|text| match text {
                                        Object::String(text, _) => utf16_text(&units(text)),
                                        _ => String::new(),
                                    })
                                    .collect(),
                            ),
                            _ => continue,
                        };
                        cmap.spans.push(Span { range, target });
                    }
                }
                _ => {}
            }
        }
        cmap.spans
            .sort_by_key(|span| (span.range.len, span.range.low));
        cmap
    }

    /// The code space ranges it declares (empty when it declares none).
    pub(super) fn codespace(&self) -> &[CodeRange] {
        &self.codespace
    }

    /// The text of the code `code`, `len` bytes long.
    pub(super) fn text(&self, len: u8, code: u32) -> Option<String> {
        if let Some(text) = self.chars.get(&(len, code)) {
            return Some(text.clone());
        }
        let after = self
            .spans
            .partition_point(|span| (span.range.len, span.range.low) <= (len, code));
        let span = self.spans.get(after.checked_sub(1)?)?;
        if span.range.len != len || code > span.range.high {
            return None;
        }
        let offset = code - span.range.low;
        match &span.target {
            Target::From(start) => {
                let mut units = start.clone();
                let last = units.last_mut()?;
                *last = last.wrapping_add(u16::try_from(offset).ok()?);
                Some(utf16_text(&units))
            }
            Target::List(texts) => texts.get(usize::try_from(offset).ok()?).cloned(),
        }
    }
}

fn code_range(low: &Object, high: &Object) -> Option<CodeRange> {
    let (Object::String(low, _), Object::String(high, _)) = (low, high) else {
        return None;
    };
    let (len, low) = code_value(low)?;
    let (high_len, high) = code_value(high)?;
    (len == high_len && low <= high).then_some(CodeRange { len, low, high })
}

/// A code's bytes as a number, and its length (1 to 4 bytes).
pub(super) fn code_value(bytes: &[u8]) -> Option<(u8, u32)> {
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    let value = bytes
        .iter()
        .fold(0u32, |value, byte| (value << 8) | u32::from(*byte));
    Some((u8::try_from(bytes.len()).ok()?, value))
}

/// UTF-16BE units (a last odd byte is dropped).
fn units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks_exact(2)
        .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
        .collect()
}

/// Text from UTF-16 units; an unpaired surrogate or a control character gives nothing.
pub(super) fn utf16_text(units: &[u16]) -> String {
    char::decode_utf16(units.iter().copied())
        .filter_map(Result::ok)
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chars_ranges_and_lists_are_read() {
        let cmap = CMap::parse(
            b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
              /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
              /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n\
              1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
              2 beginbfchar <0001> <804C> <0002> <4E1A> endbfchar\n\
              2 beginbfrange <0010> <0012> <6559> <0020> <0021> [<80B2> <D83DDE00>] endbfrange\n\
              endcmap CMapName currentdict /CMapResource defineresource pop end end",
        );
        assert_eq!(
            cmap.codespace(),
            &[CodeRange {
                len: 2,
                low: 0,
                high: 0xFFFF
            }]
        );
        assert_eq!(cmap.text(2, 1).as_deref(), Some("职"));
        assert_eq!(cmap.text(2, 2).as_deref(), Some("业"));
        assert_eq!(cmap.text(2, 0x10).as_deref(), Some("教"));
        assert_eq!(cmap.text(2, 0x12).as_deref(), Some("\u{655B}"));
        assert_eq!(cmap.text(2, 0x13), None);
        assert_eq!(cmap.text(2, 0x20).as_deref(), Some("育"));
        assert_eq!(cmap.text(2, 0x21).as_deref(), Some("😀"));
        assert_eq!(cmap.text(1, 1), None, "a one-byte code is another code");
    }
}
