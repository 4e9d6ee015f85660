//! The project's build tasks: the doc reader (page → page model), the spec builder (page model → OpenAPI)
//! and `regen`, which drives them and the generator. `main.rs` is only the command line.

pub mod api_file;
pub mod convert;
pub mod diagnostics;
pub mod diff;
pub mod files;
pub mod includes;
pub mod markup;
pub mod memo;
pub mod page;
pub mod paths;
pub mod regen;
pub mod resource;
pub mod schemas;
pub mod spec;
pub mod sync;

use std::path::PathBuf;

/// The repository root: xtask lives one level below it.
pub fn project_root() -> PathBuf {
    let manifest =
        std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("xtask"));
    manifest.parent().map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."))
}
