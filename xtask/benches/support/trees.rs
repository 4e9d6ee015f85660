//! Scratch copies of what regen reads (`spec/docs/`: pages, resource pages, precedence rules), one per
//! size the regen and generator benches measure, each a project root in a temporary folder that the
//! built `xtask` binary is pointed at through `CARGO_MANIFEST_DIR`.
//!
//! Two series of sizes:
//! - `spec/docs`: the pages as they stand, and subsets of them (1 page, 10 pages, every page without the
//!   resource pages, everything);
//! - `corpus mail`: while `spec/docs` holds fewer than ten pages, a stand-in for the whole mail area made
//!   from the corpus (`2021-en` pages of the mail group and `2021-en-resources`), with precedence rules
//!   made up here (the earlier page wins) and without the pages whose paths carry function parameters,
//!   which the generator does not take yet.

#![allow(dead_code)] // Each bench binary uses a different part of it.

use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::regen::{self, Preference, DOCS_DIR, GENERATED_DIR, PRECEDENCE_FILE, RESOURCES_DIR, SPEC_FILE};

/// The built `xtask` binary (cargo builds it for the benches of its package).
pub const XTASK: &str = env!("CARGO_BIN_EXE_xtask");

/// One scratch project root, regenerated once so that its outputs are up to date.
#[derive(Debug)]
pub struct Tree {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    /// `spec/docs/4 pages`, `corpus mail/58 pages + 26 resources`.
    pub name: String,
    pub pages: usize,
    pub resources: usize,
    pub operations: usize,
}

impl Tree {
    /// `cargo xtask regen [args]` on this tree with the built binary; fails with its stderr.
    pub fn regen(&self, args: &[&str]) -> Result<String, String> {
        let out = Command::new(XTASK)
            .arg("regen")
            .args(args)
            .env("CARGO_MANIFEST_DIR", self.root.join("xtask"))
            .output()
            .map_err(|e| format!("cannot run {XTASK}: {e}"))?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let errors: Vec<&str> = stderr.lines().filter(|l| !l.contains(": warning: ")).take(8).collect();
            return Err(errors.join("\n"));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Removes what regen writes, so that the next regen starts from nothing.
    pub fn clear_outputs(&self) {
        let _ = std::fs::remove_file(self.root.join(SPEC_FILE));
        let _ = std::fs::remove_dir_all(self.root.join(GENERATED_DIR));
    }

    /// Forgets what the last generation of the built binary kept beside it (the stamp of its files and the
    /// generator's pieces), so that the next regen generates from nothing, as a new binary's first does.
    pub fn forget_memo(&self) {
        let exe = Path::new(XTASK);
        for name in ["xtask-regen.stamp", "xtask-regen.reuse"] {
            let _ = std::fs::remove_file(exe.with_file_name(name));
        }
    }

    /// The files regen wrote under `generated-client/src/generated/`, with their line counts.
    pub fn generated_lines(&self) -> Vec<(String, usize)> {
        let mut out: Vec<(String, usize)> = std::fs::read_dir(self.root.join(GENERATED_DIR))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let text = std::fs::read_to_string(e.path()).ok()?;
                Some((e.file_name().to_string_lossy().into_owned(), text.lines().count()))
            })
            .collect();
        out.sort();
        out
    }

    /// The spec regen wrote, loaded as the generator takes it.
    pub fn openapi(&self) -> Option<openapiv3::OpenAPI> {
        let text = std::fs::read_to_string(self.root.join(SPEC_FILE)).ok()?;
        serde_yaml_ng::from_str(&text).ok()
    }
}

/// A one-line edit of one page that changes the spec: a line of an operation's description, on the page
/// the operation names as its source, gets a different ending each time.
#[derive(Debug)]
pub struct PageEdit {
    page: PathBuf,
    line: usize,
    original: String,
    /// The page's path from the tree's root, for the bench's report.
    pub label: String,
}

