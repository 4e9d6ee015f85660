//! The checks of `cargo xtask diff` on small documents, one rule each: direction decides a property's kind,
//! Graph's 202-vs-204 quirk, scopes as alternatives, parameters and the semver step of Rust-only changes.

use xtask::diff::{compare, parse, Change, Kind, Pages, Report, Semver};

/// A document with one operation on `/me/things/{thing-id}` (the request and response given as YAML
/// fragments) and the schemas given.
fn doc(operation: &str, schemas: &str) -> openapiv3::OpenAPI {
    let text = format!(
        "openapi: 3.0.4
info: {{ title: t, version: '1' }}
paths:
  /me/things/{{thing-id}}:
    parameters:
    - {{ name: thing-id, in: path, required: true, schema: {{ type: string }}, x-ms-docs-key-type: thing }}
    post:
      operationId: me.things.thing.act
{operation}
components:
  schemas:
{schemas}"
    );
    parse(&text, "test document").expect("the test document parses")
}

const BODY_IN: &str = "      requestBody:
        required: true
        content: {{ application/json: {{ schema: {{ $ref: '#/components/schemas/in' }} }} }}";
const BODY_OUT: &str = "        '200':
          description: ok
          content: { application/json: { schema: { $ref: '#/components/schemas/out' } } }";

fn ops(request: bool, responses: &str, extra: &str) -> String {
    let mut s = String::new();
    if request {
        s.push_str(&BODY_IN.replace("{{", "{").replace("}}", "}"));
        s.push('\n');
    }
    s.push_str("      responses:\n");
    s.push_str(responses);
    s.push('\n');
    s.push_str(extra);
    s
}

fn object(name: &str, required: &[&str]) -> String {
    format!(
        "    {name}:
      type: object
      properties: {{ a: {{ type: string }}, b: {{ type: boolean }} }}
      required: [{}]\n",
        required.join(", ")
    )
}

fn diff(old: &openapiv3::OpenAPI, new: &openapiv3::OpenAPI) -> Report {
    let pages = Pages::Disk(Vec::new());
    compare(old, new, &pages, &pages)
}

fn only(report: &Report) -> &Change {
    assert_eq!(report.changes.len(), 1, "{:#?}", report.changes);
    &report.changes[0]
}

#[test]
fn a_property_that_became_required_breaks_requests_but_not_responses() {
    let schemas = |req: &[&str], resp: &[&str]| object("in", req) + &object("out", resp);
    let operation = ops(true, BODY_OUT, "");
    let report = diff(&doc(&operation, &schemas(&[], &[])), &doc(&operation, &schemas(&["a"], &[])));
    let c = only(&report);
    assert_eq!((c.id, c.kind), ("request-property-became-required", Kind::Breaking));
    assert_eq!(c.pointer, "/components/schemas/in/required");

    let report = diff(&doc(&operation, &schemas(&[], &[])), &doc(&operation, &schemas(&[], &["a"])));
    let c = only(&report);
    assert_eq!((c.id, c.kind), ("response-property-became-required", Kind::Additive));
    // No app's request fails, but the Rust field loses its `Option`: a major step for the crate.
    assert_eq!(c.rust.as_deref(), Some("types::Out::a: Option<String> → String"));
    assert_eq!(report.semver(), Semver::Major);
}

#[test]
fn graph_202_and_204_for_an_action_without_a_body_is_not_breaking() {
    let status = |code: &str| format!("        '{code}': {{ description: done }}");
    let schemas = object("in", &[]) + &object("out", &[]);
    let old = doc(&ops(true, &status("202"), ""), &schemas);
    let new = doc(&ops(true, &status("204"), ""), &schemas);
    let report = diff(&old, &new);
    let c = only(&report);
    assert_eq!((c.id, c.kind), ("success-status-changed", Kind::Additive));
    assert!(c.message.contains("202 → 204"), "{}", c.message);
    assert_eq!(report.semver(), Semver::Patch, "only the method's docs change");

    // With a body, the same move is breaking: the answer an app decodes is no longer documented.
    let old = doc(&ops(true, BODY_OUT, ""), &schemas);
    let new = doc(&ops(true, &BODY_OUT.replace("'200'", "'201'"), ""), &schemas);
    let c = only(&diff(&old, &new)).clone();
    assert_eq!((c.id, c.kind), ("success-status-changed", Kind::Breaking));
}

#[test]
fn scopes_are_alternatives() {
    let schemas = object("in", &[]) + &object("out", &[]);
    let perms = |scopes: &str| format!("      x-ms-permissions: {{ delegatedWork: [{scopes}] }}\n");
    let old = doc(&ops(true, BODY_OUT, &perms("Mail.Read, Mail.ReadWrite")), &schemas);
    let new = doc(&ops(true, BODY_OUT, &perms("Mail.ReadBasic, Mail.Read, Mail.ReadWrite")), &schemas);
    let c = only(&diff(&old, &new)).clone();
    assert_eq!((c.id, c.kind), ("scope-added", Kind::Additive));
    let removed = diff(&new, &doc(&ops(true, BODY_OUT, &perms("Mail.ReadWrite")), &schemas));
    assert!(
        removed.changes.iter().all(|c| (c.id, c.kind) == ("scope-removed", Kind::Breaking)),
        "{removed:#?}"
    );
    assert_eq!(removed.changes.len(), 2, "Mail.ReadBasic and Mail.Read are both gone");
}

