//! `cargo xtask <task>`: the command line over the xtask library.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use xtask::diagnostics::{Diagnostics, Severity};

/// mimalloc rather than the system's allocator: reading thousands of pages allocates and frees many small
/// strings, and glibc's allocator was a fifth of `cargo xtask convert`'s instructions (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: cargo xtask regen [--check]
       cargo xtask convert [--keep-going] [--report REPORT.json] [--includes DIR]... --out OUT.yaml PATH...
       cargo xtask diff [--base REV] [--format text|markdown|json] [--fail-on breaking|any|never]
                        [--link-base URL] [OLD.yaml NEW.yaml]
       cargo xtask sync --from DOCS_CHECKOUT

  regen           read spec/docs, write spec/openapi.yaml, generated-client/src/generated/ and
                  generated-client/API.md (the emitted Rust API, one line per item)
  regen --check   write nothing; print a diff and fail if any generated file is out of date
  convert         read the pages given (files, or folders searched for *.md) and write one OpenAPI document;
                  errors are printed with file and line (warnings too, unless --report is given); exit 1 when
                  any page has an error
    --out FILE        the OpenAPI document (YAML), written only when every page is good
    --keep-going      write the document even when some pages have errors: it holds every good page
    --report FILE     a JSON report: per page, whether it is ok, its operations and its diagnostics
    --includes DIR    a folder mirroring the docs' api-reference/ where [!INCLUDE] files are looked for after
                      the page's own folder (repeatable); a folder F of pages adds its sibling F-includes
  diff            compare spec/openapi.yaml at REV (default HEAD) with the working tree's, or two files:
                  each change with its check id, kind (breaking, additive, docs), page line and Rust item,
                  then the semver step; exit 1 when --fail-on is triggered, 2 on a usage or input error
    --link-base URL   prefix for page links in the markdown report (e.g. https://github.com/o/r/blob/SHA/)
  sync            copy the newest version of every page in spec/docs from a local clone of Microsoft's docs
                  repository (pages matched by file name), report added/changed/vanished pages and record
                  the clone's commit in spec/docs/README.md";

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = xtask::project_root();
    match args.first().map(String::as_str) {
        Some("regen") => {
            let mut check = false;
            for a in &args[1..] {
                match a.as_str() {
                    "--check" => check = true,
                    other => bail!("unknown option `{other}` for regen\n\n{USAGE}"),
                }
            }
            let mut diagnostics = Diagnostics::new();
            let result = xtask::regen::run(&root, check, &mut diagnostics);
            diagnostics.print(Severity::Warning);
            println!("{}", result?);
            Ok(ExitCode::SUCCESS)
        }
        Some("convert") => {
            let options = convert_options(&args[1..])?;
            let mut diagnostics = Diagnostics::new();
            let result = xtask::convert::run(&options, &mut diagnostics);
            // With a report, the warnings are in it; the terminal gets the errors.
            diagnostics.print(if options.report.is_some() { Severity::Error } else { Severity::Warning });
            Ok(if result? { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Some("diff") => Ok(diff(&args[1..])),
        Some("sync") => {
            let from = match &args[1..] {
                [flag, dir] if flag == "--from" => PathBuf::from(dir),
                [flag] if flag.starts_with("--from=") => PathBuf::from(&flag[7..]),
                _ => bail!("sync needs `--from DOCS_CHECKOUT`\n\n{USAGE}"),
            };
            let mut diagnostics = Diagnostics::new();
            let result = xtask::sync::run(&root, &from, &mut diagnostics);
            diagnostics.print(Severity::Warning);
            let _ = std::io::Write::write_all(&mut std::io::stdout(), result?.as_bytes());
            Ok(ExitCode::SUCCESS)
        }
        Some("-h" | "--help" | "help") | None => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        Some(other) => bail!("unknown task `{other}`\n\n{USAGE}"),
    }
}

fn convert_options(args: &[String]) -> Result<xtask::convert::Options> {
    let mut options = xtask::convert::Options::default();
    let mut out = None;
    let mut args = args.iter();
    while let Some(a) = args.next() {
        let mut value = |name: &str| -> Result<PathBuf> {
            args.next().map(PathBuf::from).with_context(|| format!("`{name}` needs a file name\n\n{USAGE}"))
        };
        match a.as_str() {
            "--keep-going" => options.keep_going = true,
            "--report" => options.report = Some(value("--report")?),
            "--out" | "-o" => out = Some(value("--out")?),
            "--includes" => options.includes.push(value("--includes")?),
            flag if flag.starts_with("--report=") => options.report = Some(PathBuf::from(&flag[9..])),
            flag if flag.starts_with("--out=") => out = Some(PathBuf::from(&flag[6..])),
            flag if flag.starts_with("--includes=") => options.includes.push(PathBuf::from(&flag[11..])),
            flag if flag.starts_with('-') && flag != "-" => {
                bail!("unknown option `{flag}` for convert\n\n{USAGE}")
            }
            path => options.inputs.push(PathBuf::from(path)),
        }
    }
    options.out = out.with_context(|| format!("convert needs `--out OUT.yaml`\n\n{USAGE}"))?;
    if options.inputs.is_empty() {
        bail!("convert needs at least one page or folder of pages\n\n{USAGE}");
    }
    Ok(options)
}

/// `diff` answers with its own exit codes: 1 only when `--fail-on` is triggered, 2 for any error.
fn diff(args: &[String]) -> ExitCode {
    let mut diagnostics = Diagnostics::new();
    let result = diff_options(args).and_then(|options| {
        let cwd = std::env::current_dir().context("cannot read the current folder")?;
        xtask::diff::run(&cwd, &options, &mut diagnostics)
    });
    diagnostics.print(Severity::Warning);
    match result {
        Ok((text, failed)) => {
            // A reader that stops early (`| head`) is not an error worth a panic.
            let _ = std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes());
            if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn diff_options(args: &[String]) -> Result<xtask::diff::Options> {
    use xtask::diff::{FailOn, Format, Options};
    let mut options = Options::default();
    let mut files = Vec::new();
    let mut args = args.iter();
    while let Some(a) = args.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let mut value = || -> Result<String> {
            inline
                .clone()
                .or_else(|| args.next().cloned())
                .with_context(|| format!("`{flag}` needs a value\n\n{USAGE}"))
        };
        match flag {
            "--base" => options.base = Some(value()?),
            "--link-base" => options.link_base = Some(value()?),
            "--format" => {
                options.format = match value()?.as_str() {
                    "text" => Format::Text,
                    "markdown" | "md" => Format::Markdown,
                    "json" => Format::Json,
                    other => bail!("unknown format `{other}`: text, markdown or json\n\n{USAGE}"),
                }
            }
            "--fail-on" => {
                options.fail_on = match value()?.as_str() {
                    "breaking" => FailOn::Breaking,
                    "any" => FailOn::Any,
                    "never" => FailOn::Never,
                    other => bail!("unknown `--fail-on {other}`: breaking, any or never\n\n{USAGE}"),
                }
            }
            f if f.starts_with('-') => bail!("unknown option `{f}` for diff\n\n{USAGE}"),
            file => files.push(PathBuf::from(file)),
        }
    }
    match files.len() {
        0 => {}
        2 if options.base.is_none() => options.files = Some((files[0].clone(), files[1].clone())),
        2 => bail!("give either `--base REV` or two files, not both\n\n{USAGE}"),
        n => bail!("diff takes two files (OLD.yaml NEW.yaml) or none, not {n}\n\n{USAGE}"),
    }
    Ok(options)
}
