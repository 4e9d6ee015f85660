//! `cargo xtask diff`: what a change to `spec/openapi.yaml` does, for the reviewer of a pull request.
//!
//! Two versions of the spec are compared as OpenAPI documents, not as text ([`checks`]). Each change gets a
//! stable check id, a kind (breaking, additive, docs), the page and line it comes from ([`source`]), the Rust
//! item of generated-client it touches and the semver step that item needs ([`rust`]). [`report`] prints it as
//! text, a markdown review comment or JSON.

pub mod checks;
pub mod git;
pub mod report;
pub mod rust;
pub mod source;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics, PageDiagnostic};

/// What a change does to an app that used the old spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// An app that worked may fail: a call is gone, a request it sends is now refused, an answer it reads
    /// has another shape, or its Rust code no longer compiles.
    Breaking,
    /// Something new an app may use; nothing it does today stops working.
    Additive,
    /// Text only: descriptions, summaries, links.
    Docs,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Breaking => "breaking",
            Kind::Additive => "additive",
            Kind::Docs => "docs",
        }
    }
}

/// The version step generated-client needs, by Rust's semver rules (cargo's "SemVer compatibility").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Semver {
    None,
    Patch,
    Minor,
    Major,
}

impl Semver {
    pub fn as_str(self) -> &'static str {
        match self {
            Semver::None => "none",
            Semver::Patch => "patch",
            Semver::Minor => "minor",
            Semver::Major => "major",
        }
    }
}

/// The two versions being compared; a change's source and Rust item are looked up on one of them (the new
/// one for what was added or changed, the old one for what was removed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Old,
    New,
}

/// An operation, by its method and path template, with its operationId on the side the change is read on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct OperationRef {
    pub method: String,
    pub path: String,
    #[serde(rename = "operationId")]
    pub operation_id: String,
    /// The Graph reference page (`externalDocs`), for links in the markdown report.
    #[serde(skip)]
    pub docs_url: Option<String>,
}

/// What a change is about, for finding its source line and Rust item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Operation,
    /// A query or header parameter, by its name.
    Parameter {
        name: String,
        required: bool,
    },
    /// The scopes of an operation.
    Scopes,
    /// The request body, or one property of an inline one.
    RequestBody {
        property: Option<String>,
    },
    Response,
    Schema {
        name: String,
    },
    Property {
        schema: String,
        property: String,
    },
    EnumValue {
        schema: String,
        value: String,
    },
}

/// A page file and line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub file: String,
    pub line: Option<usize>,
}

/// One change between the two versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub id: &'static str,
    pub kind: Kind,
    pub operation: Option<OperationRef>,
    /// A JSON pointer into the document of `side`.
    pub pointer: String,
    pub message: String,
    pub side: Side,
    pub subject: Subject,
    pub source: Option<Source>,
    /// The Rust item touched, and how (`types::Message::is_read: Option<bool> → Option<String>`).
    pub rust: Option<String>,
    pub semver: Semver,
}

/// The whole comparison.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub changes: Vec<Change>,
    /// What the report could not say, and why: a side the generator cannot make a client from has no Rust
    /// names, so its changes name no Rust item.
    pub notes: Vec<String>,
}

impl Report {
    pub fn count(&self, kind: Kind) -> usize {
        self.changes.iter().filter(|c| c.kind == kind).count()
    }

    /// The step the crate needs: the largest any change needs.
    pub fn semver(&self) -> Semver {
        self.changes.iter().map(|c| c.semver).max().unwrap_or(Semver::None)
    }
}

/// Where the pages a document names (`x-ms-docs-source`) are read from, per side.
#[derive(Debug, Clone)]
pub enum Pages {
    /// Files on disk, tried relative to each folder in turn.
    Disk(Vec<PathBuf>),
    /// Files at a git revision of a repository.
    Git { repo: PathBuf, rev: String },
}

impl Pages {
    fn read(&self, file: &str) -> Option<String> {
        match self {
            Pages::Disk(dirs) => {
                let p = Path::new(file);
                if p.is_absolute() {
                    return std::fs::read_to_string(p).ok();
                }
                dirs.iter().find_map(|d| std::fs::read_to_string(d.join(p)).ok())
            }
            Pages::Git { repo, rev } => git::show(repo, rev, file).ok().flatten(),
        }
    }
}

/// Compares two documents: the changes, each with its source and Rust item.
pub fn compare(
    old: &openapiv3::OpenAPI,
    new: &openapiv3::OpenAPI,
    old_pages: &Pages,
    new_pages: &Pages,
) -> Report {
    let mut changes = checks::run(old, new);
    if changes.is_empty() {
        return Report { changes, notes: Vec::new() };
    }
    let mut sources = [source::Lines::new(old, old_pages), source::Lines::new(new, new_pages)];
    let names = rust::Names::new(old, new);
    for c in &mut changes {
        let lines = &mut sources[usize::from(c.side == Side::New)];
        c.source = lines.source(c);
        c.rust = names.describe(c);
        c.semver = names.semver(c);
    }
    changes.sort_by(|a, b| {
        (a.kind, &a.operation, &a.pointer, a.id).cmp(&(b.kind, &b.operation, &b.pointer, b.id))
    });
    Report { changes, notes: names.notes() }
}

