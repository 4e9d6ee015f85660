//! `generate_with` takes pieces of an earlier generation: whatever they are, the files are the bytes
//! `generate` makes from scratch. A stale piece costs time, never bytes.

mod support;

use generator::{generate, generate_with, Reuse, Settings};
use openapiv3::OpenAPI;

/// The committed mail spec, and a copy with one operation's description edited and one schema property
/// retyped: a page edit of each kind.
fn specs() -> (OpenAPI, OpenAPI, OpenAPI) {
    let spec = support::load(&support::workspace().join("spec/openapi.yaml"));
    let mut described = spec.clone();
    let (_, item) = described.paths.paths.iter_mut().next().expect("the spec has paths");
    let openapiv3::ReferenceOr::Item(item) = item else { panic!("the spec's paths are items") };
    let op = item.post.as_mut().or(item.get.as_mut()).or(item.patch.as_mut()).expect("an operation");
    op.description = Some("Edited: a description no page has.".into());
    let mut retyped = spec.clone();
    let schemas = &mut retyped.components.as_mut().expect("the spec has components").schemas;
    let (_, first) = schemas.iter_mut().next().expect("the spec has schemas");
    let mut json = serde_json::to_value(&*first).expect("a schema serialises");
    json["description"] = serde_json::Value::String("Edited: a schema description no page has.".into());
    *first = serde_json::from_value(json).expect("the schema reads back");
    (spec, described, retyped)
}

#[test]
fn reused_pieces_give_the_bytes_a_fresh_generation_gives() {
    let settings = Settings::default();
    let (spec, described, retyped) = specs();
    let (first, made) = generate_with(&spec, &settings, &Reuse::default()).expect("generates");
    assert_eq!(first, generate(&spec, &settings).expect("generates"));
    assert!(made.len() > 10, "a generation keeps its pieces: {}", made.len());

    // The same spec again: everything is taken, nothing changes.
    let (again, _) = generate_with(&spec, &settings, &made).expect("generates");
    assert_eq!(again, first);

    // An operation's description and a schema's: some pieces are stale, and must not be used.
    for edited in [&described, &retyped] {
        let fresh = generate(edited, &settings).expect("generates");
        assert_ne!(fresh, first, "the edit changes the output");
        let (reused, _) = generate_with(edited, &settings, &made).expect("generates");
        assert_eq!(reused, fresh);
    }

    // Pieces of another spec altogether (the edited one's) on the original.
    let (_, other) = generate_with(&retyped, &settings, &Reuse::default()).expect("generates");
    let (back, _) = generate_with(&spec, &settings, &other).expect("generates");
    assert_eq!(back, first);
}
