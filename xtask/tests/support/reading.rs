//! Fixture pages read and converted as `cargo xtask convert` does, for the tests that do both (`convert`,
//! `request_bodies`). Include it beside `pages.rs`, whose `fixture` it uses.

use xtask::convert::{self, Conversion, Source};
use xtask::diagnostics::Diagnostics;
use xtask::page::Page;

use crate::pages::fixture;

/// The API page at `rel` under `tests/fixtures/pages/`; a resource page fails the test.
pub fn read(rel: &str) -> Page {
    let bytes = std::fs::read(fixture(rel)).expect("fixture");
    match convert::read_bytes(rel, &bytes) {
        Source::Api(page) => *page,
        Source::Resource(r) => panic!("{rel} read as a resource page: {r:?}"),
    }
}

/// The fixture pages at `rels`, converted into one document.
pub fn convert_pages(rels: &[&str]) -> Conversion {
    convert_saying(rels).0
}

/// The conversion of fixture pages, and what the run said.
pub fn convert_saying(rels: &[&str]) -> (Conversion, Diagnostics) {
    let pages = rels
        .iter()
        .map(|rel| convert::read_bytes(rel, &std::fs::read(fixture(rel)).expect("fixture")))
        .collect();
    let mut said = Diagnostics::new();
    let conversion =
        convert::convert(pages, &mut |_| {}, &mut said).expect("the good pages make a valid document");
    (conversion, said)
}
