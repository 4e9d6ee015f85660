//! The document as YAML text, the bytes `serde_yaml_ng` writes for it, with the paths written on every core.
//!
//! `serde_yaml_ng` hands every scalar to libyaml, which weighs it to choose its style; that was a quarter
//! of `cargo xtask convert`. `emitter` writes the same bytes straight from serde: libyaml's block layout
//! and its scalar rules (`scalar`), ported rule for rule. What it does not write (tagged enum values,
//! bytes, keys that are not scalars, U+2028 and U+2029) it leaves to `serde_yaml_ng`, for the whole
//! document. The tests hold both to `serde_yaml_ng` on the committed spec, on awkward strings, and on the
//! shared corpus's conversion where it is present.
//!
//! The paths are most of the document. Each share of them is written on its own thread as a mapping
//! whose lines start two columns in, under `paths:`: the layout is relative to the enclosing node
//! (indents, block scalars' indentation indicators), and no line width is set, so the text is the same as
//! when written whole; `writes_what_serde_yaml_ng_writes` holds it to that.

mod emitter;
mod scalar;

use indexmap::IndexMap;
use openapiv3::{
    Components, ExternalDocumentation, Info, OpenAPI, PathItem, ReferenceOr, SecurityRequirement, Server, Tag,
};
use serde::{Serialize, Serializer};

/// What comes before `paths`.
#[derive(Serialize)]
struct Head<'a> {
    openapi: &'a str,
    info: &'a Info,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    servers: &'a [Server],
}

/// What comes after `paths`.
#[derive(Serialize)]
struct Tail<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    components: Option<&'a Components>,
    #[serde(skip_serializing_if = "Option::is_none")]
    security: Option<&'a Vec<SecurityRequirement>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    tags: &'a [Tag],
    #[serde(rename = "externalDocs", skip_serializing_if = "Option::is_none")]
    external_docs: Option<&'a ExternalDocumentation>,
    #[serde(flatten)]
    extensions: &'a IndexMap<String, serde_json::Value>,
}

/// A share of the paths, as a mapping.
struct Share<'a>(&'a [(&'a String, &'a ReferenceOr<PathItem>)]);

impl Serialize for Share<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().copied())
    }
}

/// Below this many paths one thread writes the document: threads cost more than they save.
const MIN_PATHS_TO_SHARE: usize = 256;

/// The document as YAML.
pub fn to_yaml(document: &OpenAPI) -> Result<String, serde_yaml_ng::Error> {
    to_yaml_on(document, std::thread::available_parallelism().map_or(1, usize::from))
}

/// [`to_yaml`] on `cores` threads: written here, or by `serde_yaml_ng` when a part of it is something
/// [`emitter`] leaves to it.
fn to_yaml_on(document: &OpenAPI, cores: usize) -> Result<String, serde_yaml_ng::Error> {
    match write_on(document, cores) {
        Ok(text) => Ok(text),
        Err(_) => serde_yaml_ng::to_string(document),
    }
}

/// `value` as `serde_yaml_ng::to_string` writes it.
fn write<T: ?Sized + Serialize>(value: &T) -> Result<String, emitter::Unsupported> {
    let mut out = String::new();
    emitter::write(value, &mut out)?;
    Ok(out)
}

/// The entries of a non-empty mapping as they stand one level down, under a key.
fn write_entries<T: ?Sized + Serialize>(value: &T) -> Result<String, emitter::Unsupported> {
    let mut out = String::new();
    emitter::write_indented(value, 2, &mut out)?;
    Ok(out)
}

