//! `cargo run -p generator -- --spec FILE --out DIR [--name CRATE]`: a standalone client crate from any
//! OpenAPI 3.0 document (YAML or JSON).
//!
//! All or nothing: every file is generated before any is written, and every file is written beside its
//! place before any is moved there, so a failure leaves the output folder as it was.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: generator --spec FILE --out DIR [--name CRATE]";

fn main() -> ExitCode {
    match run() {
        Ok(Some(n)) => {
            println!("generator: {n} file(s) written");
            ExitCode::SUCCESS
        }
        Ok(None) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The number of files written, or `None` when only the usage was asked for.
fn run() -> Result<Option<usize>, String> {
    let mut spec = None;
    let mut out = None;
    let mut name = String::from("graph-client");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("`{a}` needs a value\n{USAGE}"));
        match a.as_str() {
            "--spec" => spec = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--name" => name = value()?,
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    let (Some(spec), Some(out)) = (spec, out) else {
        return Err(format!("both --spec and --out are needed\n{USAGE}"));
    };
    generator::standalone::check_crate_name(&name).map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(&spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let document: openapiv3::OpenAPI = serde_yaml_ng::from_str(&text).map_err(|e| {
        // Swagger 2.0 fails on the missing `openapi` field, which does not say what is wrong.
        let swagger = serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&text)
            .is_ok_and(|v| v.get("swagger").is_some_and(|s| !s.is_null()));
        if swagger {
            format!(
                "{} is not an OpenAPI 3.0 document but Swagger 2.0; convert it to OpenAPI 3.0 first",
                spec.display()
            )
        } else {
            format!("{} is not an OpenAPI 3.0 document: {e}", spec.display())
        }
    })?;
    let files = generator::standalone::crate_files(&document, &name, &spec.display().to_string())
        .map_err(|e| format!("{}: {e}", spec.display()))?;
    write_all(&out, &files.files)?;
    Ok(Some(files.files.len()))
}

/// Writes every file to `<name>.gen-tmp` first and renames them into place only when all were written; on a
/// failure it removes what it wrote and the folders it made.
fn write_all(out: &Path, files: &[generator::File]) -> Result<(), String> {
    let mut made_dirs: Vec<PathBuf> = Vec::new();
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let result = stage(out, files, &mut made_dirs, &mut staged).and_then(|()| {
        for (tmp, path) in &staged {
            std::fs::rename(tmp, path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        Ok(())
    });
    if result.is_err() {
        for (tmp, _) in &staged {
            let _ = std::fs::remove_file(tmp);
        }
        for dir in made_dirs.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
    result
}

fn stage(
    out: &Path,
    files: &[generator::File],
    made_dirs: &mut Vec<PathBuf>,
    staged: &mut Vec<(PathBuf, PathBuf)>,
) -> Result<(), String> {
    for f in files {
        let path = out.join(&f.path);
        if let Some(parent) = path.parent() {
            // Made one level at a time, so that exactly the folders this run made can be removed again.
            let missing: Vec<&Path> = parent.ancestors().take_while(|dir| !dir.exists()).collect();
            for dir in missing.into_iter().rev() {
                std::fs::create_dir(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                made_dirs.push(dir.to_path_buf());
            }
        }
        // Renaming onto a folder would fail only after other files were moved into place.
        if path.is_dir() {
            return Err(format!("cannot write {}: a folder is in the way", path.display()));
        }
        let mut tmp = path.clone().into_os_string();
        tmp.push(".gen-tmp");
        let tmp = PathBuf::from(tmp);
        std::fs::write(&tmp, &f.contents).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        staged.push((tmp, path));
    }
    Ok(())
}
