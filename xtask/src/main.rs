//! `cargo xtask <task>`: the command line over the xtask library.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

const USAGE: &str = "usage: cargo xtask regen [--check]
       cargo xtask convert [--keep-going] [--report REPORT.json] [--includes DIR]... --out OUT.yaml PATH...

  regen           read spec/docs, write spec/openapi.yaml and generated-client/src/generated/
  regen --check   write nothing; print a diff and fail if any generated file is out of date
  convert         read the pages given (files, or folders searched for *.md) and write one OpenAPI document;
                  errors are printed with file and line (warnings too, unless --report is given); exit 1 when
                  any page has an error
    --out FILE        the OpenAPI document (YAML), written only when every page is good
    --keep-going      write the document even when some pages have errors: it holds every good page
    --report FILE     a JSON report: per page, whether it is ok, its operations and its diagnostics
    --includes DIR    a folder mirroring the docs' api-reference/ where [!INCLUDE] files are looked for after
                      the page's own folder (repeatable); a folder F of pages adds its sibling F-includes";

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
            xtask::regen::run(&root, check)?;
            Ok(ExitCode::SUCCESS)
        }
        Some("convert") => {
            let options = convert_options(&args[1..])?;
            let all_ok = xtask::convert::run(&options)?;
            Ok(if all_ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
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
