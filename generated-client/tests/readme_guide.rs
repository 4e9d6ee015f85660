//! The README's "Using it in an app" section is `src/guide.md` word for word, so that every snippet a
//! reader copies from it is one `cargo test --doc` compiles (and runs, where it needs no server).

#[test]
fn the_readme_repeats_the_guide_word_for_word() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).expect("README.md");
    let guide = include_str!("../src/guide.md");
    assert!(
        readme.contains(guide),
        "README.md's \"Using it in an app\" section differs from generated-client/src/guide.md; copy the guide over it"
    );
}
