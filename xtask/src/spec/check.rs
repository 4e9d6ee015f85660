//! The spec's own checks, beyond what the `openapiv3` types hold: path parameters declared once, unique
//! operationIds, status codes of three digits, and every `$ref` resolving (schemas, shared parameters,
//! responses, request bodies), each said as an error; and a warning where a path keys a singular segment
//! beside the plural collection of the same items (a page's slip the client names apart) at the page and request line of the operation at fault,
//! or on the resource page a schema comes from.

use std::collections::{BTreeMap, BTreeSet};

use generator::walk::shared as walk;
use openapiv3::{OpenAPI, Parameter, ReferenceOr, StatusCode};

use super::build::BuiltOperation;
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::reader::page::Page;

/// Checks beyond what `openapiv3` enforces, each problem an error in `diagnostics`: a sentence naming the
/// path or operationId, said at the page and request line of the operation it is about (as built from
/// `pages`), or on the resource page of the schema it is in (the file alone: the schema has no one line);
/// any other problem is said on `spec_file`, the document as a whole.
pub fn check(
    document: &OpenAPI,
    operations: &[BuiltOperation],
    pages: &[Page],
    spec_file: &str,
    diagnostics: &mut Diagnostics,
) {
    let line_of = |op: &BuiltOperation| {
        pages
            .iter()
            .find(|p| p.file == op.file)
            .and_then(|p| p.endpoints.get(op.endpoint))
            .map_or(0, |e| e.line)
    };
    let schema_source = |name: &str| {
        let schema = document.components.as_ref()?.schemas.get(name)?.as_item()?;
        schema.schema_data.extensions.get("x-ms-docs-source")?.as_str().map(str::to_string)
    };
    for p in problems(document) {
        let (file, line) = match p.place {
            Place::Operation(method, path) => {
                match operations.iter().find(|o| o.method.eq_ignore_ascii_case(&method) && o.path == path) {
                    Some(op) => (op.file.clone(), line_of(op)),
                    None => (spec_file.to_string(), 0),
                }
            }
            Place::Schema(name) => (schema_source(&name).unwrap_or_else(|| spec_file.to_string()), 0),
            Place::Document => (spec_file.to_string(), 0),
        };
        let diagnostic = match p.severity {
            Severity::Error => Diagnostic::error(line, p.message),
            Severity::Warning => Diagnostic::warning(line, p.message),
        };
        diagnostics.push(&file, diagnostic);
    }
}

/// Where a problem is.
enum Place {
    /// An operation, by method and path.
    Operation(String, String),
    /// A schema of `components/schemas`, by name.
    Schema(String),
    Document,
}

/// One problem [`check`] finds: where it is, how bad, and the sentence.
struct Problem {
    place: Place,
    severity: Severity,
    message: String,
}

/// A walk over part of the document, handing each schema and `$ref` it meets to the visitor.
type Walk<'w> = &'w dyn Fn(&mut dyn FnMut(walk::Node<'_>));

fn problems(document: &OpenAPI) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut ids: BTreeMap<&str, String> = BTreeMap::new();
    // The `$ref`s that do not resolve, each said once per place, in document order.
    let unresolved = |walk: Walk<'_>| -> Vec<String> {
        let mut said = Vec::new();
        walk(&mut |node| {
            if let walk::Node::Ref(r) = node {
                if !resolves(document, r) {
                    said.push(format!("`$ref: {r}` does not resolve"));
                }
            }
        });
        said
    };
    for (path, item) in &document.paths.paths {
        let ReferenceOr::Item(item) = item else { continue };
        let template_params = crate::paths::placeholders(path);
        let path_level = declared_in_path(document, &item.parameters);
        for (method, op) in item.iter() {
            let op_level = declared_in_path(document, &op.parameters);
            let label = format!("{} {path}", method.to_ascii_uppercase());
            let mut say = |message: String| {
                problems.push(Problem {
                    place: Place::Operation(method.to_string(), path.clone()),
                    severity: Severity::Error,
                    message,
                })
            };
            // Counted through maps: a path can carry thousands of parameters.
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for name in path_level.iter().chain(&op_level) {
                *counts.entry(name).or_default() += 1;
            }
            let in_path: BTreeSet<&str> = template_params.iter().copied().collect();
            for name in &template_params {
                let count = counts.get(name).copied().unwrap_or(0);
                if count != 1 {
                    say(format!("{label}: path parameter `{name}` is declared {count} times, not once"));
                }
            }
            for name in path_level.iter().chain(&op_level) {
                if !in_path.contains(name) {
                    say(format!("{label}: parameter `{name}` is declared but not in the path"));
                }
            }
            match op.operation_id.as_deref() {
                Some(id) => {
                    if let Some(other) = ids.insert(id, label.clone()) {
                        say(format!("operationId `{id}` is used by both {other} and {label}"));
                    }
                }
                None => say(format!("{label} has no operationId")),
            }
            for code in op.responses.responses.keys() {
                if matches!(code, StatusCode::Code(n) if !(100..1000).contains(n)) {
                    say(format!("{label}: status `{code}` is not an HTTP status of three digits"));
                }
            }
            unresolved(&|mut visit| walk::operation(op, &mut visit)).into_iter().for_each(&mut say);
        }
    }
    // `$ref`s outside the operations: path items' own parameters, shared parameters, responses and bodies.
    let outside = unresolved(&|visit| {
        let mut visit = visit;
        for item in document.paths.paths.values().filter_map(ReferenceOr::as_item) {
            item.parameters.iter().for_each(|p| walk::parameter(p, &mut visit));
        }
        if let Some(c) = &document.components {
            c.parameters.values().for_each(|p| walk::parameter(p, &mut visit));
            for r in c.responses.values() {
                match r {
                    ReferenceOr::Reference { reference } => visit(walk::Node::Ref(reference)),
                    ReferenceOr::Item(r) => walk::response(r, &mut visit),
                }
            }
            for b in c.request_bodies.values() {
                match b {
                    ReferenceOr::Reference { reference } => visit(walk::Node::Ref(reference)),
                    ReferenceOr::Item(b) => walk::content(&b.content, &mut visit),
                }
            }
        }
    });
    for message in outside {
        problems.push(Problem { place: Place::Document, severity: Severity::Error, message });
    }
    for (name, schema) in document.components.iter().flat_map(|c| &c.schemas) {
        for message in unresolved(&|mut visit| walk::schema(schema, &mut visit)) {
            problems.push(Problem { place: Place::Schema(name.clone()), severity: Severity::Error, message });
        }
    }
    problems.extend(singular_keys(document));
    problems
}

