//! `cargo xtask sync --from DOCS_CHECKOUT`: the pages in spec/docs brought up to date from a local clone of
//! Microsoft's docs repository, byte for byte.
//!
//! Each page is matched by file name anywhere under the checkout (API pages in an `api` folder, resource pages
//! in a `resources` folder, v1.0 over beta). Nothing is written unless every page is settled: an ambiguous
//! match is an error on the page naming the candidates, and every such page is said in one run. The checkout's commit goes into spec/docs/README.md, so the next
//! sync can list the pages the docs added since.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::diagnostics::Diagnostics;
use crate::tasks::diff::git;
use crate::tasks::regen::{self, DOCS_DIR};

/// The README section sync owns; everything from its heading to the next `## ` heading is rewritten.
const SECTION: &str = "## Last sync";

/// Copies the pages, records the commit, and returns the report to print. A page that cannot be settled or
/// read, or a file that cannot be written, is an error about it in `diagnostics`; with any, nothing is
/// written (a write that fails leaves the files before it written, each whole).
pub fn run(root: &Path, from: &Path, diagnostics: &mut Diagnostics) -> Result<String> {
    if !from.is_dir() {
        bail!("{} is not a folder; give a local clone of the docs repository", from.display());
    }
    // Both canonical, so that paths found under `from` read relative to the checkout's top.
    let from = &from.canonicalize().with_context(|| format!("cannot read {}", from.display()))?;
    let checkout = git::toplevel(from)
        .with_context(|| format!("{} is not a git checkout of the docs repository", from.display()))?;
    let checkout = checkout.canonicalize().unwrap_or(checkout);
    let commit = git::commit(&checkout, "HEAD")?;
    let mut index: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    walk(from, &mut index)?;

    let mut pages: Vec<(PathBuf, &str)> = regen::page_files(root)?.into_iter().map(|p| (p, "api")).collect();
    pages.extend(regen::resource_files(root)?.into_iter().map(|p| (p, "resources")));
    let mut writes: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let (mut changed, mut vanished, mut unchanged) = (Vec::new(), Vec::new(), 0usize);
    let mut folders: Vec<PathBuf> = Vec::new();
    for (page, folder) in &pages {
        let name = page.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let label = page.strip_prefix(root).unwrap_or(page).to_string_lossy().replace('\\', "/");
        let found = match pick(index.get(&name).map(Vec::as_slice).unwrap_or(&[]), folder) {
            Ok(Some(found)) => found,
            Ok(None) => {
                vanished.push(label);
                continue;
            }
            Err(why) => {
                diagnostics.file_error(&label, why);
                continue;
            }
        };
        if let Some(dir) = found.parent() {
            if !folders.iter().any(|f| f == dir) {
                folders.push(dir.to_path_buf());
            }
        }
        let (new, old) = match (std::fs::read(&found), std::fs::read(page)) {
            (Ok(new), Ok(old)) => (new, old),
            (Err(e), _) => {
                diagnostics.file_error(&label, format!("cannot read {}: {e}", found.display()));
                continue;
            }
            (_, Err(e)) => {
                diagnostics.file_error(&label, format!("cannot read the page: {e}"));
                continue;
            }
        };
        if new == old {
            unchanged += 1;
        } else {
            let shown = found.strip_prefix(&checkout).unwrap_or(&found).display().to_string();
            changed.push(format!("{label} (from {shown})"));
            writes.push((page.clone(), new));
        }
    }
    let readme_path = root.join(DOCS_DIR).join("README.md");
    // A README that cannot be read is an error, never an empty file to overwrite.
    let readme = match std::fs::read_to_string(&readme_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            diagnostics.file_error(&crate::files::label(&readme_path), format!("cannot read it: {e}"));
            String::new()
        }
    };
    diagnostics.fail_on_errors("nothing was written")?;
    let added = added_since(&checkout, &readme, &commit, &folders, &pages);
    let origin = git_origin(&checkout);
    let mut section = format!("{SECTION}\n\n`cargo xtask sync` last copied the pages above from ");
    match &origin {
        Some(url) => {
            let _ = write!(section, "`{url}`");
        }
        None => section.push_str("a local clone of the docs repository"),
    }
    let _ = writeln!(
        section,
        " at commit `{commit}` ({} changed, {} not found there and kept as they were).",
        changed.len(),
        vanished.len()
    );
    writes.push((readme_path, replace_section(&readme, &section).into_bytes()));

    for (path, bytes) in &writes {
        let label = crate::files::label(path);
        if let Err(e) = crate::files::write(path, &label, bytes, false, &mut String::new()) {
            diagnostics.file_error(&label, format!("{e:#}"));
        }
    }
    diagnostics.fail_on_errors("the files named were not written")?;

    let mut out = String::new();
    for c in &changed {
        let _ = writeln!(out, "changed   {c}");
    }
    for v in &vanished {
        let _ = writeln!(out, "vanished  {v} (no page of that name in the checkout; kept)");
    }
    for a in &added {
        let _ = writeln!(
            out,
            "added     {a} (new in the docs since the last sync; see README \"Adding a page\")"
        );
    }
    let _ = writeln!(
        out,
        "sync: {} page(s): {} changed, {unchanged} unchanged, {} vanished; {} added upstream; commit {commit}",
        pages.len(),
        changed.len(),
        vanished.len(),
        added.len()
    );
    if !changed.is_empty() {
        out.push_str("next: `cargo xtask regen`, then `cargo xtask diff` to review what changed\n");
    }
    Ok(out)
}

