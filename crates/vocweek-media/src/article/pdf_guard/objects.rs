//! What only the scan of the file itself keeps: the indirect objects counted (`obj`, and the
//! in-use entries of cross-reference tables, which lopdf loads one by one), the dictionary being
//! read at the top level (for the facts of a stream that may follow it).

use std::collections::HashMap;

use super::dict::{FilterName, Key, Slot, StreamFacts, Value};
use super::too_many_objects;
use crate::MediaError;

/// Reading a classic cross-reference table: `start count` headers, `offset generation n|f`
/// entries.
#[derive(Debug, Default)]
pub(super) struct XrefTable {
    ints: [u64; 2],
    count: u8,
    next_id: u64,
}

/// What only the scan of the file itself (not of a stream's content) keeps.
#[derive(Debug)]
pub(super) struct FileState {
    pub(super) objects: u64,
    pub(super) max_objects: u64,
    /// The outermost open container is a dictionary.
    pub(super) top_dict: bool,
    pub(super) slot: Slot,
    pub(super) facts: StreamFacts,
    /// A top-level dictionary has just closed (nothing but whitespace and comments since):
    /// only then is `stream` a stream.
    pub(super) after_dict: bool,
    pub(super) xref: Option<XrefTable>,
    xref_entries: u64,
    /// Offset → object number, over all cross-reference tables: lopdf parses the object at an
    /// offset once per entry, so two numbers at one offset multiply what it holds.
    xref_offsets: HashMap<u64, u64>,
}

impl FileState {
    pub(super) fn new(max_objects: u64) -> FileState {
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

    pub(super) fn apply(&mut self, key: Key, value: Value<'_>) {
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
            Key::Length => facts.length = value.int(),
            Key::N => facts.n = value.int(),
            Key::First => facts.first = value.int(),
            Key::Other => {}
        }
    }

    /// `n` or `f` in a cross-reference table; `false` when `token` is neither (the table ends).
    pub(super) fn xref_keyword(&mut self, token: &[u8]) -> Result<bool, MediaError> {
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

    pub(super) fn xref_integer(&mut self, n: u64) {
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
