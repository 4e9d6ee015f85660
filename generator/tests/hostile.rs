//! A spec written to break the generator (`fixtures/hostile.yaml`) must give code in which none of its text
//! became code, docs that hold no code block or markup, and a standalone crate that builds without a
//! warning under clippy and rustdoc.

mod support;

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use support::{cargo, file, fixture, generate, load, parse, target_dir};

/// The word every attempt at code in the fixture uses.
const MARKER: &str = "pwned";

/// Where the marker stands in one file's tokens.
#[derive(Debug, Default)]
struct Found {
    /// Inside string literals, doc attributes included.
    in_literals: usize,
    /// Inside identifiers made from spec names (`fn_pwned` from a parameter called `"]} fn pwned() {`).
    in_names: usize,
    /// Identifiers that are the marker itself: text that became code.
    as_code: Vec<String>,
}

fn walk(tokens: TokenStream, found: &mut Found) {
    for tree in tokens {
        match tree {
            TokenTree::Group(g) => walk(g.stream(), found),
            TokenTree::Ident(i) => {
                let text = i.to_string();
                if text.trim_start_matches("r#") == MARKER {
                    found.as_code.push(text);
                } else {
                    found.in_names += text.matches(MARKER).count();
                }
            }
            TokenTree::Literal(l) => found.in_literals += l.to_string().matches(MARKER).count(),
            TokenTree::Punct(_) => {}
        }
    }
}

#[test]
fn hostile_text_never_becomes_code() {
    let files = generate(&load(&fixture("hostile.yaml")));
    let mut in_literals = 0;
    for name in ["mod.rs", "types.rs"] {
        let text = file(&files, name);
        let parsed = parse(name, text);
        let mut found = Found::default();
        walk(parsed.to_token_stream(), &mut found);
        assert!(found.as_code.is_empty(), "{name}: spec text became code: {:?}\n{text}", found.as_code);
        // Every occurrence in the text is accounted for by a literal or a name; one that is neither sits in
        // a plain comment or was cut out of its literal.
        let in_text = text.matches(MARKER).count();
        assert_eq!(in_text, found.in_literals + found.in_names, "{name}: {found:?}\n{text}");
        in_literals += found.in_literals;
    }
    // The hostile prose is kept as text, not dropped.
    assert!(in_literals >= 40, "only {in_literals} occurrences of the marker survived as text");
}

#[test]
fn every_hostile_operation_is_emitted() {
    let spec = load(&fixture("hostile.yaml"));
    let files = generate(&spec);
    let text = file(&files, "mod.rs");
    // Each operation's method lists the paths it stands for (paths of one shape share it, like the two
    // unicode ones here), so every path of the spec must be listed once.
    for (path, item) in &spec.paths.paths {
        let openapiv3::ReferenceOr::Item(item) = item else { panic!("{path} is a $ref") };
        for (method, _) in item.iter() {
            let shown =
                format!("/// - {} {}\n", method.to_ascii_uppercase(), generator::names::doc_text(path));
            assert_eq!(text.matches(&shown).count(), 1, "`{shown}` is not documented once:\n{text}");
        }
    }
}

/// The text of every doc attribute (`///`, `/** */` and `#[doc = …]`, all `[doc = "…"]` groups as tokens).
fn docs(tokens: TokenStream, out: &mut Vec<String>) {
    for tree in tokens {
        let TokenTree::Group(g) = tree else { continue };
        let inner: Vec<TokenTree> = g.stream().into_iter().collect();
        match inner.as_slice() {
            [TokenTree::Ident(i), TokenTree::Punct(p), TokenTree::Literal(l)]
                if i == "doc" && p.as_char() == '=' =>
            {
                let lit: syn::LitStr =
                    syn::parse2(TokenTree::Literal(l.clone()).into()).expect("a doc string");
                out.push(lit.value());
            }
            _ => docs(g.stream(), out),
        }
    }
}

#[test]
fn docs_hold_no_code_blocks_markup_or_hidden_characters() {
    let files = generate(&load(&fixture("hostile.yaml")));
    for name in ["mod.rs", "types.rs"] {
        let text = file(&files, name);
        assert!(!text.contains('\r'), "{name} holds a CR");
        let mut all = Vec::new();
        docs(parse(name, text).to_token_stream(), &mut all);
        assert!(all.len() >= 10, "{name}: only {} doc attributes", all.len());
        for doc in all {
            for line in doc.split('\n') {
                let line = line.strip_prefix(' ').unwrap_or(line);
                // Rustdoc compiles and runs indented and fenced code blocks as doctests.
                assert!(!line.starts_with("    ") && !line.starts_with('\t'), "{name}: indented: {line:?}");
                let trimmed = line.trim_start();
                assert!(
                    !trimmed.starts_with("```") && !trimmed.starts_with("~~~"),
                    "{name}: fence: {line:?}"
                );
                // Raw HTML (`<script>`) and autolinks other than the https reference links.
                for (i, _) in line.match_indices('<') {
                    let escaped = line[..i].ends_with('\\');
                    assert!(escaped || line[i..].starts_with("<https://"), "{name}: markup: {line:?}");
                }
                for (i, _) in line.match_indices("](") {
                    assert!(line[..i].ends_with('\\'), "{name}: link: {line:?}");
                }
                let hidden = line.chars().find(|&c| {
                    (c.is_control() && c != '\t')
                        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
                });
                assert_eq!(hidden, None, "{name}: hidden character in {line:?}");
            }
        }
    }
}

#[test]
fn standalone_crate_builds_without_warnings() {
    let spec = load(&fixture("hostile.yaml"));
    let files = generator::standalone::crate_files(&spec, "hostile-client", "tests/fixtures/hostile.yaml")
        .expect("generates");
    // Stable places under the target directory: the crate's own compiled dependencies (reqwest, tokio,
    // rustls…) are reused from one run to the next, and `cargo clean` removes both.
    let target = target_dir().join("standalone-crates");
    let dir = target.join("hostile-client");
    if dir.join("src").exists() {
        std::fs::remove_dir_all(dir.join("src")).expect("remove the last run's sources");
    }
    for f in &files.files {
        let path = dir.join(&f.path);
        std::fs::create_dir_all(path.parent().expect("files are in the crate folder")).expect("mkdir");
        std::fs::write(&path, &f.contents).expect("write");
    }
    // The workspace's lockfile pins the versions the workspace was tested with, and lets cargo resolve
    // without asking the registry for anything it has not fetched already.
    std::fs::copy(support::workspace().join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");

    // Examples in the runtime's docs name the client crate; a crate by another name must not.
    for f in &files.files {
        assert!(!f.contents.contains("generated_client::"), "{} names generated_client", f.path.display());
    }

    // Clippy runs rustc's checks too, so one pass finds both kinds of warning; `-D warnings` after `--`
    // applies to this crate only and leaves the dependencies' builds shareable.
    cargo(&dir, &target, &["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"], &[]);
    // Rustdoc reuses the dependencies clippy checked; its lints catch docs the escaping got wrong.
    cargo(&dir, &target, &["doc", "--quiet", "--no-deps"], &[("RUSTDOCFLAGS", "-D warnings")]);
}
