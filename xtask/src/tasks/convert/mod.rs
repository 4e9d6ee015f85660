//! `cargo xtask convert`: any set of reference pages → one OpenAPI document and a per-page report.
//!
//! API pages give the operations; resource (type) pages among the inputs give the document's schemas, as in
//! regen.
//!
//! Unlike regen, convert is meant for folders of thousands of pages, some of them broken, written in every
//! era of the reference: one bad page costs only itself. A page is good when it has no error, and only good
//! pages reach the document. Without `--keep-going` the document is written only when every page is good
//! (regen's all or nothing); with it, the document holds every good page. The report is always written.
//! An endpoint documented by several pages is kept once, from the page most about it, and reported on the
//! others; it is never merged.
//!
//! This file is the command (its inputs, reading them, writing the outputs); `blame` the conversion, which
//! leaves out the pages that break the document; `report` what it hands back and the report file;
//! `progress` the bar on a terminal.

mod blame;
mod progress;
mod report;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::files;
use crate::reader::includes::IncludeRoots;
use crate::reader::page::{self, Page};
use crate::reader::resource::{self, Resource};

pub use blame::convert;
pub use report::{Conversion, PageReport, ReportedOperation, OUT_HEADER};

/// The command line of `convert`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub keep_going: bool,
    pub report: Option<PathBuf>,
    pub out: PathBuf,
    pub inputs: Vec<PathBuf>,
    /// Folders that mirror the docs' `api-reference/`, where `[!INCLUDE]` targets are looked for after the
    /// page's own folder (`--includes`); each input folder's `*-includes` sibling is added (see
    /// [`crate::reader::includes`]).
    pub includes: Vec<PathBuf>,
}

/// The pages named by the command line: files as given, folders searched recursively for `*.md` (README.md
/// excepted), each folder's pages sorted so the output never depends on the disk's order. An input that
/// cannot be read is an error about it in `diagnostics`; the others are still listed.
pub fn page_files(inputs: &[PathBuf], diagnostics: &mut Diagnostics) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for input in inputs {
        let listed = std::fs::metadata(input)
            .with_context(|| format!("cannot read {}", input.display()))
            .and_then(|meta| {
                if meta.is_dir() {
                    walk(input, &mut out)
                } else {
                    out.push(input.clone());
                    Ok(())
                }
            });
        if let Err(e) = listed {
            diagnostics.file_error(&label(input), format!("{e:#}"));
        }
    }
    // A set by hash: a sorted set compares paths component by component, which showed in the profile.
    let mut seen = std::collections::HashSet::with_capacity(out.len());
    out.retain(|p| seen.insert(p.clone()));
    out
}

