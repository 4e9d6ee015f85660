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
            // Beside the page, a target may climb to the page's grandparent and no further: in a docs
            // checkout the page sits in `api-reference/v1.0/api/`, and its includes live under
            // `api-reference/`. Anything higher is outside the docs and is never read.
            // From the page's real folder, so that a relative page path (`api/p.md`) still has its parents.
            let here = if folder.as_os_str().is_empty() { Path::new(".") } else { folder };
            let folder = std::fs::canonicalize(here).unwrap_or_else(|_| folder.to_path_buf());
            let folder = folder.as_path();
            let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
            let parent = folder.parent();
            let (base, within) = match (parent.and_then(Path::parent), parent.and_then(name), name(folder)) {
                (Some(grand), Some(a), Some(b)) => (grand.to_path_buf(), vec![a, b]),
                _ => (folder.to_path_buf(), Vec::new()),
            };
            let within: Vec<&str> = within.iter().map(String::as_str).collect();
            match lexical_join(&within, &base, target) {
                Some(relative) => {
                    if let Some(text) = read_small(&base, &relative) {
                        return Ok(text);
                    }
                    looked.push(relative.display().to_string());
                }
                None => looked.push(format!("{} (the target leaves the docs)", base.display())),
            }
        }
        for root in &self.roots {
            match lexical_join(PAGE_FOLDER, root, target) {
                Some(path) => {
                    if let Some(text) = read_small(root, &path) {
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

/// The file at `path` as text ([`crate::files::page_text`]: UTF-8, a byte order mark dropped) if it is small
/// and, with every symbolic link resolved, still inside `root`.
fn read_small(root: &Path, path: &Path) -> Option<String> {
    let real = std::fs::canonicalize(path).ok()?;
    if !real.starts_with(std::fs::canonicalize(root).ok()?) {
        return None;
    }
    let meta = std::fs::metadata(&real).ok()?;
    if !meta.is_file() || meta.len() > MAX_INCLUDE_BYTES {
        return None;
    }
    let bytes = std::fs::read(&real).ok()?;
    crate::files::page_text(&bytes).ok().map(str::to_string)
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

    #[test]
    fn nothing_outside_the_docs_or_a_root_is_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let docs = dir.path().join("docs");
        let api = docs.join("api-reference/v1.0/api");
        std::fs::create_dir_all(&api).expect("mkdir");
        std::fs::create_dir_all(docs.join("api-reference/v1.0/includes")).expect("mkdir");
        std::fs::write(docs.join("api-reference/v1.0/includes/ok.md"), "| Delegated | Mail.Read |")
            .expect("write");
        std::fs::write(dir.path().join("secret.md"), "Outside.Root.Secret").expect("write");
        let page = api.join("p.md");
        let roots = IncludeRoots::default();
        // Beside the page: up to the page's grandparent (api-reference/), never above it.
        assert!(roots.resolve(&page, "../includes/ok.md").is_ok());
        let escape = roots.resolve(&page, "../../../../secret.md");
        assert!(matches!(&escape, Err(why) if why.contains("leaves the docs")), "{escape:?}");
        // A symbolic link inside the docs that points out of them is not followed.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.md"), api.join("link.md")).expect("symlink");
            assert!(roots.resolve(&page, "link.md").is_err());
            let root = dir.path().join("root");
            std::fs::create_dir_all(root.join("v1.0/includes")).expect("mkdir");
            std::os::unix::fs::symlink(dir.path().join("secret.md"), root.join("v1.0/includes/s.md"))
                .expect("symlink");
            let rooted = IncludeRoots { roots: vec![root] };
            assert!(rooted.resolve(Path::new("elsewhere/p.md"), "../includes/s.md").is_err());
        }
    }
}
