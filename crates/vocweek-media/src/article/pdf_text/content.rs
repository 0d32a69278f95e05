//! Walking content streams: the text state (font, size, spacing, matrices) and where each
//! shown string lands, which decides the breaks between strings. The rules are those of
//! pdf-extract's `PlainTextOutput`, so both extractors lay text out alike: a line break when
//! the text moves down by more than one and a half times its size, another when it also moves
//! back left (a paragraph: two breaks), a space when it jumps right, except between CJK
//! characters (Chinese does not separate words).

use std::collections::HashMap;
use std::rc::Rc;

use pdf_extract::content::Content;
use pdf_extract::{Dictionary, Document, Object, ObjectId};

use super::fonts::Font;
use super::is_cjk;
use crate::article::pdf_objects::{dictionary, entry, name, number, resolved, stream_data};

/// Graphics states saved with `q` and not restored: more are counted, not kept (a stream of
/// a million `q` would otherwise hold a million copies).
const MAX_SAVED: usize = 256;
/// Form XObjects inside form XObjects.
const MAX_FORM_DEPTH: usize = 12;
/// Parents followed up the page tree for inherited /Resources.
const MAX_TREE_DEPTH: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Matrix([f64; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn translation(x: f64, y: f64) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, x, y])
    }

    /// Six numbers (`cm`, `Tm`, a form's /Matrix).
    fn of(operands: &[Object]) -> Option<Matrix> {
        let mut values = [0.0; 6];
        if operands.len() != 6 {
            return None;
        }
        for (value, operand) in values.iter_mut().zip(operands) {
            *value = number(operand)?;
        }
        Some(Matrix(values))
    }

    /// `self` applied first, then `other` (PDF's row vectors: self × other).
    fn then(self, other: Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    /// How much it scales lengths (the square root of its area factor).
    fn scale(self) -> f64 {
        let [a, b, c, d, _, _] = self.0;
        (a * d - b * c).abs().sqrt()
    }
}

#[derive(Clone)]
struct State {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    /// `Tz` / 100.
    scale: f64,
    leading: f64,
    rise: f64,
}

