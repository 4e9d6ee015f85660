//! The commands of `cargo xtask`, each driving the stages: `regen` (pages → spec → client, with `api_file`
//! for API.md and `memo` for the generator's memo), `convert` (any pages → one document and a report),
//! `diff` (two specs → changes), `sync` (pages from a docs checkout).

pub mod api_file;
pub mod convert;
pub mod diff;
pub mod memo;
pub mod regen;
pub mod sync;