/// Paths that key a segment spelled in the singular where the document has the plural collection of the
/// same items under the same parent (2017's `/me/calendar/{id}` beside `/me/calendars/{id}`): a slip of the
/// page, which Graph serves all the same; the client names its accessor apart (`calendar_item_by_id`), and
/// the page is told.
fn singular_keys(document: &OpenAPI) -> Vec<Problem> {
    let keyed = |path: &str| -> Vec<(String, String)> {
        let segments: Vec<&str> = path.split('/').collect();
        (0..segments.len().saturating_sub(1))
            .filter(|&i| !segments[i].starts_with('{') && segments[i + 1].starts_with('{'))
            .map(|i| (segments[..i].join("/").to_ascii_lowercase(), segments[i].to_string()))
            .collect()
    };
    // Under each parent, the keyed collections by their singular.
    let mut plurals: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for path in document.paths.paths.keys() {
        for (parent, literal) in keyed(path) {
            let singular = crate::paths::singular(&literal).to_ascii_lowercase();
            plurals.entry((parent, singular)).or_default().insert(literal);
        }
    }
    let mut out = Vec::new();
    for (path, item) in &document.paths.paths {
        let ReferenceOr::Item(item) = item else { continue };
        for (parent, literal) in keyed(path) {
            if crate::paths::singular(&literal) != literal {
                continue;
            }
            let Some(others) = plurals.get(&(parent, literal.to_ascii_lowercase())) else { continue };
            let Some(plural) = others.iter().find(|o| !o.eq_ignore_ascii_case(&literal)) else {
                continue;
            };
            for (method, _) in item.iter() {
                out.push(Problem {
                    place: Place::Operation(method.to_string(), path.clone()),
                    severity: Severity::Warning,
                    message: format!(
                        "`{path}` keys `{literal}`, the singular, where the collection is `{plural}` (a slip of \
                         the page); kept as written, and the client gives it an accessor of its own"
                    ),
                });
            }
        }
    }
    out
}

/// The names of the path parameters among `parameters`, following `$ref`s into `components/parameters`.
fn declared_in_path<'a>(document: &'a OpenAPI, parameters: &'a [ReferenceOr<Parameter>]) -> Vec<&'a str> {
    parameters
        .iter()
        .filter_map(|p| match p {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/parameters/")
                .and_then(|name| document.components.as_ref()?.parameters.get(name)?.as_item()),
        })
        .filter_map(|p| match p {
            Parameter::Path { parameter_data, .. } => Some(parameter_data.name.as_str()),
            _ => None,
        })
        .collect()
}