/// The document written by [`emitter`], its paths in shares over `cores` threads.
fn write_on(document: &OpenAPI, cores: usize) -> Result<String, emitter::Unsupported> {
    let paths = &document.paths;
    if cores < 2 || paths.paths.len() < MIN_PATHS_TO_SHARE {
        return write(document);
    }
    let entries: Vec<(&String, &ReferenceOr<PathItem>)> = paths.paths.iter().collect();
    let shares: Vec<&[(&String, &ReferenceOr<PathItem>)]> =
        entries.chunks(entries.len().div_ceil(cores)).collect();
    let (written, head, tail) = std::thread::scope(|s| {
        let handles: Vec<_> =
            shares.iter().map(|share| s.spawn(move || write_entries(&Share(share)))).collect();
        let head =
            write(&Head { openapi: &document.openapi, info: &document.info, servers: &document.servers });
        let tail = write(&Tail {
            components: document.components.as_ref(),
            security: document.security.as_ref(),
            tags: &document.tags,
            external_docs: document.external_docs.as_ref(),
            extensions: &document.extensions,
        });
        let written: Vec<_> =
            handles.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect();
        (written, head, tail)
    });
    let (head, tail) = (head?, tail?);
    let mut out =
        String::with_capacity(written.iter().map(|w| w.as_ref().map_or(0, |t| t.len() * 11 / 10)).sum());
    out.push_str(&head);
    out.push_str("paths:\n");
    for share in written {
        out.push_str(&share?);
    }
    if !paths.extensions.is_empty() {
        out.push_str(&write_entries(&paths.extensions)?);
    }
    // An empty tail is written `{}`, which has no place in the document.
    if tail != "{}\n" {
        out.push_str(&tail);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_what_serde_yaml_ng_writes() {
        // Enough paths to be shared out, with the scalars whose layout depends on where they are: block
        // scalars with empty and indented lines, quoted keys and values, values that read as other types.
        let mut paths = String::new();
        for i in 0..MIN_PATHS_TO_SHARE + 3 {
            // Every tenth path is longer than a simple key may be, and is written `? path`.
            let long = if i % 10 == 0 { "x".repeat(130) } else { String::new() };
            paths.push_str(&format!(
                r#""/p{i}{long}/{{x-id}}": {{"get": {{"operationId": "op{i}", "summary": "true",
                    "description": "line one\n\n  indented two\nthree: {i}\n",
                    "responses": {{"2XX": {{"description": "Success"}}}},
                    "x-ms-docs-source": "- dash {i}"}}}},"#
            ));
        }
        let json = format!(
            r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1.0"}},
                "servers": [{{"url": "https://example.com"}}],
                "paths": {{{} "x-ext": {{"a": " lead"}}}},
                "components": {{"schemas": {{"s": {{"type": "string", "description": "\n lead"}}}}}}}}"#,
            paths
        );
        let document: OpenAPI = serde_json::from_str(&json).expect("test document");
        let whole = serde_yaml_ng::to_string(&document).expect("yaml");
        for cores in [2, 3, 7] {
            assert_eq!(to_yaml_on(&document, cores).expect("yaml"), whole, "on {cores} threads");
        }
        let small = OpenAPI { paths: Default::default(), components: None, ..document };
        assert_eq!(to_yaml_on(&small, 2).expect("yaml"), serde_yaml_ng::to_string(&small).expect("yaml"));
    }

    /// `value` by the emitter, which must not leave it to serde_yaml_ng, and by serde_yaml_ng.
    fn both<T: Serialize>(value: &T) -> (String, String) {
        let ours = write(value).expect("the emitter writes it");
        (ours, serde_yaml_ng::to_string(value).expect("serde_yaml_ng writes it"))
    }

    #[test]
    fn writes_the_committed_spec_as_serde_yaml_ng_does() {
        let path = crate::project_root().join("spec/openapi.yaml");
        let text = std::fs::read_to_string(&path).expect("spec/openapi.yaml");
        let document: OpenAPI = serde_yaml_ng::from_str(&text).expect("the committed spec");
        let (ours, theirs) = both(&document);
        assert_eq!(ours, theirs);
        assert_eq!(to_yaml_on(&document, 2).expect("yaml"), theirs);
    }

    /// Strings that take each of libyaml's paths: every ASCII character at the start, in the middle and at
    /// the end, with spaces and line breaks around, text that reads as another type, indicators, quotes,
    /// non-printable and non-ASCII characters, long lines, and empty text.
    fn awkward_strings() -> Vec<String> {
        let mut strings: Vec<String> = [
            "",
            " ",
            "  ",
            "\n",
            "\n\n",
            "a\n",
            "a\n\n",
            "\na",
            "\n a",
            " a\nb",
            "a \nb",
            "a\n b",
            "a\n\n  b\n",
            "a\tb",
            "\ta",
            "a\t",
            "a\rb",
            "a\r\nb",
            "trailing ",
            " leading",
            "a  b",
            "true",
            "True",
            "TRUE",
            "tRUE",
            "false",
            "no",
            "No",
            "yes",
            "Yes",
            "on",
            "off",
            "y",
            "n",
            "null",
            "Null",
            "NULL",
            "nULL",
            "~",
            "~a",
            "0",
            "00",
            "007",
            "-007",
            "+007",
            "0x1F",
            "0x",
            "0o17",
            "0b101",
            "-0x1F",
            "+0x1F",
            "0x-1",
            "1_000",
            "12",
            "-12",
            "+12",
            "+-12",
            "1.5",
            "-1.5",
            "1e5",
            "1e400",
            "-1e400",
            ".5",
            "5.",
            "1.2.3",
            ".inf",
            "-.inf",
            "+.inf",
            ".Inf",
            ".NAN",
            ".nan",
            "+.nan",
            "inf",
            "-inf",
            "nan",
            "NaN",
            "infinity",
            "340282366920938463463374607431768211456",
            "99999999999999999999999999999999999999999999",
            "- a",
            "-a",
            "-",
            "--",
            "---",
            "--- a",
            "...",
            "....",
            "? a",
            "?a",
            "?",
            ": a",
            ":a",
            ":",
            "a: b",
            "a:b",
            "a:",
            "a :",
            "# a",
            "#a",
            "a #b",
            "a#b",
            "a #",
            "[a]",
            "{a}",
            "a,b",
            "a[b]",
            "&a",
            "*a",
            "!a",
            "|a",
            ">a",
            "'a",
            "\"a",
            "%a",
            "@a",
            "`a",
            "a'b",
            "a''b",
            "a\"b",
            "a\\b",
            "'",
            "\"",
            "\\",
            "it's \"quoted\"",
            "é",
            "a\u{a0}b",
            "\u{a0}",
            "a\u{85}b",
            "a\u{feff}b",
            "\u{fffe}",
            "a\u{7f}b",
            "\u{0}",
            "a\u{1b}b",
            "\u{1f600} emoji",
            "日本語",
            "a\u{d7ff}\u{e000}\u{10000}",
            "line one\n\n  indented two\nthree: 3\n",
            "> Note: text\n\nmore",
            "a\n\tb",
            "a \n b",
            "GET /me/messages/{message-id}",
            "#/components/schemas/microsoft.graph.message",
            "application/json; odata.metadata=minimal",
            "2XX",
            "200",
            "4XX",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for b in 0x00u8..0x80 {
            let c = char::from(b);
            strings.push(format!("{c}x"));
            strings.push(format!("x{c}x"));
            strings.push(format!("x{c}"));
            strings.push(format!("{c} x"));
            strings.push(format!("x {c}"));
            strings.push(format!("x {c} x"));
            strings.push(format!("x\n{c}"));
        }
        strings.push("word ".repeat(400).trim_end().to_string());
        strings.push("x".repeat(129));
        strings.push(format!("/{}", "segment/".repeat(20)));
        strings.push(format!("{}\n{}", "long ".repeat(50), "x".repeat(300)));
        strings
    }

    #[test]
    fn writes_awkward_strings_as_serde_yaml_ng_does() {
        use serde_json::{json, Map, Value};
        let strings = awkward_strings();
        // Each string as a key, as a value, as a sequence item, in a sequence in a sequence, and as a key
        // of a mapping in a sequence; keys longer than 128 bytes or with a break are written `? key`.
        let mut as_keys = Map::new();
        let mut items = Vec::new();
        for (i, s) in strings.iter().enumerate() {
            as_keys.insert(s.clone(), json!({ "value": s, "n": i }));
            items.push(json!([s, [s, {}], {s.as_str(): [s], "k": s}, [], {}]));
        }
        let document = json!({
            "keys": Value::Object(as_keys),
            "items": items,
            "numbers": [0, -1, 1.5, 1e300, -0.0, 18446744073709551615u64, true, null],
            "nested": [[[["deep"]]], {"a": {"b": {"c": []}}}],
            "empty map": {}, "empty list": [],
        });
        let (ours, theirs) = both(&document);
        for (n, (a, b)) in ours.lines().zip(theirs.lines()).enumerate() {
            assert_eq!(a, b, "line {}", n + 1);
        }
        assert_eq!(ours, theirs);
        for s in &strings {
            assert_eq!(both(s).0, both(s).1, "{s:?} alone");
            assert_eq!(both(&vec![s]).0, both(&vec![s]).1, "{s:?} in a list");
        }
    }

    #[test]
    fn writes_kept_block_scalars_as_serde_yaml_ng_does() {
        use serde_json::json;
        for value in [
            json!({"a": "x\n\n"}),
            json!({"a": "x\n\n", "b": "y"}),
            json!({"a": "x\n\n", "b": "y\n"}),
            json!(["\n"]),
            json!({"a": {"b": "x\n\n\n"}}),
        ] {
            let (ours, theirs) = both(&value);
            assert_eq!(ours, theirs, "{value}");
        }
        // And in a document written in shares, the last path's description the document's last scalar.
        let mut paths = String::new();
        for i in 0..MIN_PATHS_TO_SHARE + 3 {
            paths.push_str(&format!(
                r#""/p{i}": {{"get": {{"description": "kept\n\n", "responses": {{"200": {{"description": "ok"}}}}}}}},"#
            ));
        }
        let json = format!(
            r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1.0"}}, "paths": {{{}}}}}"#,
            paths.trim_end_matches(',')
        );
        let document: OpenAPI = serde_json::from_str(&json).expect("test document");
        let whole = serde_yaml_ng::to_string(&document).expect("yaml");
        assert_eq!(to_yaml_on(&document, 2).expect("yaml"), whole);
    }

    #[test]
    fn leaves_what_it_does_not_write_to_serde_yaml_ng() {
        use serde_json::json;
        let value = json!({"a": "line\u{2028}separator"});
        assert!(emitter::write(&value, &mut String::new()).is_err());
        let document: OpenAPI = serde_json::from_value(json!({
            "openapi": "3.0.3", "info": {"title": "t\u{2029}", "version": "1.0"}, "paths": {}
        }))
        .expect("test document");
        assert_eq!(
            to_yaml_on(&document, 1).expect("yaml"),
            serde_yaml_ng::to_string(&document).expect("yaml")
        );
    }
}