/// Parses two documents at once, on two threads: parsing the YAML is most of a diff without changes. A
/// document that does not parse is an error at its file and line in `diagnostics`, both sides said.
pub fn parse_pair(
    (old, old_what): (&str, &str),
    (new, new_what): (&str, &str),
    diagnostics: &mut Diagnostics,
) -> Option<(openapiv3::OpenAPI, openapiv3::OpenAPI)> {
    let (a, b) = std::thread::scope(|s| {
        let b = s.spawn(|| parse(new, new_what));
        (parse(old, old_what), b.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
    });
    match (a, b) {
        (Ok(a), Ok(b)) => Some((a, b)),
        (a, b) => {
            diagnostics.extend(a.err().into_iter().chain(b.err()));
            None
        }
    }
}

/// Reads two files and parses them (see [`parse_pair`]); a file that cannot be read is an error about it.
pub fn load_files(
    old: &Path,
    new: &Path,
    diagnostics: &mut Diagnostics,
) -> Option<(openapiv3::OpenAPI, openapiv3::OpenAPI)> {
    let mut read = |p: &Path| {
        std::fs::read_to_string(p)
            .map_err(|e| diagnostics.file_error(&crate::files::label(p), format!("cannot read it: {e}")))
            .ok()
    };
    let (a, b) = (read(old), read(new));
    parse_pair((&a?, &crate::files::label(old)), (&b?, &crate::files::label(new)), diagnostics)
}

/// Reads an OpenAPI document from YAML (or JSON) text; `what` names it in the error, which has the line
/// the parser stopped at.
pub fn parse(text: &str, what: &str) -> Result<openapiv3::OpenAPI, PageDiagnostic> {
    serde_yaml_ng::from_str(text).map_err(|e| PageDiagnostic {
        file: what.to_string(),
        diagnostic: Diagnostic::error(
            e.location().map_or(0, |l| l.line()),
            format!("not an OpenAPI 3.0 document: {e}"),
        ),
    })
}

/// The report's formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Text,
    Markdown,
    Json,
}

/// When `diff` exits 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailOn {
    Breaking,
    Any,
    #[default]
    Never,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Compare the spec at this revision (default `HEAD`) with the working tree's.
    pub base: Option<String>,
    /// Or compare these two files.
    pub files: Option<(PathBuf, PathBuf)>,
    pub format: Format,
    pub fail_on: FailOn,
    /// Prefix for links to pages in the markdown report (`https://github.com/o/r/blob/SHA/`); relative
    /// links otherwise.
    pub link_base: Option<String>,
}

/// `cargo xtask diff`: compares, prints the report, and says whether `--fail-on` is triggered. A document
/// that cannot be read or parsed is an error in `diagnostics` (both sides said), and nothing is compared.
pub fn run(cwd: &Path, options: &Options, diagnostics: &mut Diagnostics) -> Result<(String, bool)> {
    const NOTHING_COMPARED: &str = "nothing was compared";
    let (old, new, old_pages, new_pages) = match &options.files {
        Some((a, b)) => {
            // Pages are named relative to the repository (regen) or as given (convert): try both.
            let mut dirs = vec![cwd.to_path_buf()];
            if let Ok(top) = git::toplevel(cwd) {
                dirs.push(top);
            }
            let Some((old, new)) = load_files(a, b, diagnostics) else {
                diagnostics.fail_on_errors(NOTHING_COMPARED)?;
                anyhow::bail!("{NOTHING_COMPARED}")
            };
            (old, new, Pages::Disk(dirs.clone()), Pages::Disk(dirs))
        }
        None => {
            let repo = git::toplevel(cwd)?;
            let rev = options.base.clone().unwrap_or_else(|| "HEAD".into());
            git::verify(&repo, &rev)?;
            let spec = crate::tasks::regen::SPEC_FILE;
            let old_text = git::show(&repo, &rev, spec)?
                .with_context(|| format!("{spec} does not exist at revision `{rev}`"))?;
            let path = repo.join(spec);
            let new_text =
                std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let parsed =
                parse_pair((&old_text, &format!("{spec} at `{rev}`")), (&new_text, spec), diagnostics);
            let Some((old, new)) = parsed else {
                diagnostics.fail_on_errors(NOTHING_COMPARED)?;
                anyhow::bail!("{NOTHING_COMPARED}")
            };
            (old, new, Pages::Git { repo: repo.clone(), rev }, Pages::Disk(vec![repo]))
        }
    };
    let report = compare(&old, &new, &old_pages, &new_pages);
    let text = match options.format {
        Format::Text => report::text(&report),
        Format::Markdown => report::markdown(&report, options.link_base.as_deref()),
        Format::Json => report::json(&report)?,
    };
    let failed = match options.fail_on {
        FailOn::Breaking => report.count(Kind::Breaking) > 0,
        FailOn::Any => !report.changes.is_empty(),
        FailOn::Never => false,
    };
    Ok((text, failed))
}

/// A JSON pointer token: `~` and `/` escaped (RFC 6901).
pub fn pointer_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}
