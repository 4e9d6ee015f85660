//! The document convert writes for the whole shared corpus (`../shared/corpus`, every era at once, as the
//! converter bench runs it) is, byte for byte, what `serde_yaml_ng` writes for it: xtask writes YAML with
//! its own emitter (`xtask/src/spec/yaml/`), and `serde_yaml_ng` is the oracle. Skipped, with a message,
//! where the corpus is absent; the unit tests in `spec/yaml.rs` hold the same on the committed spec and on
//! awkward strings.

use std::io::Write as _;

use xtask::convert;
use xtask::diagnostics::Diagnostics;
use xtask::includes::IncludeRoots;

#[test]
fn the_corpus_document_is_what_serde_yaml_ng_writes() {
    let root = xtask::project_root().join("../shared/corpus");
    if !root.is_dir() {
        let _ = writeln!(
            std::io::stderr(),
            "skipped: {} is absent; the YAML of its conversion is compared with serde_yaml_ng's only there",
            root.display()
        );
        return;
    }
    let mut said = Diagnostics::new();
    let files = convert::page_files(std::slice::from_ref(&root), &mut said);
    assert!(!said.has_errors(), "lists the pages: {said}");
    let includes = IncludeRoots::for_inputs(Vec::new(), std::slice::from_ref(&root));
    let pages = files
        .iter()
        .map(|f| {
            convert::read_bytes_with(&convert::label(f), &std::fs::read(f).expect("read page"), &includes)
        })
        .collect();
    let conversion =
        convert::convert(pages, &mut |_| {}, &mut said).expect("the good pages make a valid document");
    let ours = xtask::spec::to_yaml(&conversion.openapi).expect("yaml");
    let theirs = serde_yaml_ng::to_string(&conversion.openapi).expect("yaml");
    assert!(conversion.openapi.paths.paths.len() > 1000, "the corpus makes a large document");
    if ours != theirs {
        let line = ours.lines().zip(theirs.lines()).position(|(a, b)| a != b).map_or(0, |n| n + 1);
        panic!(
            "the YAML differs from serde_yaml_ng's first at line {line}:\n  ours:   {:?}\n  theirs: {:?}",
            ours.lines().nth(line.saturating_sub(1)),
            theirs.lines().nth(line.saturating_sub(1))
        );
    }
}