#[test]
fn parameters_by_requirement_and_their_rust_items() {
    let schemas = object("in", &[]) + &object("out", &[]);
    let param = |required: bool| {
        format!("      parameters:\n      - {{ name: $top, in: query, required: {required}, schema: {{ type: integer }} }}\n")
    };
    let none = doc(&ops(true, BODY_OUT, ""), &schemas);
    let optional = doc(&ops(true, BODY_OUT, &param(false)), &schemas);
    let required = doc(&ops(true, BODY_OUT, &param(true)), &schemas);

    let c = only(&diff(&none, &optional)).clone();
    assert_eq!((c.id, c.kind), ("parameter-added", Kind::Additive));
    assert_eq!(c.rust.as_deref(), Some("ThingPostRequest::top added"));
    let c = only(&diff(&none, &required)).clone();
    assert_eq!((c.id, c.kind), ("parameter-added-required", Kind::Breaking));
    let c = only(&diff(&optional, &required)).clone();
    assert_eq!((c.id, c.kind), ("parameter-became-required", Kind::Breaking));
    // Optional again: no request fails, but an argument becomes a setter, which is a major step in Rust.
    let report = diff(&required, &optional);
    let c = only(&report);
    assert_eq!((c.id, c.kind), ("parameter-became-optional", Kind::Additive));
    assert_eq!(report.semver(), Semver::Major);
    let c = only(&diff(&optional, &none)).clone();
    assert_eq!((c.id, c.kind), ("parameter-removed", Kind::Breaking));
}

#[test]
fn a_shared_parameter_is_compared_as_the_one_its_ref_names() {
    // The spec declares OData's options once under `components/parameters` and refers to them by `$ref`: a
    // change to the shared `$top` is a change to every operation that refers to it.
    let schemas = object("in", &[]) + &object("out", &[]);
    let shared = |required: bool| {
        let operation =
            ops(true, BODY_OUT, "      parameters:\n      - $ref: '#/components/parameters/top'\n");
        let text = format!(
            "{}\n  parameters:\n    top: {{ name: $top, in: query, required: {required}, schema: {{ type: integer }} }}\n",
            schemas.trim_end()
        );
        doc(&operation, &text)
    };
    let none = doc(&ops(true, BODY_OUT, ""), &schemas);
    let c = only(&diff(&none, &shared(false))).clone();
    assert_eq!((c.id, c.kind), ("parameter-added", Kind::Additive));
    let c = only(&diff(&shared(false), &shared(true))).clone();
    assert_eq!((c.id, c.kind), ("parameter-became-required", Kind::Breaking));
    assert!(diff(&shared(true), &shared(true)).changes.is_empty());
}

#[test]
fn enum_values_and_schemas() {
    let operation = ops(true, BODY_OUT, "");
    let base = object("in", &[]) + &object("out", &[]);
    let with_enum = |values: &str| format!("{base}    level: {{ type: string, enum: [{values}] }}\n");
    let report = diff(&doc(&operation, &with_enum("low, high")), &doc(&operation, &with_enum("low")));
    let c = only(&report);
    assert_eq!((c.id, c.kind), ("enum-value-removed", Kind::Breaking));
    assert_eq!(c.rust.as_deref(), Some("types::Level::High removed"));
    let c = only(&diff(&doc(&operation, &base), &doc(&operation, &with_enum("low")))).clone();
    assert_eq!((c.id, c.kind), ("schema-added", Kind::Additive));
    assert_eq!(c.rust.as_deref(), Some("types::Level added"));
}

#[test]
fn reordered_properties_are_no_change() {
    // The newer `mailsearchfolder.md` lists its properties alphabetically; JSON objects and Rust structs with
    // named fields do not care about order.
    let operation = ops(true, BODY_OUT, "");
    let base = object("in", &[]) + &object("out", &[]);
    let derived = |props: &str| {
        format!(
            "{base}    kind:
      allOf:
      - $ref: '#/components/schemas/out'
      - {{ type: object, properties: {{ {props} }} }}\n"
        )
    };
    let old = doc(&operation, &derived("z: { type: string }, c: { type: boolean }"));
    let new = doc(&operation, &derived("c: { type: boolean }, z: { type: string }"));
    let report = diff(&old, &new);
    assert!(report.changes.is_empty(), "{:#?}", report.changes);

    // A property that goes is still a change.
    let fewer = doc(&operation, &derived("c: { type: boolean }"));
    assert!(!diff(&old, &fewer).changes.is_empty());
}

#[test]
fn a_side_the_generator_cannot_make_is_named_in_a_note_not_dropped_silently() {
    // An operation without an operationId: the generator refuses the old document, the checks do not.
    let mut old = doc(&ops(false, BODY_OUT, ""), &object("out", &[]));
    if let Some(openapiv3::ReferenceOr::Item(item)) = old.paths.paths.get_mut("/me/things/{thing-id}") {
        item.post.as_mut().expect("post").operation_id = None;
    }
    let new = doc(&ops(false, BODY_OUT, ""), &(object("out", &[]) + &object("extra", &[])));
    let report = diff(&old, &new);
    assert!(!report.changes.is_empty());
    assert_eq!(report.notes.len(), 1, "{:?}", report.notes);
    assert!(report.notes[0].starts_with("the old side names no Rust item"), "{}", report.notes[0]);
    assert!(report.notes[0].contains("operationId"), "{}", report.notes[0]);
    assert!(xtask::diff::report::text(&report).contains("note: the old side names no Rust item"));
    assert!(xtask::diff::report::markdown(&report, None).contains("> Note: the old side names no Rust item"));
}
