//! The spec's own checks, beyond what `openapiv3` enforces: path parameters declared once, unique
//! operationIds, resolvable `$ref`s; as sentences (`check`) or as diagnostics at the page and request line
//! of the operation at fault (`check_at`).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::BuiltOperation;
use crate::diagnostics::{Diagnostic, PageDiagnostic};
use crate::reader::page::Page;

/// Checks beyond what `openapiv3` enforces. Each problem is a sentence naming the path or operationId.
pub fn check(document: &Value) -> Vec<String> {
    problems(document).into_iter().map(|p| p.message).collect()
}

/// [`check`]'s problems as diagnostics at the page and request line of the operation each is about (as
/// built from `pages`); a problem outside any operation is put on `spec_file`, line 1.
pub fn check_at(
    document: &Value,
    operations: &[BuiltOperation],
    pages: &[Page],
    spec_file: &str,
) -> Vec<PageDiagnostic> {
    let line_of = |op: &BuiltOperation| {
        pages
            .iter()
            .find(|p| p.file == op.file)
            .and_then(|p| p.endpoints.get(op.endpoint))
            .map_or(1, |e| e.line)
    };
    problems(document)
        .into_iter()
        .map(|p| {
            let source = p.operation.as_ref().and_then(|(method, path)| {
                operations.iter().find(|o| o.method.eq_ignore_ascii_case(method) && o.path == *path)
            });
            let (file, line) = match source {
                Some(op) => (op.file.clone(), line_of(op)),
                None => (spec_file.to_string(), 1),
            };
            PageDiagnostic { file, diagnostic: Diagnostic::error(line, p.message) }
        })
        .collect()
}

/// One finding of [`check`]: the operation (method, path) it is about, if any, and the sentence.
struct Problem {
    operation: Option<(String, String)>,
    message: String,
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

fn problems(document: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let empty = Map::new();
    let paths = document.get("paths").and_then(Value::as_object).unwrap_or(&empty);
    for (path, item) in paths {
        let template_params: Vec<String> = placeholders(path);
        let path_level = declared(item.get("parameters"), "path");
        let Some(item_obj) = item.as_object() else { continue };
        for (method, op) in item_obj {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let op_level = declared(op.get("parameters"), "path");
            let label = format!("{} {path}", method.to_ascii_uppercase());
            let mut say = |message: String| {
                problems.push(Problem { operation: Some((method.clone(), path.clone())), message })
            };
            // Counted through maps: a path can carry thousands of parameters.
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for name in path_level.iter().chain(&op_level) {
                *counts.entry(name.as_str()).or_default() += 1;
            }
            let in_path: std::collections::BTreeSet<&str> =
                template_params.iter().map(String::as_str).collect();
            for name in &template_params {
                let count = counts.get(name.as_str()).copied().unwrap_or(0);
                if count != 1 {
                    say(format!("{label}: path parameter `{name}` is declared {count} times, not once"));
                }
            }
            for name in path_level.iter().chain(&op_level) {
                if !in_path.contains(name.as_str()) {
                    say(format!("{label}: parameter `{name}` is declared but not in the path"));
                }
            }
            match op.get("operationId").and_then(Value::as_str) {
                Some(id) => {
                    if let Some(other) = ids.insert(id.to_string(), label.clone()) {
                        problems.push(Problem {
                            operation: Some((method.clone(), path.clone())),
                            message: format!("operationId `{id}` is used by both {other} and {label}"),
                        });
                    }
                }
                None => say(format!("{label} has no operationId")),
            }
            let mut refs = Vec::new();
            collect_refs(op, &mut refs);
            for r in refs.into_iter().filter(|r| resolve(document, r).is_none()) {
                problems.push(Problem {
                    operation: Some((method.clone(), path.clone())),
                    message: format!("`$ref: {r}` does not resolve"),
                });
            }
        }
    }
    // `$ref`s outside the operations (schemas, shared parameters and responses).
    let mut refs = Vec::new();
    for (_, value) in document.as_object().into_iter().flatten().filter(|(k, _)| *k != "paths") {
        collect_refs(value, &mut refs);
    }
    for item in paths.values().filter_map(Value::as_object) {
        for (_, value) in item.iter().filter(|(k, _)| !METHODS.contains(&k.as_str())) {
            collect_refs(value, &mut refs);
        }
    }
    for r in refs.into_iter().filter(|r| resolve(document, r).is_none()) {
        problems.push(Problem { operation: None, message: format!("`$ref: {r}` does not resolve") });
    }
    problems
}

fn placeholders(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        out.push(rest[open + 1..open + close].to_string());
        rest = &rest[open + close + 1..];
    }
    out
}

fn declared(params: Option<&Value>, location: &str) -> Vec<String> {
    params
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter(|p| p.get("in").and_then(Value::as_str) == Some(location))
                .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Every `$ref` in a JSON value, in document order.
pub fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                if k == "$ref" {
                    if let Some(s) = v.as_str() {
                        out.push(s.to_string());
                    }
                } else {
                    collect_refs(v, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// Resolves a local JSON pointer reference (`#/components/schemas/x`); names may contain dots, not slashes.
fn resolve<'a>(document: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    document.pointer(pointer)
}