/// The pages under `dir` in the order of their paths (component by component): each folder's entries are
/// taken sorted by name, and a subfolder's pages come where its name does.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        entries.push((entry.file_name(), entry));
    }
    entries.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
    for (_, entry) in entries {
        let path = entry.path();
        // Folders reached through a symbolic link are not entered: a link to a parent would never end.
        let file_type = entry.file_type();
        let is_real_dir = file_type.as_ref().is_ok_and(|t| t.is_dir());
        // Include folders (`includes/`, the corpus's `2025-en-includes/`) hold parts of pages, not pages.
        let is_includes = path.file_name().is_some_and(|n| {
            let n = n.to_string_lossy().to_ascii_lowercase();
            n == "includes" || n.ends_with("-includes")
        });
        if is_real_dir && is_includes {
            continue;
        } else if is_real_dir {
            walk(&path, out)?;
        } else if !file_type.is_ok_and(|t| t.is_file()) && path.is_dir() {
            // A link to a folder (a plain file needs no look at the disk to say it is none).
            continue;
        } else if files::is_page(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// A file's label in diagnostics and the report: its path with `/` separators.
pub use crate::files::label;

/// One input of convert: an API page (endpoints) or a resource page (a type, for the schemas).
#[derive(Debug, Clone)]
pub enum Source {
    /// Boxed: a page model is several times the size of a resource.
    Api(Box<Page>),
    Resource(Resource),
}

impl Source {
    pub fn file(&self) -> &str {
        match self {
            Source::Api(p) => &p.file,
            Source::Resource(r) => &r.file,
        }
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Source::Api(p) => &p.diagnostics,
            Source::Resource(r) => &r.diagnostics,
        }
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics().iter().any(|d| d.severity == Severity::Error)
    }

    /// Pushes what the reader found on this page, with its file, into a run's collector.
    pub fn report_to(&self, run: &mut Diagnostics) {
        run.page(self.file(), self.diagnostics());
    }
}

/// A page's bytes as text (see [`files::page_text`]), or the error that says where and why they are not.
/// Regen and convert read pages through it, so a bad page reads the same in both.
pub fn page_text(bytes: &[u8]) -> Result<&str, Diagnostic> {
    files::page_text(bytes).map_err(|files::NotUtf8 { offset, line }| {
        Diagnostic::error(
            line,
            format!("the page is not UTF-8 text (invalid byte at offset {offset}); save it as UTF-8"),
        )
    })
}

/// The error of a page that cannot be read at all: about the file, at no line.
pub fn unreadable(error: &std::io::Error) -> Diagnostic {
    Diagnostic::about_file(format!("cannot read the page: {error}"))
}

/// Reads one page from bytes: an API page when it lists endpoints, else a resource page when it says it is
/// one. Text that is not UTF-8 is an error for this page only; a byte order mark is dropped.
///
/// Permissions includes are looked for beside `file` (read as a path) only; [`read_bytes_with`] names include
/// roots too.
pub fn read_bytes(file: &str, bytes: &[u8]) -> Source {
    read_bytes_with(file, bytes, &IncludeRoots::default())
}

/// [`read_bytes`] with include files looked for beside the page, then in `includes` (see [`crate::reader::includes`]).
pub fn read_bytes_with(file: &str, bytes: &[u8], includes: &IncludeRoots) -> Source {
    match page_text(bytes) {
        Ok(text) => {
            let resolve = |target: &str| includes.resolve(Path::new(file), target);
            let page = page::read_with(file, text, &resolve);
            // Some API pages carry a resource page's front matter (`doc_type: resourcePageType` on
            // `serviceprincipal-update.md`), and API pages hold resource annotations for their bodies:
            // a page that lists endpoints is an API page whatever it says.
            if page.endpoints.is_empty() && resource::is_resource_page(text) {
                Source::Resource(resource::read(file, text))
            } else {
                Source::Api(Box::new(page))
            }
        }
        Err(why) => {
            Source::Api(Box::new(Page { file: file.to_string(), diagnostics: vec![why], ..Page::default() }))
        }
    }
}

/// `cargo xtask convert`: reads the pages, writes OUT (and the report); every finding (a page's, an input
/// that cannot be read, an output that cannot be written) goes into `diagnostics`, which the caller prints.
/// Returns whether every page converted without error and every output was written. Meant to end the
/// process: what it made is left to the operating system to free.
pub fn run(options: &Options, diagnostics: &mut Diagnostics) -> Result<bool> {
    let files = page_files(&options.inputs, diagnostics);
    if files.is_empty() && !diagnostics.has_errors() {
        bail!("no pages found: give `.md` files or folders that hold them");
    }
    let includes = IncludeRoots::for_inputs(options.includes.clone(), &options.inputs);
    // Pages are read on every core; the bar counts the pages read so far, whichever thread read them.
    let progress = std::sync::Mutex::new(progress::Progress::new(files.len()));
    let read = std::sync::atomic::AtomicUsize::new(0);
    let pages = files::read_all(&files, |path| {
        let done = read.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut bar) = progress.lock() {
            bar.update("reading", done);
        }
        let file = label(path);
        match std::fs::read(path) {
            Ok(bytes) => read_bytes_with(&file, &bytes, &includes),
            Err(e) => {
                Source::Api(Box::new(Page { file, diagnostics: vec![unreadable(&e)], ..Page::default() }))
            }
        }
    });
    let mut progress = progress.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    let (conversion, pages) =
        blame::convert_keeping_pages(pages, &mut |i| progress.update("checking", i), diagnostics)?;
    progress.finish();

    let all_read = conversion.failed_pages() == 0 && !diagnostics.has_errors();
    let written = all_read || options.keep_going;
    // The report and the document are independent texts of the same conversion: one thread each. The
    // report holds what was found before it is written; an output that cannot be written is said after.
    let said: &Diagnostics = diagnostics;
    let (report, document) = std::thread::scope(|s| {
        let report = s.spawn(|| {
            options
                .report
                .as_ref()
                .map(|path| (path, conversion.report_text(said).and_then(|t| write_file(path, &t))))
        });
        let document = written.then(|| conversion.yaml().and_then(|y| write_file(&options.out, &y)));
        (report.join().unwrap_or_else(|e| std::panic::resume_unwind(e)), document)
    });
    for (path, result) in report.into_iter().chain(document.map(|r| (&options.out, r))) {
        if let Err(e) = result {
            diagnostics.file_error(&label(path), format!("{e:#}"));
        }
    }
    println!(
        "convert: {} page(s), {} failed, {} operation(s), {} error(s), {} warning(s); {}",
        conversion.pages.len(),
        conversion.failed_pages(),
        conversion.operations(),
        diagnostics.errors(),
        diagnostics.warnings(),
        if written {
            format!("wrote {}", options.out.display())
        } else {
            format!("wrote nothing to {} (use --keep-going to write the good pages)", options.out.display())
        }
    );
    // The process ends here: the operating system takes the memory back at once, where freeing the page
    // models and the document piece by piece took a tenth of the run (the profile in BENCHMARKS.md).
    std::mem::forget((conversion, pages, files));
    Ok(all_read && !diagnostics.has_errors())
}

/// Writes one output through the one writer: only when it changed, never half a file.
fn write_file(path: &Path, contents: &str) -> Result<()> {
    files::write(path, &label(path), contents.as_bytes(), false, &mut String::new()).map(drop)
}