/// Whether a local reference (`#/components/schemas/x`) names something the document has; names may
/// contain dots, not slashes.
fn resolves(document: &OpenAPI, reference: &str) -> bool {
    let Some(c) = &document.components else { return false };
    let Some(rest) = reference.strip_prefix("#/components/") else { return false };
    let Some((section, name)) = rest.split_once('/') else { return false };
    match section {
        "schemas" => c.schemas.contains_key(name),
        "parameters" => c.parameters.contains_key(name),
        "responses" => c.responses.contains_key(name),
        "requestBodies" => c.request_bodies.contains_key(name),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document from JSON text: the tests state the shapes they check as the spec would write them.
    fn document(json: &str) -> OpenAPI {
        serde_json::from_str(json).expect("a test document")
    }

    /// A page whose one endpoint, `GET {written}` at `line`, is built as the operation `GET {path}` (`id`).
    fn get_at(file: &str, written: &str, line: usize, path: &str, id: &str) -> (Page, [BuiltOperation; 1]) {
        let endpoint = crate::reader::page::Endpoint { method: "GET".into(), path: written.into(), line };
        let page = Page { file: file.into(), endpoints: vec![endpoint], ..Page::default() };
        let operation = BuiltOperation {
            file: file.into(),
            method: "get".into(),
            path: path.into(),
            operation_id: id.into(),
            responses: vec![],
            endpoint: 0,
        };
        (page, [operation])
    }

    /// The sentences [`check`] says about a document built from no page.
    fn said(document: &OpenAPI) -> Vec<String> {
        let mut diagnostics = Diagnostics::new();
        check(document, &[], &[], "spec/openapi.yaml", &mut diagnostics);
        diagnostics.into_iter().map(|d| d.diagnostic.message).collect()
    }

    #[test]
    fn check_names_the_page_and_request_line_of_the_operation_at_fault() {
        let document = document(
            r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
                "paths": {"/me/messages/{message-id}": {"get": {
                    "operationId": "me.messages.get",
                    "parameters": [{"name": "message-id", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "responses": {"200": {"$ref": "#/components/responses/missing"}}}}},
                "components": {"schemas": {
                    "x": {"type": "object", "properties": {"y": {"$ref": "#/components/schemas/gone"}},
                          "x-ms-docs-source": "spec/docs/resources/x.md"},
                    "z": {"$ref": "#/components/schemas/gone"}}}}"##,
        );
        let (page, operations) = get_at(
            "spec/docs/message-get.md",
            "/me/messages/{id}",
            17,
            "/me/messages/{message-id}",
            "me.messages.get",
        );
        let mut diagnostics = Diagnostics::new();
        check(&document, &operations, &[page], "spec/openapi.yaml", &mut diagnostics);
        let found: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            [
                "spec/docs/message-get.md:17: error: `$ref: #/components/responses/missing` does not resolve",
                "spec/docs/resources/x.md: error: `$ref: #/components/schemas/gone` does not resolve",
                "spec/openapi.yaml: error: `$ref: #/components/schemas/gone` does not resolve",
            ]
        );
    }

    #[test]
    fn check_finds_unresolved_refs_and_undeclared_params() {
        let doc = document(
            r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
                "paths": {
                    "/a/{x-id}": {"get": {"operationId": "a", "parameters": [{"$ref": "#/components/parameters/top"}],
                                          "responses": {"200": {"$ref": "#/components/responses/missing"}}}},
                    "/b": {"get": {"operationId": "a", "responses": {}}}},
                "components": {}}"##,
        );
        let problems = said(&doc);
        assert!(problems.iter().any(|p| p.contains("`x-id` is declared 0 times")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("operationId `a` is used by both")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("#/components/responses/missing")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("#/components/parameters/top")), "{problems:?}");
    }

    #[test]
    fn a_key_under_the_singular_beside_the_plural_collection_is_a_warning_on_its_line() {
        let document = document(
            r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
                "paths": {
                    "/me/calendar/{calendar-id}/events": {"parameters": [{"name": "calendar-id", "in": "path", "required": true, "schema": {"type": "string"}}],
                        "get": {"operationId": "a", "responses": {}}},
                    "/me/calendars/{calendar-id}/events": {"parameters": [{"name": "calendar-id", "in": "path", "required": true, "schema": {"type": "string"}}],
                        "get": {"operationId": "b", "responses": {}}},
                    "/me/calendar": {"get": {"operationId": "c", "responses": {}}}}}"##,
        );
        let (page, operations) = get_at(
            "attachment_get.md",
            "/me/calendar/{id}/events",
            31,
            "/me/calendar/{calendar-id}/events",
            "a",
        );
        let mut diagnostics = Diagnostics::new();
        check(&document, &operations, &[page], "spec/openapi.yaml", &mut diagnostics);
        let found: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            ["attachment_get.md:31: warning: `/me/calendar/{calendar-id}/events` keys `calendar`, the singular, where \
              the collection is `calendars` (a slip of the page); kept as written, and the client gives it an \
              accessor of its own"]
        );
    }

    #[test]
    fn a_path_parameter_shared_by_ref_counts_as_declared() {
        let doc = document(
            r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
                "paths": {"/a/{x-id}": {"get": {"operationId": "a", "parameters": [{"$ref": "#/components/parameters/x"}],
                                                "responses": {}}}},
                "components": {"parameters": {"x": {"name": "x-id", "in": "path", "required": true,
                                                    "schema": {"type": "string"}}}}}"##,
        );
        assert_eq!(said(&doc), Vec::<String>::new());
    }
}
