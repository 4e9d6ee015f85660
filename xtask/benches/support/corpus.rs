//! The shared corpus of real reference pages (`../shared/corpus`, or the folder in `BENCH_CORPUS`), loaded
//! into memory once, and the converter as the benches run it.

#![allow(dead_code)] // Each bench binary uses a different part of it.

use std::path::{Path, PathBuf};

use xtask::page::{self, Page};
use xtask::spec::{self, SharedEndpoint};

/// Where the corpus is looked for.
pub fn dir() -> PathBuf {
    std::env::var_os("BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| xtask::project_root().join("../shared/corpus"))
}

/// Every page of the corpus (`*.md` but README.md, in every folder below it), sorted, as (label, bytes);
/// `None`, after saying so, when the folder is absent.
pub fn load() -> Option<Vec<(String, Vec<u8>)>> {
    let dir = dir();
    if !dir.is_dir() {
        println!(
            "{}: absent; the corpus benches are skipped (set BENCH_CORPUS to its folder)",
            dir.display()
        );
        return None;
    }
    let mut files = Vec::new();
    walk(&dir, &mut files);
    files.sort();
    let pages: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .filter_map(|path| {
            let bytes = std::fs::read(&path).ok()?;
            let label = path.strip_prefix(&dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            Some((label, bytes))
        })
        .collect();
    if pages.is_empty() {
        println!("{}: holds no pages; the corpus benches are skipped", dir.display());
        return None;
    }
    Some(pages)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("md"))
            && path.file_name().is_some_and(|n| !n.eq_ignore_ascii_case("README.md"))
        {
            out.push(path);
        }
    }
}

/// Total bytes of the pages.
pub fn bytes(pages: &[(String, Vec<u8>)]) -> usize {
    pages.iter().map(|(_, b)| b.len()).sum()
}

/// The page's text: UTF-8 without a byte order mark, or `None` (both the converter and the baseline skip
/// such a page alike).
pub fn text(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes)).ok()
}

/// The reader alone: every page → its page model.
pub fn read_all(pages: &[(String, Vec<u8>)]) -> Vec<Page> {
    pages.iter().filter_map(|(label, bytes)| Some(page::read(label, text(bytes)?))).collect()
}

/// What one conversion produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Converted {
    pub pages: usize,
    pub pages_ok: usize,
    pub operations: usize,
}

/// The converter: `page::read` on every page, then `spec::build_with` over the pages without errors,
/// reporting (not failing on) endpoints that two pages define, as `cargo xtask convert` does.
pub fn convert(pages: &[(String, Vec<u8>)]) -> Converted {
    let read = read_all(pages);
    let total = read.len();
    let good: Vec<Page> = read.into_iter().filter(|p| !p.has_errors()).collect();
    let built = spec::build_with(&good, SharedEndpoint::Report, &mut Default::default());
    Converted { pages: total, pages_ok: good.len(), operations: built.operations.len() }
}

/// The baseline: the same bytes through pulldown-cmark, every event pulled, nothing else. Tables and YAML
/// front matter are on, as a reader built on pulldown-cmark would need them for these pages.
pub fn parse_only(pages: &[(String, Vec<u8>)]) -> usize {
    let options =
        pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    pages
        .iter()
        .filter_map(|(_, bytes)| text(bytes))
        .map(|t| pulldown_cmark::Parser::new_ext(t, options).count())
        .sum()
}
