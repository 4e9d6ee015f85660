//! The resource reader stands on the scanner API pages use (`reader/scan.rs`), so comments, code blocks and
//! front matter end where they end on an API page. Each test is one place where the resource reader used to
//! scan on its own and read otherwise, shown on the real `outlookcategory.md`
//! (`tests/fixtures/pages/2025-en/resources/`) edited in memory, as no published resource page has the slip.

use std::path::Path;

use xtask::diagnostics::Severity;
use xtask::resource::{self, Resource};

fn outlookcategory() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pages/2025-en/resources/outlookcategory.md");
    std::fs::read_to_string(path).expect("fixture")
}

/// The page with `from` replaced by `to` once, which must be there.
fn edited(from: &str, to: &str) -> String {
    let page = outlookcategory();
    assert!(page.contains(from), "the fixture no longer holds {from:?}");
    page.replacen(from, to, 1)
}

fn names(resource: &Resource) -> Vec<&str> {
    resource.properties.iter().map(|p| p.name.as_str()).collect()
}

#[test]
fn the_page_as_published_reads_whole() {
    let r = resource::read("outlookcategory.md", &outlookcategory());
    assert_eq!(r.name, "microsoft.graph.outlookCategory");
    assert_eq!(r.base.as_deref(), Some("microsoft.graph.entity"));
    assert_eq!(names(&r), ["color", "displayName"]);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

#[test]
fn front_matter_never_closed_costs_a_warning_not_the_page() {
    // Before, an unclosed `---` swallowed the page: no title, no table, "names no type".
    let r = resource::read(
        "outlookcategory.md",
        &edited("doc_type: resourcePageType\n---\n", "doc_type: resourcePageType\n"),
    );
    assert_eq!(names(&r), ["color", "displayName"]);
    assert_eq!(r.name, "microsoft.graph.outlookCategory");
    let d = r.diagnostics.iter().find(|d| d.message.contains("never closed")).expect("a warning");
    assert_eq!((d.line, d.severity), (1, Severity::Warning));
    assert!(r.diagnostics.iter().all(|d| d.severity == Severity::Warning), "{:?}", r.diagnostics);
}

#[test]
fn an_annotation_with_a_trailing_comma_is_read_with_a_warning() {
    // Before, the slip cost the annotation and so the base type; API pages read it repaired, and so do these.
    let r = resource::read(
        "outlookcategory.md",
        &edited(
            r#""@odata.type": "microsoft.graph.outlookCategory""#,
            r#""@odata.type": "microsoft.graph.outlookCategory","#,
        ),
    );
    assert_eq!(r.base.as_deref(), Some("microsoft.graph.entity"));
    assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
    assert_eq!(r.diagnostics[0].line, 77);
    assert!(r.diagnostics[0].message.contains("read it anyway"), "{}", r.diagnostics[0].message);
}

#[test]
fn a_table_inside_a_tilde_fence_is_a_sample_not_properties() {
    // `~~~` opens a code block as ```` ``` ```` does; before, only backticks did, so a table shown as a sample
    // was read as the type's properties.
    let r = resource::read(
        "outlookcategory.md",
        &edited(
            "| Property\t   | Type\t|Description|\n",
            "~~~markdown\n| Property\t   | Type\t|Description|\n",
        )
        .replacen("Read-only.|\n", "Read-only.|\n~~~\n", 1),
    );
    assert!(names(&r).is_empty(), "{:?}", names(&r));
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

#[test]
fn a_comment_never_closed_is_said() {
    let r =
        resource::read("outlookcategory.md", &edited("  \"tocPath\": \"\"\n}-->", "  \"tocPath\": \"\"\n}"));
    let d =
        r.diagnostics.iter().find(|d| d.message.contains("HTML comment is never closed")).expect("a warning");
    assert_eq!(d.line, 95);
    assert_eq!(names(&r), ["color", "displayName"]);
}