/// Every `*.md` under `dir` by file name, skipping `.git`.
fn walk(dir: &Path, index: &mut BTreeMap<String, Vec<PathBuf>>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        let kind = entry.file_type()?;
        // A symbolic link in a checkout could point anywhere on the machine: it is never copied from.
        if kind.is_symlink() {
            continue;
        }
        if kind.is_dir() {
            if name != ".git" {
                walk(&path, index)?;
            }
        } else if name.ends_with(".md") {
            index.entry(name).or_default().push(path);
        }
    }
    Ok(())
}

/// The one candidate for a page: in a folder of its kind (`api`, `resources`), under `v1.0` rather than
/// `beta`; more than one left is an error, since copying the wrong one would go unnoticed. A page found only
/// under `beta` is an error too: the client is for v1.0, and a beta page documents calls v1.0 may not have.
fn pick(candidates: &[PathBuf], folder: &str) -> Result<Option<PathBuf>, String> {
    let in_folder = |p: &&PathBuf| p.parent().and_then(Path::file_name).is_some_and(|n| n == folder);
    let is_beta = |p: &&PathBuf| p.components().any(|c| c.as_os_str() == "beta");
    let mut left: Vec<&PathBuf> = candidates.iter().filter(in_folder).collect();
    if left.is_empty() {
        left = candidates.iter().collect();
    }
    if !left.is_empty() && left.iter().all(is_beta) {
        return Err(format!(
            "only beta has a page of that name ({}); v1.0 has none, so it is not copied",
            left.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        ));
    }
    left.retain(|p| !is_beta(p));
    if left.len() > 1 {
        let v1: Vec<&PathBuf> =
            left.iter().copied().filter(|p| p.components().any(|c| c.as_os_str() == "v1.0")).collect();
        if !v1.is_empty() {
            left = v1;
        }
    }
    match left.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some((*one).clone())),
        many => Err(format!(
            "{} pages of that name in the checkout, cannot tell which: {}",
            many.len(),
            many.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// Pages the docs added since the commit the README records, in the folders the synced pages came from.
fn added_since(
    checkout: &Path,
    readme: &str,
    commit: &str,
    folders: &[PathBuf],
    pages: &[(PathBuf, &str)],
) -> Vec<String> {
    let Some(previous) = recorded_commit(readme) else { return Vec::new() };
    if previous == commit || git::verify(checkout, &previous).is_err() {
        return Vec::new();
    }
    let ours: Vec<String> =
        pages.iter().filter_map(|(p, _)| p.file_name().map(|n| n.to_string_lossy().to_string())).collect();
    let folders: Vec<String> = folders
        .iter()
        .map(|f| f.strip_prefix(checkout).unwrap_or(f).to_string_lossy().replace('\\', "/"))
        .collect();
    let mut out: Vec<String> = git::added(checkout, &previous, commit, &folders)
        .unwrap_or_default()
        .into_iter()
        .filter(|f| f.ends_with(".md") && !ours.iter().any(|o| f.rsplit('/').next() == Some(o.as_str())))
        .collect();
    out.sort();
    out
}

/// The commit the README's sync section names.
pub fn recorded_commit(readme: &str) -> Option<String> {
    let start = readme.find(SECTION)?;
    let section = &readme[start..];
    let at = section.find("at commit `")? + "at commit `".len();
    let end = section[at..].find('`')?;
    Some(section[at..at + end].to_string())
}

fn replace_section(readme: &str, section: &str) -> String {
    let Some(start) = readme.find(SECTION) else {
        let mut out = readme.trim_end().to_string();
        out.push_str("\n\n");
        out.push_str(section);
        return out;
    };
    let rest = &readme[start + SECTION.len()..];
    let end = rest.find("\n## ").map(|i| start + SECTION.len() + i + 1).unwrap_or(readme.len());
    format!("{}{section}{}{}", &readme[..start], if end < readme.len() { "\n" } else { "" }, &readme[end..])
}

fn git_origin(checkout: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(checkout)
        .args(["config", "--get", "remote.origin.url"])
        .output()
        .ok()?;
    let url = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !url.is_empty()).then_some(url)
}
