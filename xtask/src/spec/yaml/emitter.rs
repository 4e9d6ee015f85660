//! A serde serializer that writes the bytes `serde_yaml_ng` 0.10 writes, without libyaml's event queue:
//! libyaml's block emitter (`unsafe-libyaml`'s `emitter.rs`) kept state for state — the column, the indent
//! and its stack, whether the last thing written was whitespace or indentation — for the shapes a
//! document of plain data has: block mappings and sequences, `{}` and `[]` when empty, simple keys and
//! `?` keys (longer than 128 bytes), and scalars in the four styles of [`super::scalar`].
//!
//! What `serde_yaml_ng` writes as a tag (enum variants holding data), bytes, keys that are not scalars,
//! and text with the line breaks U+2028 and U+2029 are not written here: they are [`Unsupported`], and the
//! caller lets `serde_yaml_ng` write the document instead.

use serde::ser::{self, Serialize};

use super::scalar::{self, Asked, Style};

/// Something this writer leaves to `serde_yaml_ng`.
#[derive(Debug)]
pub struct Unsupported(pub String);

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Unsupported(msg.to_string())
    }
}

fn unsupported<T>(what: &str) -> Result<T, Unsupported> {
    Err(Unsupported(format!("{what} is left to serde_yaml_ng")))
}

/// Where a node is: libyaml's `mapping_context` and `simple_key_context` (the sequence and root contexts
/// change nothing in block style without anchors or tags).
#[derive(Debug, Clone, Copy)]
struct Context {
    mapping: bool,
    simple_key: bool,
}

/// What a block mapping waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Key,
    SimpleValue,
    ComplexValue,
}

#[derive(Debug)]
enum Frame {
    Mapping { started: bool, expect: Expect },
    Sequence { started: bool, context: Context },
}

/// The emitter's state and its output.
struct Writer<'o> {
    out: &'o mut String,
    /// Spaces before every line but the empty ones: the value is written as if `base` columns in (see
    /// [`write_indented`]).
    base: usize,
    column: usize,
    indent: isize,
    indents: Vec<isize>,
    whitespace: bool,
    indention: bool,
    frames: Vec<Frame>,
}

const BEST_INDENT: isize = 2;

impl<'o> Writer<'o> {
    fn new(out: &'o mut String, base: usize) -> Self {
        Writer {
            out,
            base,
            column: 0,
            indent: -1,
            indents: Vec::new(),
            whitespace: true,
            indention: true,
            frames: Vec::new(),
        }
    }

    /// Ends the document: its last line break. (`serde_yaml_ng::to_string` never ends the stream, so the
    /// `...` libyaml would write there after a `|+` scalar never comes.)
    fn end_document(&mut self) {
        // `write_indent` at the indent of 0, whatever the base: the last line break, no spaces after it.
        if !self.indention || self.column > 0 || !self.whitespace {
            self.put_break();
        }
    }

    fn put(&mut self, text: &str, columns: usize) {
        self.out.push_str(text);
        self.column += columns;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    /// With a `base`, every line start comes through here (the empty lines of a block scalar excepted), and
    /// the column and the indent both count the base: libyaml's comparisons come out as they would
    /// without it, since a column of 0 (just after a break) is below either.
    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize + self.base;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(" ", 1);
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(" ", 1);
        }
        self.put(indicator, indicator.len());
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    /// Everything libyaml writes before a node where the innermost collection stands, and the node's
    /// context. `key` is the node's text and analysis when it is a scalar (a mapping key must be one).
    fn before_node(&mut self, key: Option<(&str, &scalar::Analysis)>) -> Result<Context, Unsupported> {
        let Some(frame) = self.frames.last_mut() else {
            return Ok(Context { mapping: false, simple_key: false });
        };
        match frame {
            Frame::Mapping { started, expect, .. } => match *expect {
                Expect::Key => {
                    let first = !*started;
                    *started = true;
                    let Some((text, analysis)) = key else {
                        return unsupported("a key that is not a scalar");
                    };
                    let simple = !analysis.multiline && text.len() <= 128;
                    *expect = if simple { Expect::SimpleValue } else { Expect::ComplexValue };
                    if first {
                        self.increase_indent(false, false);
                    }
                    self.write_indent();
                    if simple {
                        Ok(Context { mapping: true, simple_key: true })
                    } else {
                        self.write_indicator("?", true, false, true);
                        Ok(Context { mapping: true, simple_key: false })
                    }
                }
                Expect::SimpleValue => {
                    *expect = Expect::Key;
                    self.write_indicator(":", false, false, false);
                    Ok(Context { mapping: true, simple_key: false })
                }
                Expect::ComplexValue => {
                    *expect = Expect::Key;
                    self.write_indent();
                    self.write_indicator(":", true, false, true);
                    Ok(Context { mapping: true, simple_key: false })
                }
            },
            Frame::Sequence { started, context } => {
                if !*started {
                    *started = true;
                    let indentless = context.mapping && !self.indention;
                    self.increase_indent(false, indentless);
                }
                self.write_indent();
                self.write_indicator("-", true, false, true);
                Ok(Context { mapping: false, simple_key: false })
            }
        }
    }

