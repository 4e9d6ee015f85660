//! Where the files named by `[!INCLUDE [label](target)]` lines are found.
//!
//! Newer pages (microsoft-graph-docs-contrib, 2022 on) keep their permission tables in files beside the
//! reference: `api-reference/v1.0/api/user-sendmail.md` names
//! `../includes/permissions/user-sendmail-permissions.md`, that is `api-reference/v1.0/includes/permissions/…`.
//! A target is looked for, in this order:
//!
//! 1. relative to the page, as the docs site resolves it: right in a checkout of the docs repository;
//! 2. in each include root, a folder that mirrors `api-reference/` (it holds `includes/` and `v1.0/includes/`),
//!    with the page standing for `api-reference/v1.0/api/<page>`: `../includes/x.md` is `<root>/v1.0/includes/x.md`
//!    and `../../includes/x.md` is `<root>/includes/x.md`. regen's root is `spec/docs/includes/`; convert's are
//!    the `--includes` folders and, for each folder of pages `F`, a sibling `F-includes` (the shared corpus keeps
//!    `2025-en-includes/` beside `2025-en/`).
//!
//! Only `.md` targets are read, and a target never leaves its include root.

use std::path::{Component, Path, PathBuf};

/// The folder a page stands for inside an include root (a mirror of `api-reference/`).
const PAGE_FOLDER: &[&str] = &["v1.0", "api"];

/// Include files larger than this are refused: a permissions table is a few hundred bytes.
const MAX_INCLUDE_BYTES: u64 = 1 << 20;

/// The include roots, searched in order after the page's own folder.
#[derive(Debug, Clone, Default)]
pub struct IncludeRoots {
    roots: Vec<PathBuf>,
}

impl IncludeRoots {
    pub fn new(roots: Vec<PathBuf>) -> Self {
        IncludeRoots { roots }
    }

    /// The given roots, then the `F-includes` sibling of each input folder `F` that has one.
    pub fn for_inputs(mut roots: Vec<PathBuf>, inputs: &[PathBuf]) -> Self {
        for input in inputs.iter().filter(|i| i.is_dir()) {
            let Some(name) = input.file_name() else { continue };
            let mut sibling = name.to_os_string();
            sibling.push("-includes");
            let candidate = input.with_file_name(sibling);
            if candidate.is_dir() && !roots.contains(&candidate) {
                roots.push(candidate);
            }
        }
        IncludeRoots { roots }
    }

    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// The text of the file `target` names on `page`, or a sentence saying where it was looked for.
    pub fn resolve(&self, page: &Path, target: &str) -> Result<String, String> {
        let target = target.split(['#', '?']).next().unwrap_or("").trim();
        if target.is_empty() || target.contains("://") || target.starts_with('/') || target.starts_with('\\')
        {
            return Err(format!("`{target}` is not a relative path to an include file"));
        }
        if !target.to_ascii_lowercase().ends_with(".md") {
            return Err(format!("`{target}` is not a markdown file"));
        }
        let mut looked = Vec::new();
        if let Some(folder) = page.parent() {
            if let Some(relative) = lexical_join(&[], folder, target) {
                if let Some(text) = read_small(&relative) {
                    return Ok(text);
                }
                looked.push(relative.display().to_string());
            }
        }
        for root in &self.roots {
            match lexical_join(PAGE_FOLDER, root, target) {
                Some(path) => {
                    if let Some(text) = read_small(&path) {
                        return Ok(text);
                    }
                    looked.push(path.display().to_string());
                }
                None => looked.push(format!("{} (the target leaves it)", root.display())),
            }
        }
        if looked.is_empty() {
            Err("no folder to look in".into())
        } else {
            Err(format!("looked in {}", looked.join(", ")))
        }
    }
}

/// `base` + `within` (folders inside base the page stands in) + `target`, with `..` resolved without touching
/// the disk. With `within` given, `None` when the target climbs out of `base`.
fn lexical_join(within: &[&str], base: &Path, target: &str) -> Option<PathBuf> {
    let mut parts: Vec<String> = within.iter().map(|s| s.to_string()).collect();
    let mut out = base.to_path_buf();
    for c in Path::new(&target.replace('\\', "/")).components() {
        match c {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::ParentDir => {
                if parts.pop().is_none() {
                    if !within.is_empty() {
                        return None;
                    }
                    out.push("..");
                }
            }
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    for p in parts {
        out.push(p);
    }
    Some(out)
}

fn read_small(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_INCLUDE_BYTES {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_joined_as_the_docs_site_does() {
        let root = Path::new("/r");
        assert_eq!(
            lexical_join(PAGE_FOLDER, root, "../includes/permissions/a.md"),
            Some(PathBuf::from("/r/v1.0/includes/permissions/a.md"))
        );
        assert_eq!(
            lexical_join(PAGE_FOLDER, root, "../../includes/all-clouds.md"),
            Some(PathBuf::from("/r/includes/all-clouds.md"))
        );
        assert_eq!(lexical_join(PAGE_FOLDER, root, "../../../../etc/x.md"), None);
        assert_eq!(
            lexical_join(&[], Path::new("docs/api"), "../includes/a.md"),
            Some(PathBuf::from("docs/api/../includes/a.md"))
        );
    }

    #[test]
    fn only_relative_markdown_targets_are_read() {
        let roots = IncludeRoots::default();
        assert!(roots.resolve(Path::new("p.md"), "/etc/passwd").is_err());
        assert!(roots.resolve(Path::new("p.md"), "https://example.com/x.md").is_err());
        let txt = roots.resolve(Path::new("p.md"), "../includes/x.txt");
        assert!(matches!(txt, Err(why) if why.contains("not a markdown")));
    }
}