impl State {
    fn new() -> State {
        State {
            ctm: Matrix::IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

/// Where the last glyph stood: its baseline and where it ended, in device space.
#[derive(Clone, Copy)]
struct Last {
    y: f64,
    end: f64,
}

/// The text of a document, page after page, at most `max` bytes.
pub(super) struct Walker<'a> {
    pdf: &'a Document,
    fonts: HashMap<ObjectId, Rc<Font>>,
    out: String,
    max: usize,
    full: bool,
    last: Option<Last>,
}

impl<'a> Walker<'a> {
    pub(super) fn new(pdf: &'a Document, max: usize) -> Walker<'a> {
        Walker {
            pdf,
            fonts: HashMap::new(),
            out: String::new(),
            max,
            full: false,
            last: None,
        }
    }

    /// Whether the text has reached `max` (what follows is not read).
    pub(super) fn full(&self) -> bool {
        self.full
    }

    pub(super) fn finish(self) -> String {
        self.out
    }

    pub(super) fn page(&mut self, page: ObjectId) {
        let pdf = self.pdf;
        let Ok(dict) = pdf.get_dictionary(page) else {
            return;
        };
        if !self.out.is_empty() {
            self.push("\n\n");
        }
        self.last = None;
        let resources = inherited_resources(pdf, dict);
        let mut data = Vec::new();
        match entry(pdf, dict, b"Contents") {
            Some(Object::Stream(stream)) => data.extend_from_slice(&stream_data(stream)),
            Some(Object::Array(streams)) => {
                for stream in streams {
                    if let Ok(stream) = resolved(pdf, stream).as_stream() {
                        data.extend_from_slice(&stream_data(stream));
                        // Streams of one page are one content; a token may not straddle two.
                        data.push(b'\n');
                    }
                }
            }
            _ => {}
        }
        self.run(&data, resources, State::new(), 0, &mut Vec::new());
    }

    /// One content stream (a page's, or a form's with its own state and resources).
    fn run(
        &mut self,
        data: &[u8],
        resources: Option<&'a Dictionary>,
        mut state: State,
        depth: usize,
        forms: &mut Vec<ObjectId>,
    ) {
        // Content lopdf cannot parse to its end (inline image data) gives what it parsed.
        let Ok(content) = Content::decode(data) else {
            return;
        };
        let mut saved: Vec<State> = Vec::new();
        let mut unsaved = 0usize;
        let mut tm = Matrix::IDENTITY;
        let mut tlm = Matrix::IDENTITY;
        for operation in &content.operations {
            if self.full {
                return;
            }
            let operands = operation.operands.as_slice();
            let value = |i: usize| operands.get(i).and_then(number);
            match operation.operator.as_str() {
                "q" => {
                    if saved.len() < MAX_SAVED {
                        saved.push(state.clone());
                    } else {
                        unsaved += 1;
                    }
                }
                "Q" => {
                    if unsaved > 0 {
                        unsaved -= 1;
                    } else if let Some(previous) = saved.pop() {
                        state = previous;
                    }
                }
                "cm" => {
                    if let Some(matrix) = Matrix::of(operands) {
                        state.ctm = matrix.then(state.ctm);
                    }
                }
                "BT" => {
                    tm = Matrix::IDENTITY;
                    tlm = Matrix::IDENTITY;
                }
                "Tf" => {
                    state.font = operands
                        .first()
                        .and_then(|font| font.as_name().ok())
                        .and_then(|font| self.font(resources, font));
                    if let Some(size) = value(1) {
                        state.size = size;
                    }
                }
                "Tc" => state.char_spacing = value(0).unwrap_or(state.char_spacing),
                "Tw" => state.word_spacing = value(0).unwrap_or(state.word_spacing),
                "Tz" => state.scale = value(0).map_or(state.scale, |tz| tz / 100.0),
                "TL" => state.leading = value(0).unwrap_or(state.leading),
                "Ts" => state.rise = value(0).unwrap_or(state.rise),
                "Td" | "TD" => {
                    if let (Some(x), Some(y)) = (value(0), value(1)) {
                        if operation.operator == "TD" {
                            state.leading = -y;
                        }
                        tlm = Matrix::translation(x, y).then(tlm);
                        tm = tlm;
                    }
                }
                "Tm" => {
                    if let Some(matrix) = Matrix::of(operands) {
                        tlm = matrix;
                        tm = matrix;
                    }
                }
                "T*" => {
                    tlm = Matrix::translation(0.0, -state.leading).then(tlm);
                    tm = tlm;
                }
                "Tj" => {
                    if let Some(Object::String(bytes, _)) = operands.first() {
                        self.show(bytes, &state, &mut tm);
                    }
                }
                "'" => {
                    tlm = Matrix::translation(0.0, -state.leading).then(tlm);
                    tm = tlm;
                    if let Some(Object::String(bytes, _)) = operands.first() {
                        self.show(bytes, &state, &mut tm);
                    }
                }
                "\"" => {
                    state.word_spacing = value(0).unwrap_or(state.word_spacing);
                    state.char_spacing = value(1).unwrap_or(state.char_spacing);
                    tlm = Matrix::translation(0.0, -state.leading).then(tlm);
                    tm = tlm;
                    if let Some(Object::String(bytes, _)) = operands.get(2) {
                        self.show(bytes, &state, &mut tm);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = operands.first() {
                        for item in items {
                            if let Object::String(bytes, _) = item {
                                self.show(bytes, &state, &mut tm);
                            } else if let Some(adjust) = number(item) {
                                let x = -adjust / 1000.0 * state.size * state.scale;
                                tm = Matrix::translation(x, 0.0).then(tm);
                            }
                        }
                    }
                }
                "Do" => self.form(resources, operands, &state, depth, forms),
                _ => {}
            }
        }
    }

    /// The font named `name` in `resources`, read once per font object.
    fn font(&mut self, resources: Option<&'a Dictionary>, name: &[u8]) -> Option<Rc<Font>> {
        let pdf = self.pdf;
        let fonts = dictionary(pdf, resources?, b"Font")?;
        let object = fonts.get(name).ok()?;
        let Ok(id) = object.as_reference() else {
            return Some(Rc::new(Font::new(pdf, object.as_dict().ok()?)));
        };
        if let Some(font) = self.fonts.get(&id) {
            return Some(Rc::clone(font));
        }
        let font = Rc::new(Font::new(pdf, resolved(pdf, object).as_dict().ok()?));
        self.fonts.insert(id, Rc::clone(&font));
        Some(font)
    }

    /// A form XObject drawn with `Do`: its content, with its own resources and matrix.
    fn form(
        &mut self,
        resources: Option<&'a Dictionary>,
        operands: &[Object],
        state: &State,
        depth: usize,
        forms: &mut Vec<ObjectId>,
    ) {
        let pdf = self.pdf;
        let Some(reference) = operands
            .first()
            .and_then(|xobject| xobject.as_name().ok())
            .zip(resources.and_then(|resources| dictionary(pdf, resources, b"XObject")))
            .and_then(|(xobject, xobjects)| xobjects.get(xobject).ok())
        else {
            return;
        };
        let id = reference.as_reference().ok();
        // A form that draws itself (directly or not) would never end.
        if depth >= MAX_FORM_DEPTH || id.is_some_and(|id| forms.contains(&id)) {
            return;
        }
        let Ok(form) = resolved(pdf, reference).as_stream() else {
            return;
        };
        if name(pdf, &form.dict, b"Subtype") != Some(b"Form".as_slice()) {
            return;
        }
        let matrix = form
            .dict
            .get(b"Matrix")
            .ok()
            .and_then(|matrix| resolved(pdf, matrix).as_array().ok())
            .and_then(|matrix| Matrix::of(matrix.as_slice()))
            .unwrap_or(Matrix::IDENTITY);
        let mut inner = state.clone();
        inner.ctm = matrix.then(state.ctm);
        let form_resources = dictionary(pdf, &form.dict, b"Resources").or(resources);
        let data = stream_data(form);
        if let Some(id) = id {
            forms.push(id);
        }
        self.run(&data, form_resources, inner, depth + 1, forms);
        if id.is_some() {
            forms.pop();
        }
    }

    /// The glyphs of one string, at the text matrix `tm`, which they advance.
    fn show(&mut self, bytes: &[u8], state: &State, tm: &mut Matrix) {
        let Some(font) = state.font.as_ref() else {
            return;
        };
        let text_space = Matrix([
            state.size * state.scale,
            0.0,
            0.0,
            state.size,
            0.0,
            state.rise,
        ]);
        for (i, glyph) in font.glyphs(bytes).into_iter().enumerate() {
            let placed = text_space.then(*tm).then(state.ctm);
            let [_, _, _, _, x, y] = placed.0;
            let size = state.size * tm.then(state.ctm).scale();
            if i == 0 {
                self.separate(x, y, size, &glyph.text);
            }
            self.push(&glyph.text);
            let word_spacing = if glyph.space { state.word_spacing } else { 0.0 };
            let advance = (glyph.width / 1000.0 * state.size + state.char_spacing + word_spacing)
                * state.scale;
            *tm = Matrix::translation(advance, 0.0).then(*tm);
            self.last = Some(Last {
                y,
                end: x + glyph.width / 1000.0 * size,
            });
        }
    }

    /// What separates a string starting at (x, y) from the glyph before it.
    fn separate(&mut self, x: f64, y: f64, size: f64, next: &str) {
        let Some(last) = self.last else {
            return;
        };
        let rise = (y - last.y).abs();
        if rise > size * 1.5 {
            self.push("\n");
        }
        if x < last.end && rise > size * 0.5 {
            self.push("\n");
        }
        let between_cjk = self.out.chars().next_back().is_some_and(is_cjk)
            || next.chars().next().is_some_and(is_cjk);
        if x > last.end + size * 0.1 && !between_cjk {
            self.push(" ");
        }
    }

    fn push(&mut self, text: &str) {
        if self.full {
            return;
        }
        if self.out.len().saturating_add(text.len()) > self.max {
            self.full = true;
            tracing::warn!(
                kept = self.out.len(),
                "the PDF's text is cut at articles.max_extracted_text"
            );
            return;
        }
        self.out.push_str(text);
    }
}

/// A page's /Resources, or the nearest ancestor's in the page tree.
fn inherited_resources<'a>(pdf: &'a Document, page: &'a Dictionary) -> Option<&'a Dictionary> {
    let mut node = page;
    for _ in 0..MAX_TREE_DEPTH {
        if let Some(resources) = dictionary(pdf, node, b"Resources") {
            return Some(resources);
        }
        node = dictionary(pdf, node, b"Parent")?;
    }
    None
}
