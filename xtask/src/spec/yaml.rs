//! The document as YAML text, the bytes `serde_yaml_ng` writes for it, with the paths written on every core.
//!
//! Writing YAML is the slowest step after reading the pages (libyaml looks at every scalar to choose its
//! style), and the paths are most of the document. Each share of the paths is written as a mapping of its
//! own and indented under `paths:`: libyaml's layout is relative to the enclosing node (indents, block
//! scalars' indentation indicators), and `serde_yaml_ng` sets no line width, so the text is the same as
//! when written whole; `writes_what_serde_yaml_ng_writes` holds it to that.

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

/// [`to_yaml`] on `cores` threads.
fn to_yaml_on(document: &OpenAPI, cores: usize) -> Result<String, serde_yaml_ng::Error> {
    let paths = &document.paths;
    if cores < 2 || paths.paths.len() < MIN_PATHS_TO_SHARE {
        return serde_yaml_ng::to_string(document);
    }
    let entries: Vec<(&String, &ReferenceOr<PathItem>)> = paths.paths.iter().collect();
    let shares: Vec<&[(&String, &ReferenceOr<PathItem>)]> =
        entries.chunks(entries.len().div_ceil(cores)).collect();
    let (written, head, tail) = std::thread::scope(|s| {
        let handles: Vec<_> =
            shares.iter().map(|share| s.spawn(move || serde_yaml_ng::to_string(&Share(share)))).collect();
        let head = serde_yaml_ng::to_string(&Head {
            openapi: &document.openapi,
            info: &document.info,
            servers: &document.servers,
        });
        let tail = serde_yaml_ng::to_string(&Tail {
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
        indent(&share?, &mut out);
    }
    if !paths.extensions.is_empty() {
        indent(&serde_yaml_ng::to_string(&paths.extensions)?, &mut out);
    }
    // An empty tail is written `{}`, which has no place in the document.
    if tail != "{}\n" {
        out.push_str(&tail);
    }
    Ok(out)
}

/// Appends `text` one level down: two spaces before every line but the empty ones (libyaml writes an
/// empty line of a block scalar without indentation).
fn indent(text: &str, out: &mut String) {
    for line in text.split_inclusive('\n') {
        if line != "\n" {
            out.push_str("  ");
        }
        out.push_str(line);
    }
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
            paths.push_str(&format!(
                r#""/p{i}/{{x-id}}": {{"get": {{"operationId": "op{i}", "summary": "true",
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
}
