//! The public names of the generated mail client (`generated-client/src/generated/`), as a user sees them
//! after `use generated_client::*` and `use generated_client::types::*`: no name ends in a number, and no
//! request type shares a name with a schema type, so glob imports never collide.

mod support;

use std::collections::BTreeSet;

use support::{methods, parse, workspace};

/// Every public type name a file defines at its top level.
fn public_types(file: &syn::File) -> BTreeSet<String> {
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => Some(s.ident.to_string()),
            syn::Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect()
}

fn read(name: &str) -> syn::File {
    let path = workspace().join("generated-client/src/generated").join(name);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    parse(name, &text)
}

#[test]
fn the_mail_clients_public_names_tell_the_truth() {
    let resources = read("mod.rs");
    let requests = public_types(&resources);
    let schemas = public_types(&read("types.rs"));
    let all = methods(&resources);
    let mut listing: Vec<String> = requests.iter().cloned().collect();
    for (owner, ms) in &all {
        listing.extend(ms.iter().map(|m| format!("{owner}::{}", m.name)));
    }
    listing.extend(schemas.iter().map(|s| format!("types::{s}")));
    assert!(listing.len() > 200, "too few names to be the mail client: {listing:?}");

    let numbered: Vec<&String> = listing
        .iter()
        .filter(|name| name.trim_end_matches('_').ends_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert!(numbered.is_empty(), "names ending in a number: {numbered:?}");
    let shared: Vec<&String> = requests.intersection(&schemas).collect();
    assert!(shared.is_empty(), "request types named like schema types: {shared:?}");
    for name in &requests {
        assert!(name.ends_with("Request"), "`{name}` is not named as a request");
    }

    // `move_` takes a move body, on messages and on folders alike; `copy` a copy body.
    for owner in ["MessageRequest", "MailFolderRequest"] {
        let method = |name: &str| all[owner].iter().find(|m| m.name == name).map(|m| m.returns.clone());
        assert!(method("move_").is_some() && method("copy").is_some(), "{owner}: {:?}", all[owner]);
    }
    let text: String = std::fs::read_to_string(workspace().join("generated-client/src/generated/mod.rs"))
        .expect("mod.rs")
        .split_whitespace()
        .collect();
    assert_eq!(text.matches("pubfnmove_(&self,body:types::MoveBody)").count(), 2, "move_ takes MoveBody");
    assert_eq!(text.matches("pubfncopy(&self,body:types::CopyBody)").count(), 2, "copy takes CopyBody");
    // A singleton is got and updated, never listed.
    let settings = &all["MailboxSettingsRequest"];
    assert!(
        settings.iter().any(|m| m.name == "get") && settings.iter().all(|m| m.name != "list"),
        "{settings:?}"
    );
}