    fn scalar(&mut self, value: &str, asked: Asked) -> Result<(), Unsupported> {
        if !value.is_ascii() && value.contains(['\u{2028}', '\u{2029}']) {
            return unsupported("text with U+2028 or U+2029");
        }
        let analysis = scalar::analyze(value);
        let context = self.before_node(Some((value, &analysis)))?;
        let style = scalar::select(asked, &analysis, value.len(), context.simple_key);
        self.increase_indent(true, false);
        match style {
            Style::Plain => {
                if !self.whitespace && !value.is_empty() {
                    self.put(" ", 1);
                }
                self.put(value, scalar::width(value));
            }
            Style::SingleQuoted => {
                self.write_indicator("'", true, false, false);
                let columns = scalar::write_single_quoted(value, self.out);
                self.column += columns;
                self.write_indicator("'", false, false, false);
            }
            Style::DoubleQuoted => {
                self.write_indicator("\"", true, false, false);
                let columns = scalar::write_double_quoted(value, self.out);
                self.column += columns;
                self.write_indicator("\"", false, false, false);
            }
            Style::Literal => self.literal(value),
        }
        if style != Style::Literal {
            self.whitespace = false;
            self.indention = false;
        }
        self.pop_indent();
        Ok(())
    }

    /// `yaml_emitter_write_literal_scalar`: the only breaks that reach it are line feeds.
    fn literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        let (indent, chomp) = scalar::block_hints(value);
        if !indent.is_empty() {
            self.write_indicator(indent, false, false, false);
        }
        if !chomp.is_empty() {
            self.write_indicator(chomp, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        for (i, line) in value.split('\n').enumerate() {
            if i > 0 {
                self.put_break();
                self.indention = true;
            }
            if !line.is_empty() {
                self.write_indent();
                self.put(line, scalar::width(line));
                self.indention = false;
            }
        }
    }

    fn begin_collection(&mut self, mapping: bool) -> Result<(), Unsupported> {
        let context = self.before_node(None)?;
        self.frames.push(if mapping {
            Frame::Mapping { started: false, expect: Expect::Key }
        } else {
            Frame::Sequence { started: false, context }
        });
        Ok(())
    }

    fn end_collection(&mut self) -> Result<(), Unsupported> {
        let (started, empty) = match self.frames.pop() {
            Some(Frame::Mapping { started, expect: Expect::Key, .. }) => (started, "{}"),
            Some(Frame::Sequence { started, .. }) => (started, "[]"),
            _ => return unsupported("a mapping ended before its value"),
        };
        if started {
            self.pop_indent();
        } else {
            // libyaml writes an empty collection in flow style, `{}` or `[]`.
            self.write_indicator(&empty[..1], true, true, false);
            self.write_indicator(&empty[1..], false, false, false);
        }
        Ok(())
    }

    fn plain(&mut self, text: &str) -> Result<(), Unsupported> {
        self.scalar(text, Asked::Plain)
    }
}

/// Integers are plain scalars in decimal, as `itoa` writes them for `serde_yaml_ng`.
macro_rules! integers {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method(self, v: $ty) -> Result<(), Unsupported> {
            self.plain(&v.to_string())
        }
    )*};
}