impl Tree {
    /// The first operation whose description holds a whole line of its source page; `None` when none does.
    pub fn page_edit(&self) -> Option<PageEdit> {
        let spec = self.openapi()?;
        for item in spec.paths.paths.values() {
            let Some(item) = item.as_item() else { continue };
            for (_, op) in item.iter() {
                let (Some(description), Some(source)) =
                    (&op.description, op.extensions.get("x-ms-docs-source").and_then(|s| s.as_str()))
                else {
                    continue;
                };
                let page = self.root.join(source);
                let text = std::fs::read_to_string(&page).ok()?;
                let found = text
                    .lines()
                    .enumerate()
                    .find(|(_, l)| l.trim().len() > 20 && description.contains(l.trim()));
                if let Some((line, original)) = found {
                    let original = original.trim_end().to_string();
                    return Some(PageEdit { page, line, original, label: source.to_string() });
                }
            }
        }
        None
    }
}

impl PageEdit {
    /// Writes the page with the line ending in ` Edit n.`.
    pub fn apply(&self, n: usize) {
        let text = std::fs::read_to_string(&self.page).expect("the page reads");
        let lines: Vec<String> = text
            .lines()
            .enumerate()
            .map(|(i, l)| if i == self.line { format!("{} Edit {n}.", self.original) } else { l.to_string() })
            .collect();
        std::fs::write(&self.page, lines.join("\n") + "\n").expect("the page writes");
    }

    /// Whether the spec regen wrote holds edit `n`.
    pub fn in_spec(&self, tree: &Tree, n: usize) -> bool {
        std::fs::read_to_string(tree.root.join(SPEC_FILE)).is_ok_and(|s| s.contains(&format!(" Edit {n}.")))
    }
}

/// Where a series' pages come from.
struct Source {
    series: &'static str,
    pages: Vec<PathBuf>,
    resources: Vec<PathBuf>,
    /// Rules for the whole set; a subset keeps those whose two pages it holds.
    rules: Vec<Preference>,
    /// Make the rules up for each subset instead (the corpus stand-in has none of its own).
    make_rules: bool,
    /// The page a one-page subset takes, when present.
    first: &'static [&'static str],
}

/// Every tree of both series that regen accepts, smallest first; the ones it refuses are reported on
/// stdout and left out.
pub fn all() -> Vec<Tree> {
    let mut out = Vec::new();
    let repo = xtask::project_root();
    let docs = Source {
        series: "spec/docs",
        pages: regen::page_files(&repo).unwrap_or_default(),
        resources: regen::resource_files(&repo).unwrap_or_default(),
        rules: regen::read_precedence(&repo, &mut Default::default()),
        first: &["message_send.md", "message-send.md"],
        make_rules: false,
    };
    let docs_pages = docs.pages.len();
    out.extend(series(&docs));
    if docs_pages < 10 {
        if let Some(mail) = corpus_mail() {
            out.extend(series(&mail));
        }
    }
    out
}

/// The trees of one series: 1 page, 10 pages, every page (without resource pages), everything.
fn series(source: &Source) -> Vec<Tree> {
    let mut ordered = source.pages.clone();
    if let Some(i) = ordered.iter().position(|p| source.first.iter().any(|f| p.ends_with(f))) {
        let first = ordered.remove(i);
        ordered.insert(0, first);
    }
    let mut sizes: Vec<(usize, bool)> =
        [1, 10, ordered.len()].into_iter().filter(|&n| n <= ordered.len()).map(|n| (n, false)).collect();
    sizes.dedup();
    if !source.resources.is_empty() {
        sizes.push((ordered.len(), true));
    }
    let mut out = Vec::new();
    for (n, with_resources) in sizes {
        let pages = &ordered[..n];
        let resources: &[PathBuf] = if with_resources { &source.resources } else { &[] };
        match make(source, pages, resources) {
            Ok(tree) => out.push(tree),
            Err(e) => println!("{}/{n} pages: regen refuses it, left out:\n{e}", source.series),
        }
    }
    out
}

