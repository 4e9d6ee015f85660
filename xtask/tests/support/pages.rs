//! The fixture pages of `tests/fixtures/pages/` and what the reader tests ask of them (`convert`,
//! `newer_docs`).

use std::path::{Path, PathBuf};

use xtask::page::{Page, PermissionKind};

/// A fixture page's path, `rel` under `tests/fixtures/pages/`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages").join(rel)
}

/// The scopes a page grants for one kind of permission, in the page's order.
pub fn scopes(page: &Page, kind: PermissionKind) -> Vec<&str> {
    page.permissions
        .iter()
        .filter(|p| p.kind == kind)
        .flat_map(|p| p.scopes.iter().map(String::as_str))
        .collect()
}