impl ser::Serializer for &mut Writer<'_> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = ser::Impossible<(), Unsupported>;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = ser::Impossible<(), Unsupported>;

    fn serialize_bool(self, v: bool) -> Result<(), Unsupported> {
        self.plain(if v { "true" } else { "false" })
    }
    integers!(
        serialize_i8: i8,
        serialize_i16: i16,
        serialize_i32: i32,
        serialize_i64: i64,
        serialize_i128: i128,
        serialize_u8: u8,
        serialize_u16: u16,
        serialize_u32: u32,
        serialize_u64: u64,
        serialize_u128: u128
    );
    fn serialize_f32(self, v: f32) -> Result<(), Unsupported> {
        match float_text(v.is_nan(), v.is_infinite(), v.is_sign_positive()) {
            Some(text) => self.plain(text),
            None => self.plain(ryu::Buffer::new().format_finite(v)),
        }
    }
    fn serialize_f64(self, v: f64) -> Result<(), Unsupported> {
        match float_text(v.is_nan(), v.is_infinite(), v.is_sign_positive()) {
            Some(text) => self.plain(text),
            None => self.plain(ryu::Buffer::new().format_finite(v)),
        }
    }
    fn serialize_char(self, v: char) -> Result<(), Unsupported> {
        self.scalar(v.encode_utf8(&mut [0u8; 4]), Asked::SingleQuoted)
    }
    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        self.scalar(v, scalar::asked_for_str(v))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Unsupported> {
        unsupported("bytes")
    }
    fn serialize_none(self) -> Result<(), Unsupported> {
        self.plain("null")
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Unsupported> {
        self.plain("null")
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unsupported> {
        self.plain("null")
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Unsupported> {
        unsupported("a tagged value")
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Unsupported> {
        self.begin_collection(false)?;
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Unsupported> {
        self.serialize_seq(None)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Unsupported> {
        self.serialize_seq(None)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        unsupported("a tagged value")
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Unsupported> {
        self.begin_collection(true)?;
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Unsupported> {
        self.serialize_map(None)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        unsupported("a tagged value")
    }
}

/// `.nan`, `.inf` and `-.inf` as serde_yaml_ng writes them; `None` for a finite float.
fn float_text(nan: bool, infinite: bool, positive: bool) -> Option<&'static str> {
    match (nan, infinite, positive) {
        (true, _, _) => Some(".nan"),
        (_, true, true) => Some(".inf"),
        (_, true, false) => Some("-.inf"),
        _ => None,
    }
}

/// The collections written as sequences: each element a node, then the end.
macro_rules! sequences {
    ($($trait:ident::$method:ident),*) => {$(
        impl ser::$trait for &mut Writer<'_> {
            type Ok = ();
            type Error = Unsupported;
            fn $method<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Unsupported> {
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), Unsupported> {
                self.end_collection()
            }
        }
    )*};
}

sequences!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

impl ser::SerializeMap for &mut Writer<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Unsupported> {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Unsupported> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Unsupported> {
        self.end_collection()
    }
}

impl ser::SerializeStruct for &mut Writer<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        ser::Serializer::serialize_str(&mut **self, key)?;
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Unsupported> {
        self.end_collection()
    }
}

/// `value` as `serde_yaml_ng::to_string` writes it, appended to `out`. On [`Unsupported`], `out` holds part
/// of the text.
pub fn write<T: ?Sized + Serialize>(value: &T, out: &mut String) -> Result<(), Unsupported> {
    write_indented(value, 0, out)
}

/// [`write`] with `base` spaces before every line but the empty ones (libyaml writes an empty line of a
/// block scalar without indentation): a non-empty mapping written so is the same text as its entries
/// written inside a mapping `base` columns in. (An empty one, `{}`, is not indented.)
pub fn write_indented<T: ?Sized + Serialize>(
    value: &T,
    base: usize,
    out: &mut String,
) -> Result<(), Unsupported> {
    let mut writer = Writer::new(out, base);
    value.serialize(&mut writer)?;
    if !writer.frames.is_empty() {
        return unsupported("a value that did not end");
    }
    writer.end_document();
    Ok(())
}