fn make(source: &Source, pages: &[PathBuf], resources: &[PathBuf]) -> Result<Tree, String> {
    let dir = tempfile::Builder::new().prefix("regen-bench-").tempdir().map_err(|e| e.to_string())?;
    let root = dir.path().to_path_buf();
    let copy = |files: &[PathBuf], to: &str| -> Result<(), String> {
        let to = root.join(to);
        std::fs::create_dir_all(&to).map_err(|e| e.to_string())?;
        for f in files {
            let name = f.file_name().ok_or("a page without a name")?;
            std::fs::copy(f, to.join(name)).map_err(|e| format!("{}: {e}", f.display()))?;
        }
        Ok(())
    };
    copy(pages, DOCS_DIR)?;
    copy(resources, RESOURCES_DIR)?;
    std::fs::create_dir_all(root.join("xtask")).map_err(|e| e.to_string())?;
    let names: Vec<String> =
        pages.iter().filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())).collect();
    let made_up = if source.make_rules { made_up_rules(pages) } else { Vec::new() };
    let rules: String = source
        .rules
        .iter()
        .chain(&made_up)
        .filter(|r| names.contains(&r.winner) && names.contains(&r.loser))
        .map(|r| format!("prefer {} over {}\n", r.winner, r.loser))
        .collect();
    if !rules.is_empty() {
        std::fs::write(root.join(PRECEDENCE_FILE), rules).map_err(|e| e.to_string())?;
    }
    let plural = if pages.len() == 1 { "page" } else { "pages" };
    let name = if resources.is_empty() {
        format!("{}/{} {plural}", source.series, pages.len())
    } else {
        format!("{}/{} {plural} + {} resources", source.series, pages.len(), resources.len())
    };
    let mut tree =
        Tree { _dir: dir, root, name, pages: pages.len(), resources: resources.len(), operations: 0 };
    let summary = tree.regen(&[])?;
    // `regen: 2 page(s), 2 operation(s), 2 warning(s); 3 file(s) written`
    tree.operations = summary
        .split(", ")
        .find_map(|part| part.strip_suffix(" operation(s)"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    Ok(tree)
}

/// The corpus stand-in for the mail area, or `None` when the corpus is absent.
fn corpus_mail() -> Option<Source> {
    let corpus = std::env::var_os("BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| xtask::project_root().join("../shared/corpus"));
    let manifest = std::fs::read_to_string(corpus.join("MANIFEST.tsv")).ok()?;
    let mut pages: Vec<PathBuf> = manifest
        .lines()
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols.len() >= 5 && cols[0] == "2021-en" && cols[4] == "mail")
                .then(|| corpus.join("2021-en").join(cols[1]))
        })
        .filter(|p| !has_function_parameters(p))
        .collect();
    pages.sort();
    let mut resources: Vec<PathBuf> = std::fs::read_dir(corpus.join("2021-en-resources"))
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    resources.sort();
    Some(Source {
        series: "corpus mail",
        pages,
        resources,
        rules: Vec::new(),
        make_rules: true,
        first: &["message-send.md"],
    })
}

/// Whether a request line of the page calls a function with a parameter (`supportedTimeZones(…='{x}')`).
fn has_function_parameters(page: &Path) -> bool {
    let text = std::fs::read_to_string(page).unwrap_or_default();
    text.lines().any(|l| {
        let l = l.trim_start();
        ["GET ", "POST ", "PATCH ", "PUT ", "DELETE "].iter().any(|m| l.starts_with(m))
            && l.split_once('(').is_some_and(|(_, rest)| rest.contains('{'))
    })
}

/// Precedence rules for pages that define the same method and path: the earlier page (by name) wins. Each
/// rule is applied before the next is made, as regen applies them in order, so none matches nothing.
fn made_up_rules(files: &[PathBuf]) -> Vec<Preference> {
    let root = Path::new("/");
    let mut pages: Vec<xtask::page::Page> =
        files.iter().map(|f| regen::read_page(root, f)).filter(|p| !p.has_errors()).collect();
    let key = |e: &xtask::page::Endpoint| {
        xtask::paths::normalise(&e.path).ok().map(|t| (e.method.to_ascii_uppercase(), t.path()))
    };
    let name = |p: &xtask::page::Page| p.file.rsplit('/').next().unwrap_or_default().to_owned();
    let mut rules = Vec::new();
    for j in 0..pages.len() {
        for i in 0..j {
            let winner: Vec<_> = pages[i].endpoints.iter().filter_map(key).collect();
            if !pages[j].endpoints.iter().filter_map(key).any(|k| winner.contains(&k)) {
                continue;
            }
            let rule = Preference { winner: name(&pages[i]), loser: name(&pages[j]), line: rules.len() + 1 };
            let mut said = xtask::diagnostics::Diagnostics::new();
            regen::apply_precedence(&mut pages, std::slice::from_ref(&rule), &mut said);
            if !said.has_errors() {
                rules.push(rule);
            }
        }
    }
    rules
}
