//! The project's build tasks, as stages with one direction: the reader (`reader/`: pages → page models),
//! the spec builder (`spec/`: page models → `openapiv3::OpenAPI`, and its checks), then the generator crate, all driven
//! by the tasks (`tasks/`: regen, convert, diff, sync). `files` is the one place pages are read and outputs
//! written; `diagnostics` what every stage says, with file and line; `paths` Graph's path spellings, which
//! the reader and the builder share; `parallel` work mapped over the cores in order. `main.rs` is only the
//! command line.

pub mod diagnostics;
pub mod files;
pub mod parallel;
pub mod paths;
pub mod reader;
pub mod spec;
pub mod tasks;

// The modules by their short names, as the tests, benches and earlier callers know them.
pub use reader::{includes, markup, page, resource};
pub use spec::schemas;
pub use tasks::{api_file, convert, diff, memo, regen, sync};

use std::path::PathBuf;

/// The repository root: xtask lives one level below it.
pub fn project_root() -> PathBuf {
    let manifest =
        std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("xtask"));
    manifest.parent().map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."))
}
