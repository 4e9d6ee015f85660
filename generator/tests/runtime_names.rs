//! The names the generator keeps off `Client` (`generator::names::CLIENT_METHODS`) are the runtime's: every
//! method of every `impl Client` block in `generated-client/src/runtime/`, read from the source at test time.
//! An emitted accessor with the name of one of them would not compile, so a method the runtime gains must be
//! added to the list, and one it loses taken off.

use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn client_methods_are_the_runtimes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/src/runtime");
    let mut runtime = BTreeSet::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    assert!(files.len() > 1, "no runtime sources under {}", dir.display());
    for path in files {
        let text = std::fs::read_to_string(&path).expect("runtime source reads");
        let file =
            syn::parse_file(&text).unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
        for item in &file.items {
            let syn::Item::Impl(block) = item else { continue };
            let syn::Type::Path(ty) = &*block.self_ty else { continue };
            if block.trait_.is_some() || !ty.path.is_ident("Client") {
                continue;
            }
            for member in &block.items {
                if let syn::ImplItem::Fn(f) = member {
                    runtime.insert(f.sig.ident.to_string());
                }
            }
        }
    }
    let listed: BTreeSet<String> = generator::names::CLIENT_METHODS.iter().map(|m| m.to_string()).collect();
    assert_eq!(
        listed,
        runtime,
        "generator::names::CLIENT_METHODS must list exactly the methods of the runtime's `Client`: \
         only in the list {:?}, only in the runtime {:?}",
        listed.difference(&runtime).collect::<Vec<_>>(),
        runtime.difference(&listed).collect::<Vec<_>>()
    );
}
